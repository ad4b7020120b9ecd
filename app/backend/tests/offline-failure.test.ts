import { describe, expect, it, vi } from "vitest";
import type { ChatState } from "../src/agent/offline/planner.js";
import { chat, listTasks, postChat, signUp, useTestApp } from "./support/app.js";

// A fault in the offline agent is simulated by messages carrying a marker: "[crash-read]" makes the message
// reader fail, "[crash-plan]" the planner's first step, "[crash-after-write]" the planner's step after a write.
vi.mock(import("../src/agent/offline/understand.js"), async (original) => {
  const module = await original();
  return {
    ...module,
    readMessage: (message: string) => {
      if (message.includes("[crash-read]")) throw new TypeError("Cannot read properties of undefined");
      return module.readMessage(message);
    },
  };
});
vi.mock(import("../src/agent/offline/planner.js"), async (original) => {
  const module = await original();
  return {
    ...module,
    planNextStep: (state: ChatState) => {
      const wrote = state.outcomes.some((outcome) => outcome.tool === "add_task" && outcome.ok);
      if (state.message.includes("[crash-plan]") || state.message.includes("[crash-read]")) {
        throw new RangeError("Maximum call stack size exceeded");
      }
      if (state.message.includes("[crash-after-write]") && wrote) throw new Error("planner failed");
      return module.planNextStep(state);
    },
  };
});

const testApp = useTestApp();
const INTERNALS = /TypeError|RangeError|Error\b|stack|undefined|planner|tool/i;

describe("a fault in the offline agent is an apology, never an HTTP error", () => {
  for (const marker of ["[crash-read]", "[crash-plan]"]) {
    it(`a failing ${marker === "[crash-read]" ? "reader" : "planner"}: 200, a short apology, nothing changed`, async () => {
      const { app } = testApp();
      const user = await signUp(app);
      const response = await postChat(app, user, { message: `add buy milk ${marker}` });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.response).toMatch(/sorry/i);
      expect(body.response).toMatch(/changed nothing|nothing changed/i);
      expect(body.response).not.toMatch(INTERNALS);
      expect(await listTasks(app, user)).toEqual([]);
      // The conversation goes on: the next message is understood.
      const next = await chat(app, user, "add buy milk", body.conversation_id);
      expect(next.tool_calls.map((call: { name: string }) => call.name)).toEqual(["add_task"]);
    });
  }

  it("a fault after a change reports the change that was made instead of claiming nothing changed", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const response = await postChat(app, user, { message: "add water the plants [crash-after-write]" });
    expect(response.statusCode).toBe(200);
    const tasks = await listTasks(app, user);
    expect(tasks).toHaveLength(1);
    const reply: string = response.json().response;
    expect(reply).toContain(`${tasks[0]!.id}`);
    expect(reply).not.toMatch(/changed nothing|nothing changed/i);
    expect(reply).not.toMatch(INTERNALS);
  });
});
