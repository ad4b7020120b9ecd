// Better Auth as this app configures it: brute-force limits keyed by the real client address, the origin
// check, sign-up input rules, and session tokens.
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTH_RATE_LIMITS } from "../src/auth.js";
import { LIMITS } from "../src/auth-input.js";
import * as schema from "../src/db/schema.js";
import { nextClientAddress, signUp, TEST_SECRET, useTestApp } from "./support/app.js";
import { createTestDatabase, usingPostgres, type TestDatabase } from "./support/database.js";
import { startServer, type ServerProcess } from "./support/server-process.js";

const ORIGIN = "http://localhost:3000";
const PASSWORD = "correct-horse-battery";
const SIGN_IN_MAX = AUTH_RATE_LIMITS["/sign-in/email"].max;
const SIGN_UP_MAX = AUTH_RATE_LIMITS["/sign-up/email"].max;

interface Attempt {
  address: string;
  headers?: Record<string, string>;
}

function post(app: FastifyInstance, path: string, payload: unknown, attempt: Attempt) {
  return app.inject({
    method: "POST",
    url: `/api/auth${path}`,
    remoteAddress: attempt.address,
    headers: { "content-type": "application/json", origin: ORIGIN, ...attempt.headers },
    payload: payload as object,
  });
}

const signIn = (app: FastifyInstance, email: string, password: string, attempt: Attempt) =>
  post(app, "/sign-in/email", { email, password }, attempt);

let emailCounter = 0;
const freshEmail = () => `auth-${++emailCounter}-${Date.now()}@example.com`;

describe("sign-in brute-force limit, no trusted proxy", () => {
  const testApp = useTestApp();

  it("40 wrong passwords, each with a new X-Forwarded-For, are cut off with 429 after the limit", async () => {
    const { app } = testApp();
    const victim = await signUp(app);
    const attacker = "203.0.113.10";
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const response = await signIn(app, victim.email, `wrong-password-${i}`, {
        address: attacker,
        headers: { "x-forwarded-for": `198.51.100.${i + 1}` },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, SIGN_IN_MAX).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(SIGN_IN_MAX).every((status) => status === 429)).toBe(true);
  });

  it("clients that send no X-Forwarded-For are counted apart, by their own address", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    for (let i = 0; i <= SIGN_IN_MAX; i++) {
      await signIn(app, user.email, "wrong-password", { address: "203.0.113.30" });
    }
    const blocked = await signIn(app, user.email, PASSWORD, { address: "203.0.113.30" });
    expect(blocked.statusCode).toBe(429);
    const other = await signIn(app, user.email, PASSWORD, { address: "203.0.113.31" });
    expect(other.statusCode).toBe(200);
  });

  it("sign-up has a limit per client address too", async () => {
    const { app } = testApp();
    const address = "203.0.113.40";
    const statuses: number[] = [];
    for (let i = 0; i <= SIGN_UP_MAX; i++) {
      const response = await post(
        app,
        "/sign-up/email",
        { name: "Flood", email: freshEmail(), password: PASSWORD },
        { address, headers: { "x-forwarded-for": `198.51.100.${i + 1}` } },
      );
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, SIGN_UP_MAX).every((status) => status === 200)).toBe(true);
    expect(statuses[SIGN_UP_MAX]).toBe(429);
    const other = await post(
      app,
      "/sign-up/email",
      { name: "Other", email: freshEmail(), password: PASSWORD },
      { address: "203.0.113.41" },
    );
    expect(other.statusCode).toBe(200);
  });

  it("a client's own X-Forwarded-Host does not make its origin trusted", async () => {
    const { app } = testApp();
    const response = await post(
      app,
      "/sign-up/email",
      { name: "Forger", email: freshEmail(), password: PASSWORD },
      {
        address: nextClientAddress(),
        headers: {
          origin: "http://evil.example",
          "x-forwarded-host": "evil.example",
          "x-forwarded-proto": "http",
          "sec-fetch-site": "cross-site",
          "sec-fetch-mode": "cors",
        },
      },
    );
    expect(response.statusCode).toBe(403);
  });
});

describe("behind a trusted proxy (TRUSTED_PROXIES)", () => {
  const proxy = "10.1.2.3";
  const testApp = useTestApp({ env: { TRUSTED_PROXIES: "10.1.2.0/24" } });

  it("counts each client the proxy names in X-Forwarded-For apart", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const through = (client: string) => ({ address: proxy, headers: { "x-forwarded-for": client } });
    for (let i = 0; i <= SIGN_IN_MAX; i++) {
      await signIn(app, user.email, "wrong-password", through("198.51.100.50"));
    }
    expect((await signIn(app, user.email, PASSWORD, through("198.51.100.50"))).statusCode).toBe(429);
    expect((await signIn(app, user.email, PASSWORD, through("198.51.100.51"))).statusCode).toBe(200);
  });

  it("a forged X-Forwarded-For from anyone else cannot lock out the client it names", async () => {
    const { app } = testApp();
    const victim = await signUp(app);
    const victimAddress = "198.51.100.60";
    for (let i = 0; i < SIGN_IN_MAX + 5; i++) {
      await signIn(app, victim.email, "wrong-password", {
        address: "203.0.113.21",
        headers: { "x-forwarded-for": victimAddress },
      });
    }
    const own = await signIn(app, victim.email, PASSWORD, {
      address: proxy,
      headers: { "x-forwarded-for": victimAddress },
    });
    expect(own.statusCode).toBe(200);
  });

  it("trusts the origin the proxy forwards, and not one from any other sender", async () => {
    const { app } = testApp();
    const forwarded = {
      origin: "http://todo.example:8080",
      "x-forwarded-host": "todo.example:8080",
      "x-forwarded-proto": "http",
      "sec-fetch-site": "same-origin",
      "sec-fetch-mode": "cors",
    };
    const signUpWith = (address: string) =>
      post(
        app,
        "/sign-up/email",
        { name: "Via proxy", email: freshEmail(), password: PASSWORD },
        { address, headers: { ...forwarded, "x-forwarded-for": nextClientAddress() } },
      );
    expect((await signUpWith(proxy)).statusCode).toBe(200);
    expect((await signUpWith("203.0.113.60")).statusCode).toBe(403);
  });
});

describe("sign-up input", () => {
  const testApp = useTestApp();

  const cases = [
    { what: "a common number sequence", body: { password: "12345678" }, field: "password" },
    { what: "the most common password", body: { password: "password" }, field: "password" },
    { what: "eight spaces", body: { password: " ".repeat(8) }, field: "password" },
    // Guessable only with zxcvbn's dictionaries and keyboard graphs: these pass when those fail to load.
    ...["password123", "Password1!", "qwertyuiop", "iloveyou123", "letmein123", "football2024"].map(
      (password) => ({ what: `the guessable "${password}"`, body: { password }, field: "password" }),
    ),
    { what: "a password over the length limit", body: { password: "x".repeat(10_000) }, field: "password" },
    { what: "an empty name", body: { name: "" }, field: "name" },
    { what: "a blank name", body: { name: "   " }, field: "name" },
    { what: "a 100,000-character name", body: { name: "n".repeat(100_000) }, field: "name" },
    { what: "a name with U+0000", body: { name: "Ann\u0000" }, field: "name" },
    { what: "a 300-character email", body: { email: `${"e".repeat(288)}@example.com` }, field: "email" },
    {
      what: "a 10,000-character image URL",
      body: { image: `https://${"i".repeat(10_000)}` },
      field: "image",
    },
  ];

  it.each(cases)("refuses $what with 400 naming the field, and creates no user", async ({ body, field }) => {
    const { app, database } = testApp();
    const payload = { name: "Valid Name", email: freshEmail(), password: PASSWORD, ...body };
    const response = await post(app, "/sign-up/email", payload, { address: nextClientAddress() });
    expect(response.statusCode).toBe(400);
    const answer = response.json() as { code: string; message: string; field: string };
    expect(answer.field).toBe(field);
    expect(answer.message.startsWith(`${field}: `)).toBe(true);
    const stored = await database.db.select().from(schema.user).where(eq(schema.user.email, payload.email));
    expect(stored).toEqual([]);
  });

  it("refuses a password built from the person's own email", async () => {
    const { app } = testApp();
    const email = `marguerite.okonkwo-${Date.now()}@example.com`;
    const response = await post(
      app,
      "/sign-up/email",
      { name: "Marguerite", email, password: email },
      { address: nextClientAddress() },
    );
    expect(response.statusCode).toBe(400);
    expect((response.json() as { field: string }).field).toBe("password");
  });

  it("checks a long password in well under a second (the check runs on the event loop)", async () => {
    const { app } = testApp();
    // l33t-heavy repetition is the strength checker's most expensive input.
    const password = "p@ssw0rd".repeat(LIMITS.passwordMax / 8);
    const started = performance.now();
    const response = await post(
      app,
      "/sign-up/email",
      { name: "Slow", email: freshEmail(), password },
      { address: nextClientAddress() },
    );
    expect(response.statusCode).toBe(400);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("accepts names and passwords at their limits", async () => {
    const { app } = testApp();
    const response = await post(
      app,
      "/sign-up/email",
      {
        name: "N".repeat(LIMITS.nameMax),
        email: freshEmail(),
        password: `${PASSWORD} `.repeat(10).slice(0, LIMITS.passwordMax),
      },
      { address: nextClientAddress() },
    );
    expect(response.statusCode).toBe(200);
  });
});

describe("session tokens", () => {
  const testApp = useTestApp();

  async function storedTokens(userId: string): Promise<string[]> {
    const rows = await testApp()
      .database.db.select({ token: schema.session.token })
      .from(schema.session)
      .where(eq(schema.session.userId, userId));
    return rows.map((row) => row.token);
  }

  const withBearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it("no response body carries a raw session token: sign-in, get-session, list-sessions", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const second = await signIn(app, user.email, PASSWORD, { address: nextClientAddress() });
    expect(second.statusCode).toBe(200);
    const signedToken = second.headers["set-auth-token"] as string;
    const bodies = [
      second.body,
      (await app.inject({ method: "GET", url: "/api/auth/get-session", headers: withBearer(signedToken) }))
        .body,
      (await app.inject({ method: "GET", url: "/api/auth/list-sessions", headers: withBearer(signedToken) }))
        .body,
    ];
    const sessions = JSON.parse(bodies[2]!) as Array<{ id: string }>;
    expect(sessions).toHaveLength(2);
    const raw = await storedTokens(user.id);
    expect(raw).toHaveLength(2);
    for (const body of bodies) {
      for (const token of raw) expect(body).not.toContain(token);
    }
  });

  it("refuses the raw database token as a bearer; the signed set-auth-token works", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const [raw] = await storedTokens(user.id);
    const me = (token: string) => app.inject({ method: "GET", url: "/api/me", headers: withBearer(token) });
    expect((await me(user.token)).statusCode).toBe(200);
    expect((await me(raw!)).statusCode).toBe(401);
  });

  it("changing the password ends every other session, even when the client asks to keep them", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const laptop = (await signIn(app, user.email, PASSWORD, { address: nextClientAddress() })).headers[
      "set-auth-token"
    ] as string;
    const newPassword = "violet staircase umbrella 42";
    const changed = await app.inject({
      method: "POST",
      url: "/api/auth/change-password",
      remoteAddress: nextClientAddress(),
      headers: { ...user.headers, "content-type": "application/json" },
      payload: { currentPassword: PASSWORD, newPassword, revokeOtherSessions: false },
    });
    expect(changed.statusCode).toBe(200);
    const me = (token: string) => app.inject({ method: "GET", url: "/api/me", headers: withBearer(token) });
    expect((await me(laptop)).statusCode).toBe(401);
    expect((await me(user.token)).statusCode).toBe(401);
    expect((await me(changed.headers["set-auth-token"] as string)).statusCode).toBe(200);
  });

  it("refuses a guessable new password on change-password", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const changed = await app.inject({
      method: "POST",
      url: "/api/auth/change-password",
      remoteAddress: nextClientAddress(),
      headers: { ...user.headers, "content-type": "application/json" },
      payload: { currentPassword: PASSWORD, newPassword: "12345678" },
    });
    expect(changed.statusCode).toBe(400);
    expect((changed.json() as { field: string }).field).toBe("newPassword");
  });
});

describe.skipIf(!usingPostgres)("two backend processes on one PostgreSQL database", () => {
  let database: TestDatabase;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, BETTER_AUTH_SECRET: TEST_SECRET, LOG_LEVEL: "warn" };
    // One after the other: the first applies the migrations, the second finds them done.
    servers = [await startServer(env), await startServer(env)];
  }, 120_000);
  afterAll(async () => {
    for (const server of servers) {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    await database?.drop();
  });

  it("share one sign-in count: the attempt after the limit is 429 on either", async () => {
    const [first, second] = servers as [ServerProcess, ServerProcess];
    const email = freshEmail();
    const signUpAnswer = await fetch(`${first.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ name: "Replica", email, password: PASSWORD }),
    });
    expect(signUpAnswer.status).toBe(200);
    const attempt = (server: ServerProcess) =>
      fetch(`${server.url}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify({ email, password: "wrong-password" }),
      }).then((response) => response.status);
    const statuses: number[] = [];
    // Alternating, so neither process alone sees more than about half the attempts.
    for (let i = 0; i <= SIGN_IN_MAX; i++) statuses.push(await attempt(i % 2 === 0 ? first : second));
    expect(statuses.slice(0, SIGN_IN_MAX).every((status) => status === 401)).toBe(true);
    expect(statuses[SIGN_IN_MAX]).toBe(429);
  });
});
