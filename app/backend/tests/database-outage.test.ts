import { createHmac } from "node:crypto";
import type { FastifyInstance, InjectOptions } from "fastify";
import { describe, expect, it } from "vitest";
import { appOn, createTask, signUp, TEST_SECRET, withAppBehindProxy, type TestUser } from "./support/app.js";
import { usingPostgres } from "./support/database.js";
import { freePort } from "./support/server-process.js";
import { silentServer } from "./support/tcp-proxy.js";

// "Quickly": well before a user gives up or a proxy times out.
const ANSWER_WITHIN_MS = 4_000;

async function timed(app: FastifyInstance, request: InjectOptions) {
  const started = Date.now();
  const response = await app.inject(request);
  return { response, ms: Date.now() - started };
}

const credentials = { email: "nobody@example.com", password: "correct-horse-battery", name: "Nobody" };

/**
 * A bearer token signed with the app's secret, in set-auth-token's form (`<token>.<HMAC-SHA256, base64>`): its
 * signature passes, so only the database can tell whether the session exists (an unsigned one is refused at once).
 */
function signedBearer(token: string) {
  const signature = createHmac("sha256", TEST_SECRET).update(token).digest("base64");
  return { authorization: `Bearer ${token}.${signature}` };
}

/** What a user does while the database is away: sign in, sign up, read and write tasks. */
function userRequests(user?: TestUser) {
  const json = { "content-type": "application/json", origin: "http://localhost:3000" };
  const path = `/api/${user?.id ?? "someone"}`;
  const auth = user?.headers ?? signedBearer("session-the-database-must-look-up");
  return [
    { method: "POST", url: "/api/auth/sign-in/email", headers: json, payload: credentials },
    { method: "POST", url: "/api/auth/sign-up/email", headers: json, payload: credentials },
    { method: "GET", url: `${path}/tasks`, headers: auth },
    { method: "POST", url: `${path}/tasks`, headers: auth, payload: { title: "during the outage" } },
  ] as const;
}

async function expectUnavailable(app: FastifyInstance, user?: TestUser) {
  for (const request of userRequests(user)) {
    const { response, ms } = await timed(app, request);
    const label = `${request.method} ${request.url}`;
    expect(response.statusCode, label).toBe(503);
    expect(response.json(), label).toEqual({
      error: { code: "DATABASE_UNAVAILABLE", message: expect.stringMatching(/try again/i) },
    });
    expect(response.headers["retry-after"], label).toBeDefined();
    expect(ms, label).toBeLessThan(ANSWER_WITHIN_MS);
  }
}

describe("database outage: 503 DATABASE_UNAVAILABLE, quickly", () => {
  it("nothing listens on the database port", async () => {
    const app = await appOn(`postgres://app:secret@127.0.0.1:${await freePort()}/todo`);
    try {
      await expectUnavailable(app);
    } finally {
      await app.close();
    }
  });

  it("the database accepts connections and never answers", async () => {
    const frozen = await silentServer();
    const app = await appOn(`postgres://app:secret@127.0.0.1:${frozen.port}/todo`);
    try {
      await expectUnavailable(app);
    } finally {
      await app.close();
      await frozen.close();
    }
  });
});

describe.skipIf(!usingPostgres)("database outage on real PostgreSQL (through a TCP proxy)", () => {
  async function expectRecovered(app: FastifyInstance, user: TestUser) {
    // No restart, no manual step: the next requests after the database is back succeed.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const response = await app.inject({
        method: "GET",
        url: `/api/${user.id}/tasks`,
        headers: user.headers,
      });
      if (response.statusCode === 200) {
        expect(response.json().map((task: { title: string }) => task.title)).toEqual(["before the outage"]);
        break;
      }
      if (Date.now() > deadline) throw new Error(`not recovered: ${response.statusCode} ${response.body}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await createTask(app, user, "after the outage");
  }

  it("the database goes away (connections dropped, port closed), then comes back", async () => {
    await withAppBehindProxy(async (app, proxy) => {
      const user = await signUp(app);
      await createTask(app, user, "before the outage");
      await proxy.cut();
      await expectUnavailable(app, user);
      await proxy.open();
      await expectRecovered(app, user);
    });
  });

  it("the database freezes (open connections stop answering), then thaws", async () => {
    await withAppBehindProxy(async (app, proxy) => {
      const user = await signUp(app);
      await createTask(app, user, "before the outage");
      proxy.freeze();
      await expectUnavailable(app, user);
      proxy.thaw();
      await expectRecovered(app, user);
    });
  });
});
