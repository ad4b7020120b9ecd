import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTask, listTasks, signUp, useTestApp } from "./support/app.js";
import { connectMcp, structured } from "./support/mcp-client.js";

const testApp = useTestApp();
let baseUrl = "";

beforeAll(async () => {
  baseUrl = await testApp().app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await testApp().app.close();
});

describe("MCP server at /mcp (official SDK client over Streamable HTTP)", () => {
  it("lists the five task tools with their input schemas", async () => {
    const user = await signUp(testApp().app);
    const client = await connectMcp(baseUrl, user.token);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      "add_task",
      "complete_task",
      "delete_task",
      "list_tasks",
      "update_task",
    ]);
    const addTask = tools.find((tool) => tool.name === "add_task")!;
    expect(addTask.inputSchema.required).toEqual(["title"]);
    await client.close();
  });

  it("calls every tool and returns {task_id, status, title}", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const client = await connectMcp(baseUrl, user.token);

    const added = structured<{ task_id: number; status: string; title: string }>(
      await client.callTool({ name: "add_task", arguments: { title: "Buy groceries", description: "milk" } }),
    );
    expect(added).toMatchObject({ status: "created", title: "Buy groceries" });

    const listed = structured<{ tasks: Array<{ id: number }> }>(
      await client.callTool({ name: "list_tasks", arguments: { status: "pending" } }),
    );
    expect(listed.tasks.map((task) => task.id)).toEqual([added.task_id]);

    const updated = structured(
      await client.callTool({
        name: "update_task",
        arguments: { task_id: added.task_id, title: "Buy food" },
      }),
    );
    // `before` (what the task was) is what an undo needs; the spec's three fields stay as they were.
    expect(updated).toEqual({
      task_id: added.task_id,
      status: "updated",
      title: "Buy food",
      before: { title: "Buy groceries", description: "milk", completed: false },
    });

    const completed = structured(
      await client.callTool({ name: "complete_task", arguments: { task_id: added.task_id } }),
    );
    expect(completed).toMatchObject({
      task_id: added.task_id,
      status: "completed",
      title: "Buy food",
      before: { completed: false },
    });
    expect((await listTasks(app, user))[0]).toMatchObject({ title: "Buy food", completed: true });

    const deleted = structured(
      await client.callTool({ name: "delete_task", arguments: { task_id: added.task_id } }),
    );
    expect(deleted).toMatchObject({ task_id: added.task_id, status: "deleted", title: "Buy food" });
    expect(await listTasks(app, user)).toEqual([]);

    // Undo of a delete: add_task with the old number puts the task back under it; a number in use is refused.
    const restored = structured(
      await client.callTool({
        name: "add_task",
        arguments: { title: "Buy food", task_id: added.task_id, completed: true },
      }),
    );
    expect(restored).toMatchObject({ task_id: added.task_id, status: "created" });
    expect(await listTasks(app, user)).toEqual([
      expect.objectContaining({ id: added.task_id, title: "Buy food", completed: true }),
    ]);
    const again = await client.callTool({
      name: "add_task",
      arguments: { title: "Other", task_id: added.task_id },
    });
    expect(again.isError).toBe(true);
    await client.close();
  });

  it("reports an unknown task id and bad arguments as tool errors", async () => {
    const user = await signUp(testApp().app);
    const client = await connectMcp(baseUrl, user.token);
    const missing = await client.callTool({ name: "complete_task", arguments: { task_id: 987654 } });
    expect(missing.isError).toBe(true);
    expect(JSON.stringify(missing.content)).toContain("987654 was not found");
    const invalid = await client.callTool({ name: "add_task", arguments: { title: "" } });
    expect(invalid.isError).toBe(true);
    await client.close();
  });

  it("refuses a JSON-RPC batch with 400 and runs none of its calls (MCP 2025-06-18 has no batches)", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const calls = Array.from({ length: 100 }, (_, i) => ({
      jsonrpc: "2.0",
      id: i + 1,
      method: "tools/call",
      params: { name: "add_task", arguments: { title: `Batched ${i}` } },
    }));
    const post = (body: unknown) =>
      fetch(`${baseUrl}/mcp`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${user.token}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": "2025-03-26",
        },
        body: JSON.stringify(body),
      });
    for (const body of [calls, [calls[0]], 42, "add_task"]) {
      const response = await post(body);
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { error: { code: number; message: string } };
      expect(answer.error.code).toBe(-32600);
      expect(answer.error.message).toContain("one JSON-RPC message per POST");
    }
    expect(await listTasks(app, user)).toEqual([]);
  });

  it("refuses a request without a valid bearer token (401)", async () => {
    const response = await fetch(`${baseUrl}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    await expect(connectMcp(baseUrl, "not-a-real-token")).rejects.toThrow();
  });
});

describe("user isolation over MCP: the user is the token's, never an argument", () => {
  it("a second user can neither see nor change the first user's tasks", async () => {
    const { app } = testApp();
    const owner = await signUp(app, "Owner");
    const intruder = await signUp(app, "Intruder");
    const task = await createTask(app, owner, "Private task");
    const client = await connectMcp(baseUrl, intruder.token);

    const listed = structured<{ tasks: unknown[] }>(
      await client.callTool({ name: "list_tasks", arguments: {} }),
    );
    expect(listed.tasks).toEqual([]);
    for (const [name, args] of [
      ["complete_task", { task_id: task.id }],
      ["delete_task", { task_id: task.id }],
      ["update_task", { task_id: task.id, title: "hacked" }],
    ] as const) {
      const result = await client.callTool({ name, arguments: args });
      expect(result.isError, name).toBe(true);
    }
    const spoofed = await client.callTool({
      name: "add_task",
      arguments: { title: "planted", user_id: owner.id },
    });
    expect(spoofed.isError).toBe(true);
    const spoofedList = await client.callTool({ name: "list_tasks", arguments: { user_id: owner.id } });
    expect(spoofedList.isError).toBe(true);

    expect(await listTasks(app, owner)).toEqual([
      expect.objectContaining({ id: task.id, title: "Private task", completed: false }),
    ]);
    expect(await listTasks(app, intruder)).toEqual([]);
    await client.close();
  });
});
