import { describe, expect, it } from "vitest";
import { chat, listTasks, postChat, signUp, type TestUser, useTestApp } from "./support/app.js";

const testApp = useTestApp();

async function conversationTitles(user: TestUser) {
  const { app } = testApp();
  const response = await app.inject({
    method: "GET",
    url: `/api/${user.id}/conversations`,
    headers: user.headers,
  });
  expect(response.statusCode).toBe(200);
  return new Map((response.json() as Array<{ id: number; title: string }>).map((c) => [c.id, c.title]));
}

describe("conversation titles", () => {
  it("each conversation of each user is titled with its own first message", async () => {
    const { app } = testApp();
    const alice = await signUp(app, "Alice");
    const bob = await signUp(app, "Bob");
    // Interleaved, with follow-up messages, so message ids and conversation ids never line up by chance.
    const opening = [
      [alice, "Add a task to water the plants"],
      [bob, "Add a task to renew my passport"],
      [alice, "What's pending?"],
      [bob, "Show me all my tasks"],
      [alice, "Add a task to call the dentist"],
    ] as const;
    const started: Array<{ user: TestUser; id: number; first: string }> = [];
    for (const [user, message] of opening) {
      const answer = await chat(app, user, message);
      await chat(app, user, "hello", answer.conversation_id);
      started.push({ user, id: answer.conversation_id, first: message });
    }

    for (const user of [alice, bob]) {
      const titles = await conversationTitles(user);
      const own = started.filter((entry) => entry.user === user);
      expect(titles).toEqual(new Map(own.map((entry) => [entry.id, entry.first])));
      for (const entry of own) {
        const one = await app.inject({
          method: "GET",
          url: `/api/${user.id}/conversations/${entry.id}`,
          headers: user.headers,
        });
        expect(one.json().title).toBe(entry.first);
      }
    }
  });
});

describe("chat input", () => {
  it("a NUL character in the message -> 400 naming message, and nothing is stored", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const response = await postChat(app, user, { message: "Add a task to buy milk\u0000" });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: "VALIDATION_ERROR", field: "message" });
    expect(response.json().error.message).toMatch(/U\+0000/);
    expect(await conversationTitles(user)).toEqual(new Map());
    expect(await listTasks(app, user)).toEqual([]);
  });
});
