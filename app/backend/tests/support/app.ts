import type { FastifyInstance } from "fastify";
import { pino, type Logger } from "pino";
import { afterAll, beforeAll } from "vitest";
import type { ChatModel } from "../../src/agent/model.js";
import { buildApp } from "../../src/app.js";
import type { ToolCallRecord } from "../../src/chat/tool-calls.js";
import { loadConfig, type Config } from "../../src/config.js";
import { openDatabase, type DatabaseHandle } from "../../src/db/client.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { httpApp, loopbackTrustedProxies, underBundle } from "./http-app.js";
import { startServer } from "./server-process.js";
import { TcpProxy } from "./tcp-proxy.js";

export const TEST_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

export interface TestApp {
  app: FastifyInstance;
  database: DatabaseHandle;
  config: Config;
}

export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    NODE_ENV: "test",
    PGLITE_DATA_DIR: "memory://",
    BETTER_AUTH_SECRET: TEST_SECRET,
    LOG_LEVEL: "silent",
    ...env,
  });
}

/** The real app on the database at `databaseUrl` (which may be down: migrations retry in the background). */
export async function appOn(databaseUrl: string, logger: Logger = pino({ level: "silent" })) {
  const config = testConfig({ DATABASE_URL: databaseUrl });
  const app = await buildApp({ config, logger, database: await openDatabase({ databaseUrl, logger }) });
  await app.ready();
  return app;
}

/**
 * Runs `run` with the real app on a fresh PostgreSQL database reached through a TCP proxy that can cut or
 * freeze the path; the app is ready when `run` starts. Everything is torn down afterwards.
 */
export async function withAppBehindProxy(
  run: (app: FastifyInstance, proxy: TcpProxy) => Promise<void>,
): Promise<void> {
  const database = await createTestDatabase();
  const target = new URL(database.url!);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
  await proxy.open();
  const viaProxy = new URL(database.url!);
  viaProxy.hostname = "127.0.0.1";
  viaProxy.port = String(proxy.port);
  const app = await appOn(viaProxy.toString());
  try {
    await waitForReady(app);
    await run(app, proxy);
  } finally {
    proxy.thaw();
    await app.close();
    await database.drop();
  }
}

/** Builds the real app on a fresh database for one test file, and tears both down after it. */
export function useTestApp(
  options: {
    env?: Record<string, string | undefined>;
    chatModel?: ChatModel;
    logger?: Logger;
    onQuery?: (query: string) => void;
  } = {},
): () => TestApp {
  let current: TestApp | undefined;
  let testDatabase: TestDatabase | undefined;
  if (underBundle) return useBundleApp(options);
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    const config = testConfig({ DATABASE_URL: testDatabase.url, ...options.env });
    const logger = options.logger ?? pino({ level: "silent" });
    const database = await openDatabase({
      databaseUrl: config.DATABASE_URL,
      pgliteDataDir: "memory://",
      logger,
      ...(options.onQuery ? { onQuery: options.onQuery } : {}),
    });
    const app = await buildApp({
      config,
      logger,
      database,
      ...(options.chatModel ? { chatModel: options.chatModel } : {}),
    });
    await app.ready();
    current = { app, database, config };
    await waitForReady(app);
  });
  afterAll(async () => {
    await current?.app.close();
    await testDatabase?.drop();
  });
  return () => {
    if (!current) throw new Error("the test app is not built yet");
    return current;
  };
}

/**
 * useTestApp under BACKEND_UNDER_TEST=bundle: the built bundle as its own process on a fresh PostgreSQL
 * database, reached over HTTP; `database` is a connection of the test's own to that database.
 */
function useBundleApp(options: Parameters<typeof useTestApp>[0] & object): () => TestApp {
  if (options.chatModel || options.logger || options.onQuery) {
    throw new Error(
      "chatModel, logger and onQuery need the app in-process: leave this file out of the bundle run",
    );
  }
  let current: TestApp | undefined;
  let testDatabase: TestDatabase | undefined;
  beforeAll(async () => {
    if (!process.env.TEST_DATABASE_URL) {
      throw new Error("the bundle run needs TEST_DATABASE_URL (a PostgreSQL server): `npm test` starts one");
    }
    testDatabase = await createTestDatabase();
    const env = { ...options.env };
    if (env.TRUSTED_PROXIES) env.TRUSTED_PROXIES = loopbackTrustedProxies(env.TRUSTED_PROXIES);
    const config = testConfig({ DATABASE_URL: testDatabase.url, ...options.env });
    const server = await startServer({
      DATABASE_URL: testDatabase.url,
      BETTER_AUTH_SECRET: TEST_SECRET,
      LOG_LEVEL: "warn",
      ...env,
    });
    let stopped: Promise<unknown> | undefined;
    const stop = async () => {
      stopped ??= (server.child.kill("SIGTERM"), server.exited);
      await stopped;
    };
    const logger = pino({ level: "silent" });
    const database = await openDatabase({ databaseUrl: testDatabase.url, logger });
    current = { app: httpApp(server.url, stop), database, config };
  }, 120_000);
  afterAll(async () => {
    await current?.app.close();
    await current?.database.close();
    await testDatabase?.drop();
  });
  return () => {
    if (!current) throw new Error("the test app is not built yet");
    return current;
  };
}

export async function waitForReady(app: FastifyInstance, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await app.inject({ method: "GET", url: "/ready" });
    if (response.statusCode === 200) return;
    if (Date.now() > deadline) throw new Error(`app not ready: ${response.body}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface TestUser {
  id: string;
  email: string;
  token: string;
  headers: { authorization: string };
}

let userCounter = 0;

/** A client address of its own for each call (198.18.0.0/15 is for tests), so no test meets the auth limits. */
export function nextClientAddress(): string {
  const n = ++addressCounter;
  return `198.18.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
}
let addressCounter = 0;

/** Signs a new user up through Better Auth's real endpoint and returns their bearer token. */
export async function signUp(app: FastifyInstance, name = "Test User"): Promise<TestUser> {
  const email = `user${++userCounter}-${Date.now()}@example.com`;
  const response = await app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    remoteAddress: nextClientAddress(),
    headers: { "content-type": "application/json", origin: "http://localhost:3000" },
    payload: { name, email, password: "correct-horse-battery" },
  });
  if (response.statusCode !== 200) throw new Error(`sign-up failed: ${response.statusCode} ${response.body}`);
  const token = response.headers["set-auth-token"];
  if (typeof token !== "string") throw new Error("sign-up returned no set-auth-token header");
  const body = response.json() as { user: { id: string } };
  return { id: body.user.id, email, token, headers: { authorization: `Bearer ${token}` } };
}

/** Sends one chat message as `user` and returns the parsed answer. */
/** POST /chat as this user, answer unread: for tests of refusals (400, 404, 409). */
export function postChat(app: FastifyInstance, user: TestUser, payload: Record<string, unknown>) {
  return app.inject({ method: "POST", url: `/api/${user.id}/chat`, headers: user.headers, payload });
}

/** One chat turn that must succeed; its answer. */
export async function chat(app: FastifyInstance, user: TestUser, message: string, conversationId?: number) {
  const response = await postChat(
    app,
    user,
    conversationId ? { message, conversation_id: conversationId } : { message },
  );
  if (response.statusCode !== 200) throw new Error(`chat failed: ${response.statusCode} ${response.body}`);
  return response.json() as { conversation_id: number; response: string; tool_calls: ToolCallRecord[] };
}

export async function listTasks(app: FastifyInstance, user: TestUser, status = "all") {
  const response = await app.inject({
    method: "GET",
    url: `/api/${user.id}/tasks?status=${status}`,
    headers: user.headers,
  });
  if (response.statusCode !== 200) throw new Error(`list failed: ${response.statusCode} ${response.body}`);
  return response.json() as Array<{
    id: number;
    title: string;
    description: string | null;
    completed: boolean;
  }>;
}

export async function createTask(app: FastifyInstance, user: TestUser, title: string, description?: string) {
  const response = await app.inject({
    method: "POST",
    url: `/api/${user.id}/tasks`,
    headers: user.headers,
    payload: description === undefined ? { title } : { title, description },
  });
  if (response.statusCode !== 201) throw new Error(`create failed: ${response.statusCode} ${response.body}`);
  return response.json() as { id: number; title: string; completed: boolean };
}

/** A new user with these tasks (numbered 1, 2, 3... in order); the numbers in `done` are completed. */
export async function userWithTasks(
  app: FastifyInstance,
  titles: string[],
  done: number[] = [],
): Promise<TestUser> {
  const user = await signUp(app);
  for (const title of titles) await createTask(app, user, title);
  for (const id of done) {
    const response = await app.inject({
      method: "PATCH",
      url: `/api/${user.id}/tasks/${id}/complete`,
      headers: user.headers,
      payload: { completed: true },
    });
    if (response.statusCode !== 200)
      throw new Error(`complete failed: ${response.statusCode} ${response.body}`);
  }
  return user;
}

/** A user's tasks as "id:title" lines, lowest id first; "x" after the id marks a completed one ("2x:Call mom"). */
export async function taskStates(app: FastifyInstance, user: TestUser): Promise<string[]> {
  return (await listTasks(app, user))
    .sort((a, b) => a.id - b.id)
    .map((task) => `${task.id}${task.completed ? "x" : ""}:${task.title}`);
}

/** The calls of a chat answer that changed a task: no lookups, no calls the tool refused. */
export function writesOf<Call extends { name: string; result: unknown }>(answer: {
  tool_calls: Call[];
}): Call[] {
  return answer.tool_calls.filter(
    (call) => call.name !== "list_tasks" && !(call.result as { error?: unknown } | null)?.error,
  );
}
