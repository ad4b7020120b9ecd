import { describe, expect, it } from "vitest";
import { chat, createTask, signUp, useTestApp } from "./support/app.js";

// Every statement the app sends; the session lookup (Better Auth's tables) is counted apart: its cost is
// the session cache's concern, not the chat path's.
const statements: string[] = [];
const testApp = useTestApp({ onQuery: (query) => statements.push(query) });
const isAuth = (query: string) => /from "(session|user|account)"/i.test(query);

async function countedTurn(run: () => Promise<unknown>): Promise<string[]> {
  statements.length = 0;
  await run();
  return statements.filter((query) => !isAuth(query));
}

describe("the SQL cost of a chat turn (offline agent)", () => {
  it("a read-only turn takes at most 5 statements, in a new conversation and in an existing one", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    await createTask(app, user, "Buy milk");
    let conversation = 0;
    const first = await countedTurn(async () => {
      conversation = (await chat(app, user, "what's pending?")).conversation_id;
    });
    expect(first.length, first.join("\n")).toBeLessThanOrEqual(5);
    const next = await countedTurn(() => chat(app, user, "show all my tasks", conversation));
    expect(next.length, next.join("\n")).toBeLessThanOrEqual(5);
  });

  it("a write turn that looks a task up by title takes at most 7 statements", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    await createTask(app, user, "Buy milk");
    await createTask(app, user, "Call mom");
    const { conversation_id: conversation } = await chat(app, user, "hello");
    const write = await countedTurn(() => chat(app, user, "complete the milk one", conversation));
    expect(write.length, write.join("\n")).toBeLessThanOrEqual(7);
    const add = await countedTurn(() => chat(app, user, "add a task to call the bank", conversation));
    expect(add.length, add.join("\n")).toBeLessThanOrEqual(7);
  });
});
