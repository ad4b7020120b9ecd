import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chat, listTasks, signUp, useTestApp } from "./support/app.js";
import { captureLogs } from "./support/log-capture.js";
import { connectMcp } from "./support/mcp-client.js";

const logs = captureLogs();
const testApp = useTestApp({ logger: logs.logger });
let baseUrl = "";

// A real database error inside the add_task tool: the insert violates a constraint this test adds.
const FAILING_TITLE = "Trigger a database error";
// What a leak of the failed statement would contain (Drizzle's "Failed query: insert into ... params: ...").
const SQL_DETAILS = /insert into|params:|"tasks"|constraint|violates/i;

beforeAll(async () => {
  const { app, database } = testApp();
  await database.db.execute(
    sql.raw(`ALTER TABLE tasks ADD CONSTRAINT reject_test_title CHECK (title <> '${FAILING_TITLE}')`),
  );
  baseUrl = await app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await testApp().app.close();
});

/** The log entries of the failed tool call, with the request id they carry. */
function loggedToolFailures() {
  return logs.entries().filter((entry) => entry.msg === "task tool failed");
}

describe("a database error inside a task tool reaches no user", () => {
  it("MCP: the tool result is a generic error; the statement goes to the log with the request id", async () => {
    const user = await signUp(testApp().app);
    const client = await connectMcp(baseUrl, user.token);
    const before = loggedToolFailures().length;
    const result = await client.callTool({ name: "add_task", arguments: { title: FAILING_TITLE } });
    await client.close();

    expect(result.isError).toBe(true);
    const text = JSON.stringify(result.content);
    expect(text).not.toMatch(SQL_DETAILS);
    expect(text).toMatch(/try again/i);
    const logged = loggedToolFailures().slice(before);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ reqId: expect.any(String), tool: "add_task" });
    expect(JSON.stringify(logged[0]!.err)).toMatch(SQL_DETAILS);
    expect(await listTasks(testApp().app, user)).toEqual([]);
  });

  it("chat: neither the reply, its tool calls nor the stored history show the statement", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const before = loggedToolFailures().length;
    const answer = await chat(app, user, `Add a task to ${FAILING_TITLE.toLowerCase()}`);

    expect(answer.tool_calls.map((call) => call.name)).toEqual(["add_task"]);
    expect(JSON.stringify(answer)).not.toMatch(SQL_DETAILS);
    const stored = await app.inject({
      method: "GET",
      url: `/api/${user.id}/conversations/${answer.conversation_id}`,
      headers: user.headers,
    });
    expect(stored.statusCode).toBe(200);
    expect(stored.body).not.toMatch(SQL_DETAILS);
    const logged = loggedToolFailures().slice(before);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ reqId: expect.any(String), tool: "add_task" });
  });
});
