import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTask, signUp, useTestApp } from "./support/app.js";
import { connectMcp } from "./support/mcp-client.js";

const WRITES_PER_MINUTE = 5;
const testApp = useTestApp({ env: { WRITE_RATE_LIMIT_PER_MINUTE: String(WRITES_PER_MINUTE) } });
let baseUrl = "";

beforeAll(async () => {
  baseUrl = await testApp().app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await testApp().app.close();
});

describe("per-user write limit (REST task writes and /mcp share one budget)", () => {
  it("REST: every kind of write counts; the next is 429 with Retry-After and writes nothing; reads still work", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const task = await createTask(app, user, "one");
    const path = `/api/${user.id}/tasks`;
    const writes = [
      { method: "POST", url: path, payload: { title: "two" } },
      { method: "PUT", url: `${path}/${task.id}`, payload: { title: "one, renamed" } },
      { method: "PATCH", url: `${path}/${task.id}/complete` },
      { method: "POST", url: path, payload: { title: "three" } },
    ] as const;
    for (const write of writes) {
      const response = await app.inject({ ...write, headers: user.headers });
      expect(response.statusCode, `${write.method} ${write.url}`).toBeLessThan(300);
    }
    const refused = await app.inject({
      method: "DELETE",
      url: `${path}/${task.id}`,
      headers: user.headers,
    });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({ code: "RATE_LIMITED" });
    expect(refused.json().error.message).toMatch(new RegExp(`${WRITES_PER_MINUTE} .*minute`));
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);

    const list = await app.inject({ method: "GET", url: path, headers: user.headers });
    expect(list.statusCode).toBe(200);
    expect(list.json().map((entry: { title: string }) => entry.title)).toEqual([
      "three",
      "two",
      "one, renamed",
    ]);

    // The budget is the user's: another user is not slowed down.
    const other = await signUp(app);
    expect((await createTask(app, other, "unaffected")).title).toBe("unaffected");
  });

  it("MCP: requests count against the same budget; an exhausted budget refuses /mcp too", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const client = await connectMcp(baseUrl, user.token); // initialize + initialized: 2 requests
    await client.callTool({ name: "add_task", arguments: { title: "via MCP" } });
    await client.callTool({ name: "add_task", arguments: { title: "via MCP again" } });
    await expect(
      client.callTool({ name: "add_task", arguments: { title: "one too many" } }),
    ).resolves.toBeDefined();
    await expect(client.callTool({ name: "add_task", arguments: { title: "refused" } })).rejects.toThrow(
      /RATE_LIMITED/,
    );
    await client.close();

    const rest = await app.inject({
      method: "POST",
      url: `/api/${user.id}/tasks`,
      headers: user.headers,
      payload: { title: "refused too" },
    });
    expect(rest.statusCode).toBe(429);
    const titles = (
      await app.inject({ method: "GET", url: `/api/${user.id}/tasks`, headers: user.headers })
    ).json() as Array<{ title: string }>;
    expect(titles.map((task) => task.title)).toEqual(["one too many", "via MCP again", "via MCP"]);
  });
});
