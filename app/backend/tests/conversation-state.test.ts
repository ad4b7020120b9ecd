// What a conversation stores and reads back: the state a turn needs (ids, short titles), never every listed
// task's description, and pages of messages — so a long conversation costs what a short one costs.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { chat, createTask, listTasks, signUp, useTestApp } from "./support/app.js";

const testApp = useTestApp();

async function storedBytes(conversationId: number): Promise<number[]> {
  const { database } = testApp();
  const result = (await database.db.execute(sql`
    SELECT octet_length(coalesce(tool_calls::text, '') || coalesce(state::text, '')) AS bytes
    FROM messages WHERE conversation_id = ${conversationId} AND role = 'assistant' ORDER BY id`)) as unknown as {
    rows: Array<{ bytes: number }>;
  };
  return result.rows.map((row) => Number(row.bytes));
}

describe("conversation state and size", () => {
  it("a listing turn stores the same bounded size however long the descriptions and the conversation", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    for (let i = 1; i <= 100; i++) await createTask(app, user, `Task number ${i}`, "d".repeat(2000));
    let id: number | undefined;
    const TURNS = 12;
    for (let turn = 0; turn < TURNS; turn++)
      id = (await chat(app, user, "show my tasks", id)).conversation_id;
    const sizes = await storedBytes(id!);
    expect(sizes).toHaveLength(TURNS);
    // 100 descriptions of 2,000 characters would be ~200 KB a turn; what is stored is ids and short titles.
    expect(Math.max(...sizes)).toBeLessThan(16 * 1024);
    // Flat: the last turn stores no more than the first.
    expect(sizes.at(-1)).toBeLessThanOrEqual(sizes[0]! + 64);

    const page = await app.inject({
      method: "GET",
      url: `/api/${user.id}/conversations/${id}?limit=10`,
      headers: user.headers,
    });
    expect(page.statusCode).toBe(200);
    const body = page.json() as { messages: Array<{ id: number; content: string }>; has_more: boolean };
    expect(body.messages).toHaveLength(10);
    expect(body.has_more).toBe(true);
    expect(body.messages.at(-1)!.content).toMatch(/Task number 100/);
    const older = await app.inject({
      method: "GET",
      url: `/api/${user.id}/conversations/${id}?limit=10&before=${body.messages[0]!.id}`,
      headers: user.headers,
    });
    const olderIds = (older.json() as { messages: Array<{ id: number }> }).messages.map((m) => m.id);
    expect(Math.max(...olderIds)).toBeLessThan(body.messages[0]!.id);
    expect(olderIds).toHaveLength(10);
  });

  it("a page size out of range is refused, naming limit and the bound", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const { conversation_id: id } = await chat(app, user, "hi");
    const refused = await app.inject({
      method: "GET",
      url: `/api/${user.id}/conversations/${id}?limit=100000`,
      headers: user.headers,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatch(/limit/);
    expect(refused.body).toMatch(/at most 100/);
  });

  it('references across turns: "delete it" after an add, "the last one" after a listing, "and 3 too"', async () => {
    const { app } = testApp();
    const user = await signUp(app);
    await createTask(app, user, "Pay rent");
    await createTask(app, user, "Call mom");
    await createTask(app, user, "Buy milk");
    const added = await chat(app, user, "add water the plants");
    await chat(app, user, "delete it", added.conversation_id);
    expect((await listTasks(app, user)).map((task) => task.id).sort()).toEqual([1, 2, 3]);

    const listed = await chat(app, user, "show my tasks");
    await chat(app, user, "complete the last one", listed.conversation_id);
    const completed = await chat(app, user, "and 1 too", listed.conversation_id);
    expect(completed.tool_calls.map((call) => call.name)).toContain("complete_task");
    const done = (await listTasks(app, user)).filter((task) => task.completed).map((task) => task.id);
    expect(done.sort()).toEqual([1, 3]);
  });
});
