import { afterAll, describe, expect, it } from "vitest";
import { chat, createTask, listTasks, signUp, useTestApp } from "./support/app.js";
import { FakeLlm } from "./support/fake-llm.js";

const llm = new FakeLlm();
const baseUrl = await llm.start();
const testApp = useTestApp({
  env: {
    LLM_API_KEY: "sk-test-key",
    LLM_BASE_URL: baseUrl,
    LLM_MODEL: "fake-model-1",
    LLM_TIMEOUT_MS: "5000",
  },
});
afterAll(() => llm.stop());

describe("real-LLM path (OpenAI-compatible API, here a fake server on 127.0.0.1)", () => {
  it("reports the LLM agent in /api/me", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const me = await app.inject({ method: "GET", url: "/api/me", headers: user.headers });
    expect(me.json().agent).toEqual({ mode: "llm", model: "fake-model-1" });
  });

  it("runs a tool-call round trip through the MCP tools and stores the reply", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    llm.willReply(
      { toolCall: { name: "add_task", arguments: { title: "Buy milk" } } },
      { text: "Added Buy milk for you." },
    );
    const answer = await chat(app, user, "please remember milk");

    expect(answer.response).toBe("Added Buy milk for you.");
    expect(answer.tool_calls).toEqual([
      {
        name: "add_task",
        arguments: { title: "Buy milk" },
        result: expect.objectContaining({ status: "created", title: "Buy milk" }),
      },
    ]);
    expect((await listTasks(app, user)).map((task) => task.title)).toEqual(["Buy milk"]);

    expect(llm.requests).toHaveLength(2);
    const [first, second] = llm.requests;
    expect(first!.authorization).toBe("Bearer sk-test-key");
    expect(first!.body.model).toBe("fake-model-1");
    expect(first!.body.tools?.map((tool) => tool.function.name).sort()).toEqual([
      "add_task",
      "complete_task",
      "delete_task",
      "list_tasks",
      "update_task",
    ]);
    expect(first!.body.messages.at(-1)).toMatchObject({ role: "user", content: "please remember milk" });
    // The second request carries the tool result back to the model.
    const toolMessage = second!.body.messages.at(-1)!;
    expect(toolMessage.role).toBe("tool");
    expect(JSON.parse(toolMessage.content as string)).toMatchObject({ status: "created", title: "Buy milk" });
  });

  it("sends the stored history of the conversation with the next message", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    llm.willReply({ text: "Hello Ann." });
    const first = await chat(app, user, "my name is Ann");
    llm.willReply({ text: "Your name is Ann." });
    await chat(app, user, "what is my name?", first.conversation_id);
    const roles = llm.requests[0]!.body.messages.map((message) => [message.role, message.content]);
    expect(roles).toEqual([
      ["system", expect.stringContaining("Todo Chatbot assistant")],
      ["user", "my name is Ann"],
      ["assistant", "Hello Ann."],
      ["user", "what is my name?"],
    ]);
  });

  it('sends earlier tool calls and their results back, so the model can resolve "the second one"', async () => {
    const { app } = testApp();
    const user = await signUp(app);
    await createTask(app, user, "Buy milk");
    await createTask(app, user, "Call mom");
    llm.willReply(
      { toolCall: { name: "list_tasks", arguments: { status: "all" } } },
      { text: "1: Buy milk, 2: Call mom" },
    );
    const first = await chat(app, user, "show my tasks");
    llm.willReply({ text: "Which one?" });
    await chat(app, user, "complete the second one", first.conversation_id);

    const messages = llm.requests[0]!.body.messages as Array<{
      role: string;
      content: unknown;
      tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
      tool_call_id?: string;
    }>;
    const call = messages.find((message) => message.role === "assistant" && message.tool_calls)
      ?.tool_calls?.[0];
    expect(call?.function.name).toBe("list_tasks");
    expect(JSON.parse(call!.function.arguments)).toEqual({ status: "all" });
    const result = messages.find((message) => message.role === "tool");
    expect(result?.tool_call_id).toBe(call!.id);
    expect(JSON.parse(result!.content as string)).toMatchObject({
      count: 2,
      tasks: [
        expect.objectContaining({ id: 2, title: "Call mom" }),
        expect.objectContaining({ id: 1, title: "Buy milk" }),
      ],
    });
    // In order: the question, the call, its result, the answer, then the new message.
    expect(messages.map((message) => message.role)).toEqual([
      "system",
      "user",
      "assistant",
      "tool",
      "assistant",
      "user",
    ]);
  });

  const failures = [
    {
      name: "401 (bad key)",
      reply: { status: 401, body: '{"error":{"message":"Incorrect API key"}}' },
      says: /LLM_API_KEY/,
      kind: "auth",
    },
    {
      name: "500",
      reply: { status: 500, body: '{"error":{"message":"boom"}}' },
      says: /unavailable/,
      kind: "unavailable",
    },
    { name: "a timeout", reply: { hang: true as const }, says: /took too long/, kind: "timeout" },
    {
      name: "malformed output",
      reply: { status: 200, body: '{"unexpected": true}' },
      says: /couldn't use/,
      kind: "invalid_response",
    },
  ];
  for (const failure of failures) {
    it(`${failure.name}: a clear reply (200), stored, and the next message still works`, async () => {
      const { app } = testApp();
      const user = await signUp(app);
      // Every attempt fails (the agent retries a failed model call once, after a short delay).
      llm.willReply(failure.reply, failure.reply);
      const answer = await chat(app, user, "add a task to buy bread");
      expect(answer.response).toMatch(failure.says);
      expect(answer.tool_calls).toEqual([]);
      expect(await listTasks(app, user)).toEqual([]);

      const conversation = await app.inject({
        method: "GET",
        url: `/api/${user.id}/conversations/${answer.conversation_id}`,
        headers: user.headers,
      });
      expect(conversation.json().messages.map((message: { role: string }) => message.role)).toEqual([
        "user",
        "assistant",
      ]);

      llm.willReply({ text: "Back to normal." });
      expect((await chat(app, user, "hello again", answer.conversation_id)).response).toBe("Back to normal.");
    });
  }
});
