import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_SECRET } from "./support/app.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { FakeLlm } from "./support/fake-llm.js";
import { signUpOverHttp, startServer } from "./support/server-process.js";

let database: TestDatabase;
let dataDir: string;
const llm = new FakeLlm();
let llmUrl = "";

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), "todo-pglite-"));
  llmUrl = await llm.start();
});
afterAll(async () => {
  await llm.stop();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

// The same durable database for every process of this file: real Postgres, or PGlite on disk.
const databaseEnv = () => (database.url ? { DATABASE_URL: database.url } : { PGLITE_DATA_DIR: dataDir });

// Each test starts backend processes and waits for what they do (ready, asked, printed, exited), never for a
// fixed time: on a loaded machine a test takes longer but does not fail. The limit only ends one that hangs.
describe("process lifecycle", { timeout: 5 * 60_000 }, () => {
  it("SIGTERM during a chat request completes the request, then exits 0", async () => {
    const server = await startServer({
      ...databaseEnv(),
      BETTER_AUTH_SECRET: TEST_SECRET,
      LLM_API_KEY: "sk-test",
      LLM_BASE_URL: llmUrl,
    });
    const user = await signUpOverHttp(server.url, `sigterm-${Date.now()}@example.com`);
    // The model answers only once the server has started shutting down: the request is in flight throughout.
    let answer = () => {};
    llm.willReply({
      text: "Finished despite the shutdown.",
      after: new Promise<void>((go) => (answer = go)),
    });
    const inFlight = fetch(`${server.url}/api/${user.id}/chat`, {
      method: "POST",
      headers: user.headers,
      body: JSON.stringify({ message: "slow question" }),
    });
    await llm.asked();
    server.child.kill("SIGTERM");
    await server.printed("shutting down: finishing in-flight requests");
    answer();

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { response: string }).response).toBe("Finished despite the shutdown.");
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain("shutdown complete");
  });

  it("SIGTERM with a request that does not finish: its connection is closed after SHUTDOWN_TIMEOUT_MS and the process exits", async () => {
    const shutdownTimeoutMs = 2_000;
    const server = await startServer({
      ...databaseEnv(),
      BETTER_AUTH_SECRET: TEST_SECRET,
      LLM_API_KEY: "sk-test",
      LLM_BASE_URL: llmUrl,
      LLM_TIMEOUT_MS: "120000",
      SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
    });
    const user = await signUpOverHttp(server.url, `stuck-${Date.now()}@example.com`);
    llm.willReply({ hang: true });
    const stuck = fetch(`${server.url}/api/${user.id}/chat`, {
      method: "POST",
      headers: user.headers,
      body: JSON.stringify({ message: "a question the model never answers" }),
    }).then(
      (response) => `answered ${response.status}`,
      () => "connection closed",
    );
    await llm.asked();
    const signalled = performance.now();
    server.child.kill("SIGTERM");
    // The process ends by itself (exit 0), however slow the machine: the test's time limit is the only limit.
    expect(await server.exited).toBe(0);
    // It waited for the stuck request as long as it was told to, then closed its connection.
    expect(performance.now() - signalled).toBeGreaterThanOrEqual(shutdownTimeoutMs);
    expect(await stuck).toBe("connection closed");
    expect(server.output()).toContain("closing their connections");
  });

  it("a restarted backend resumes a conversation from the database", async () => {
    const env = { ...databaseEnv(), BETTER_AUTH_SECRET: TEST_SECRET };
    const first = await startServer(env);
    const user = await signUpOverHttp(first.url, `restart-${Date.now()}@example.com`);
    const started = (await (
      await fetch(`${first.url}/api/${user.id}/chat`, {
        method: "POST",
        headers: user.headers,
        body: JSON.stringify({ message: "Add a task to water the garden" }),
      })
    ).json()) as { conversation_id: number };
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    const second = await startServer(env);
    try {
      // The session and the conversation both live in the database, so the same token keeps working.
      const next = await fetch(`${second.url}/api/${user.id}/chat`, {
        method: "POST",
        headers: user.headers,
        body: JSON.stringify({ message: "What's pending?", conversation_id: started.conversation_id }),
      });
      expect(next.status).toBe(200);
      const body = (await next.json()) as { conversation_id: number; response: string };
      expect(body.conversation_id).toBe(started.conversation_id);
      expect(body.response).toContain("Water the garden");
      const conversation = (await (
        await fetch(`${second.url}/api/${user.id}/conversations/${started.conversation_id}`, {
          headers: user.headers,
        })
      ).json()) as { messages: Array<{ content: string }> };
      expect(conversation.messages.map((message) => message.content)).toEqual([
        "Add a task to water the garden",
        expect.stringContaining("Water the garden"),
        "What's pending?",
        body.response,
      ]);
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }
  });

  it("development on PGlite without BETTER_AUTH_SECRET: a restart keeps the browser's session", async () => {
    const devDataDir = join(dataDir, "dev-pglite");
    const env = {
      NODE_ENV: "development",
      PGLITE_DATA_DIR: devDataDir,
      DATABASE_URL: "",
      BETTER_AUTH_SECRET: "",
    };
    const first = await startServer(env);
    const signUp = await fetch(`${first.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://localhost:3000" },
      body: JSON.stringify({
        name: "Dev",
        email: `dev-${Date.now()}@example.com`,
        password: "correct-horse-battery",
      }),
    });
    expect(signUp.status).toBe(200);
    // The browser's cookie, signed with the auth secret.
    const cookie = signUp.headers
      .getSetCookie()
      .map((value) => value.split(";")[0])
      .join("; ");
    const me = async (url: string) => (await fetch(`${url}/api/me`, { headers: { cookie } })).status;
    expect(await me(first.url)).toBe(200);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    const second = await startServer(env);
    try {
      expect(await me(second.url)).toBe(200);
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }
  });

  it("refuses to start in production without BETTER_AUTH_SECRET, naming it and the fix", async () => {
    await expect(startServer({ ...databaseEnv(), BETTER_AUTH_SECRET: "" })).rejects.toThrow(
      /BETTER_AUTH_SECRET \(unset\): is required when NODE_ENV=production.*openssl rand/s,
    );
  });
});
