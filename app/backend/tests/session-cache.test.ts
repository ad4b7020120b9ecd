// The request path's session cache: one database lookup per session per TTL, and the bounds on how long a
// revoked or expired session can still be honoured (docs/security.md, "Session cache"). Time is an injected
// clock, never a sleep.
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import * as schema from "../src/db/schema.js";
import { openDatabase, type DatabaseHandle } from "../src/db/client.js";
import { SESSION_CACHE_TTL_MS, SessionCache, type LoadedSession } from "../src/session-cache.js";
import { nextClientAddress, signUp, testConfig, waitForReady, type TestUser } from "./support/app.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";

const T0 = Date.UTC(2026, 0, 1);

function session(userId: string, sessionId: string, expiresAt: number): LoadedSession {
  return {
    user: { id: userId, email: `${userId}@example.com`, name: userId },
    sessionId,
    expiresAt: new Date(expiresAt),
  };
}

/** A cache on a clock the test moves, and a loader that counts its calls and answers what it is told. */
function cacheWithLoader(options: { maxEntries?: number } = {}) {
  const clock = { now: T0 };
  const cache = new SessionCache({ ttlMs: 5_000, now: () => clock.now, ...options });
  const loads: string[] = [];
  const answers = new Map<string, LoadedSession | null>();
  const resolve = (credentials: string) =>
    cache.resolve(credentials, async () => {
      loads.push(credentials);
      return answers.get(credentials) ?? null;
    });
  return { clock, cache, loads, answers, resolve };
}

describe("SessionCache", () => {
  it("reads a session once, answers from memory until the TTL, and reads it again after", async () => {
    const { clock, loads, answers, resolve } = cacheWithLoader();
    answers.set("a", session("u1", "s1", T0 + 3_600_000));
    expect((await resolve("a"))?.user.id).toBe("u1");
    clock.now = T0 + 4_999;
    expect((await resolve("a"))?.user.id).toBe("u1");
    expect(loads).toEqual(["a"]);
    clock.now = T0 + 5_000;
    answers.set("a", null); // revoked meanwhile, e.g. through another replica
    expect(await resolve("a")).toBeNull();
    expect(loads).toEqual(["a", "a"]);
  });

  it("never honours a session past its expiry, even inside the TTL", async () => {
    const { clock, loads, answers, resolve } = cacheWithLoader();
    answers.set("a", session("u1", "s1", T0 + 2_000));
    await resolve("a");
    clock.now = T0 + 2_000;
    answers.set("a", null);
    expect(await resolve("a")).toBeNull();
    expect(loads).toHaveLength(2);
  });

  it("does not cache what was not found", async () => {
    const { loads, resolve } = cacheWithLoader();
    expect(await resolve("nobody")).toBeNull();
    expect(await resolve("nobody")).toBeNull();
    expect(loads).toHaveLength(2);
  });

  it("evicts one session by its row id, and every session of a user", async () => {
    const { cache, loads, answers, resolve } = cacheWithLoader();
    answers.set("a", session("u1", "s1", T0 + 3_600_000));
    answers.set("b", session("u1", "s2", T0 + 3_600_000));
    answers.set("c", session("u2", "s3", T0 + 3_600_000));
    for (const key of ["a", "b", "c"]) await resolve(key);
    cache.evictSession("s1");
    expect(cache.size).toBe(2);
    cache.evictUser("u1");
    expect(cache.size).toBe(1);
    for (const key of ["a", "b", "c"]) await resolve(key);
    expect(loads).toEqual(["a", "b", "c", "a", "b"]);
  });

  it("does not store a session read while an eviction happened (the read may predate the delete)", async () => {
    const clock = { now: T0 };
    const cache = new SessionCache({ ttlMs: 5_000, now: () => clock.now });
    let loads = 0;
    const load = async () => {
      loads += 1;
      cache.evictSession("s1"); // the delete commits while this lookup is in the database
      return session("u1", "s1", T0 + 3_600_000);
    };
    await cache.resolve("a", load);
    expect(cache.size).toBe(0);
    await cache.resolve("a", load);
    expect(loads).toBe(2);
  });

  it("keeps at most maxEntries, dropping the oldest", async () => {
    const { cache, loads, answers, resolve } = cacheWithLoader({ maxEntries: 2 });
    for (const key of ["a", "b", "c"]) answers.set(key, session(key, key, T0 + 3_600_000));
    for (const key of ["a", "b", "c"]) await resolve(key);
    expect(cache.size).toBe(2);
    await resolve("c");
    await resolve("a");
    expect(loads).toEqual(["a", "b", "c", "a"]);
  });
});

describe("two replicas on one database, sharing a clock", () => {
  const clock = { now: Date.now() };
  let testDatabase: TestDatabase;
  let database: DatabaseHandle;
  let here: FastifyInstance; // where the user signs out or revokes
  let there: FastifyInstance; // another replica

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    const config = testConfig({ DATABASE_URL: testDatabase.url });
    const logger = pino({ level: "silent" });
    database = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDataDir: "memory://", logger });
    const shared = { ...database, close: async () => {} }; // closed once, below
    here = await buildApp({ config, logger, database: shared, clock: () => clock.now });
    there = await buildApp({ config, logger, database: shared, clock: () => clock.now });
    await waitForReady(here);
    await waitForReady(there);
  });
  afterAll(async () => {
    await here?.close();
    await there?.close();
    await database?.close();
    await testDatabase?.drop();
  });

  const tasks = (app: FastifyInstance, user: TestUser, token = user.token) =>
    app
      .inject({ method: "GET", url: `/api/${user.id}/tasks`, headers: { authorization: `Bearer ${token}` } })
      .then((response) => response.statusCode);
  const authPost = (app: FastifyInstance, path: string, token: string, payload: object = {}) =>
    app.inject({
      method: "POST",
      url: `/api/auth${path}`,
      remoteAddress: nextClientAddress(),
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        origin: "http://localhost:3000",
      },
      payload,
    });
  async function secondSession(user: TestUser): Promise<string> {
    const response = await authPost(here, "/sign-in/email", user.token, {
      email: user.email,
      password: "correct-horse-battery",
    });
    return response.headers["set-auth-token"] as string;
  }

  it("sign-out: refused at once where it happened, elsewhere within the TTL and not before it", async () => {
    const user = await signUp(here);
    expect(await tasks(here, user)).toBe(200);
    expect(await tasks(there, user)).toBe(200); // now cached on both
    expect((await authPost(here, "/sign-out", user.token)).statusCode).toBe(200);
    expect(await tasks(here, user)).toBe(401);
    clock.now += SESSION_CACHE_TTL_MS - 1;
    expect(await tasks(there, user)).toBe(200);
    clock.now += 1;
    expect(await tasks(there, user)).toBe(401);
  });

  it("revoke-sessions ends every cached session of the user at once", async () => {
    const user = await signUp(here);
    const other = await secondSession(user);
    expect(await tasks(here, user)).toBe(200);
    expect(await tasks(here, user, other)).toBe(200);
    expect((await authPost(here, "/revoke-sessions", user.token)).statusCode).toBe(200);
    expect(await tasks(here, user)).toBe(401);
    expect(await tasks(here, user, other)).toBe(401);
  });

  it("a password change ends the other cached sessions at once", async () => {
    const user = await signUp(here);
    const other = await secondSession(user);
    expect(await tasks(here, user, other)).toBe(200);
    const changed = await authPost(here, "/change-password", user.token, {
      currentPassword: "correct-horse-battery",
      newPassword: "violet staircase umbrella 42",
    });
    expect(changed.statusCode).toBe(200);
    expect(await tasks(here, user, other)).toBe(401);
  });

  it("a changed name shows in /api/me at once", async () => {
    const user = await signUp(here, "Before");
    const me = async () =>
      (
        (await here.inject({ method: "GET", url: "/api/me", headers: user.headers })).json() as {
          user: { name: string };
        }
      ).user.name;
    expect(await me()).toBe("Before");
    expect((await authPost(here, "/update-user", user.token, { name: "After" })).statusCode).toBe(200);
    expect(await me()).toBe("After");
  });

  it("a session that expires inside the TTL is refused from its expiry on", async () => {
    // A "remember me: off" browser session: Better Auth does not extend it on use (get-session skips the
    // refresh when the dont_remember cookie is there), so it really ends at its expiresAt.
    const user = await signUp(here);
    const signedIn = await authPost(here, "/sign-in/email", user.token, {
      email: user.email,
      password: "correct-horse-battery",
      rememberMe: false,
    });
    const cookie = signedIn.cookies.map(({ name, value }) => `${name}=${value}`).join("; ");
    const rows = await database.db
      .select({ id: schema.session.id, expiresAt: schema.session.expiresAt })
      .from(schema.session)
      .where(eq(schema.session.userId, user.id));
    const browserSession = rows.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())[0]!;
    const setExpiry = (expiresAt: Date) =>
      database.db.update(schema.session).set({ expiresAt }).where(eq(schema.session.id, browserSession.id));
    const byCookie = () =>
      here
        .inject({ method: "GET", url: `/api/${user.id}/tasks`, headers: { cookie } })
        .then((response) => response.statusCode);

    clock.now = Date.now(); // Better Auth's clock, for this test's comparison with the row
    const expiresAt = new Date(clock.now + 2_000);
    await setExpiry(expiresAt);
    expect(await byCookie()).toBe(200); // cached until the expiry, not for the whole TTL
    // Time passes for Better Auth too: the row's expiry is now in the past.
    await setExpiry(new Date(Date.now() - 1_000));
    clock.now = expiresAt.getTime() - 1;
    expect(await byCookie()).toBe(200);
    clock.now = expiresAt.getTime();
    expect(await byCookie()).toBe(401);
  });
});
