import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { chat, listTasks, postChat, signUp, type TestUser, useTestApp } from "./support/app.js";
import { FakeLlm } from "./support/fake-llm.js";

// A real model path (a fake OpenAI-compatible server), so a turn can be held open at a known point.
const llm = new FakeLlm();
const baseUrl = await llm.start();
const testApp = useTestApp({
  env: { LLM_API_KEY: "sk-test", LLM_BASE_URL: baseUrl, LLM_TIMEOUT_MS: "10000" },
});
afterAll(() => llm.stop());

/** Starts a turn that adds a task, then waits in the model's final answer until `release` resolves. */
async function startSlowTurn(user: TestUser, conversationId: number) {
  llm.willReply(
    { toolCall: { name: "add_task", arguments: { title: "Written during the turn" } } },
    { text: "Added it.", delayMs: 1_500 },
  );
  const { app } = testApp();
  const reply = postChat(app, user, { message: "add it", conversation_id: conversationId });
  // The second model request means the tool has run: the turn has side effects and no stored reply yet.
  for (const deadline = Date.now() + 10_000; llm.requests.length < 2;) {
    if (Date.now() > deadline) throw new Error("the turn never reached its final model call");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  // Wrapped: an async function returning the response promise itself would wait for the whole turn.
  return { reply };
}

async function messagesOf(user: TestUser, conversationId: number) {
  const response = await testApp().app.inject({
    method: "GET",
    url: `/api/${user.id}/conversations/${conversationId}`,
    headers: user.headers,
  });
  return response.statusCode === 404
    ? null
    : (response.json().messages as Array<{ role: string; content: string }>).map((m) => m.role);
}

describe("a chat turn is never half done", () => {
  it("deleting the conversation during a turn is refused (409); the turn completes and is stored whole", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    llm.willReply({ text: "Hello." });
    const { conversation_id: id } = await chat(app, user, "hello");

    const { reply } = await startSlowTurn(user, id);
    const remove = () =>
      app.inject({ method: "DELETE", url: `/api/${user.id}/conversations/${id}`, headers: user.headers });
    const refused = await remove();
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: "CONVERSATION_BUSY" });
    expect(refused.json().error.message).toMatch(/try again/i);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);

    const answered = await reply;
    expect(answered.statusCode).toBe(200);
    expect(answered.json().response).toBe("Added it.");
    expect(await messagesOf(user, id)).toEqual(["user", "assistant", "user", "assistant"]);
    expect((await listTasks(app, user)).map((task) => task.title)).toEqual(["Written during the turn"]);

    // Once the reply is stored, the conversation can go.
    expect((await remove()).statusCode).toBe(204);
  });

  it("a delete while another turn of the conversation runs is refused (409), even after a later turn finished", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    llm.willReply({ text: "Hello." });
    const { conversation_id: id } = await chat(app, user, "hello");
    llm.willReply(
      { toolCall: { name: "add_task", arguments: { title: "Written during the turn" } } },
      { text: "Added it.", delayMs: 1_500 },
      { text: "Hi again." },
    );
    const slow = postChat(app, user, { message: "add it", conversation_id: id });
    for (const deadline = Date.now() + 10_000; llm.requests.length < 2;) {
      if (Date.now() > deadline) throw new Error("the turn never reached its final model call");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // A second turn starts and finishes while the first still runs: the last stored message is a reply.
    expect((await chat(app, user, "hi", id)).response).toBe("Hi again.");
    const refused = await app.inject({
      method: "DELETE",
      url: `/api/${user.id}/conversations/${id}`,
      headers: user.headers,
    });
    expect(refused.statusCode).toBe(409);
    expect((await slow).statusCode).toBe(200);
    expect((await listTasks(app, user)).map((task) => task.title)).toEqual(["Written during the turn"]);
  });

  it("a conversation deleted before the turn: 404, the model and the tools are never called", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    llm.willReply({ text: "Hello." });
    const { conversation_id: id } = await chat(app, user, "hello");
    await app.inject({ method: "DELETE", url: `/api/${user.id}/conversations/${id}`, headers: user.headers });

    llm.willReply({ toolCall: { name: "add_task", arguments: { title: "Must not exist" } } });
    const response = await postChat(app, user, { message: "add it", conversation_id: id });
    expect(response.statusCode).toBe(404);
    expect(llm.requests).toHaveLength(0);
    expect(await listTasks(app, user)).toEqual([]);
  });

  it("a conversation removed behind the API's back during a turn: a clear 404, not a database error", async () => {
    const { app, database } = testApp();
    const user = await signUp(app);
    llm.willReply({ text: "Hello." });
    const { conversation_id: id } = await chat(app, user, "hello");

    const { reply } = await startSlowTurn(user, id);
    await database.db.execute(sql`DELETE FROM conversations WHERE id = ${id}`);
    const response = await reply;
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({ code: "NOT_FOUND" });
    expect(response.json().error.message).toMatch(new RegExp(`Conversation ${id} was deleted`));
  });
});
