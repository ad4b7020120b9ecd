// The loop's safety rules as pure units (no database): the guard every tool call passes, and the exact answers
// that alone confirm a proposal. The HTTP-level proofs for both agents are in chat-safety.test.ts.
import { describe, expect, it } from "vitest";
import { exactAnswer } from "../src/agent/answers.js";
import { TurnGuard } from "../src/agent/turn-guard.js";

describe("the turn guard", () => {
  it("refuses every write when the message is not an order", () => {
    const guard = new TurnGuard({ mayWrite: "no", lastChange: [] });
    expect(guard.check("complete_task", { task_id: 1 }).allow).toBe(false);
    expect(guard.check("add_task", { title: "x" }).allow).toBe(false);
    expect(guard.check("list_tasks", { status: "all" }).allow).toBe(true);
  });

  it("lets one task change, and turns a change to a second task into a proposal naming both", () => {
    const guard = new TurnGuard({ mayWrite: "yes", lastChange: [] });
    expect(guard.check("complete_task", { task_id: 1 }).allow).toBe(true);
    expect(guard.check("complete_task", { task_id: 1 }).allow).toBe(true);
    expect(guard.check("delete_task", { task_id: 2 }).allow).toBe(false);
    expect(guard.check("delete_task", { task_id: 3 }).allow).toBe(false);
    expect([...guard.proposal!.ids].sort()).toEqual([2, 3]);
  });

  it("sees a step's parallel calls before any runs: none of them may run", () => {
    const guard = new TurnGuard({ mayWrite: "yes", lastChange: [] });
    guard.plan("delete_task", { task_id: 1 });
    guard.plan("delete_task", { task_id: 2 });
    expect(guard.check("delete_task", { task_id: 1 }).allow).toBe(false);
    expect(guard.check("delete_task", { task_id: 2 }).allow).toBe(false);
    // Proposed in the model's order, so "yes" makes them in that order.
    expect(guard.proposal!.calls.map((call) => call.input.task_id)).toEqual([1, 2]);
  });

  it("adds several tasks without asking, and runs a confirmed proposal as it is", () => {
    const adds = new TurnGuard({ mayWrite: "yes", lastChange: [] });
    for (const title of ["a", "b", "c"]) expect(adds.check("add_task", { title }).allow).toBe(true);
    const calls = [1, 2].map((id) => ({ tool: "delete_task" as const, input: { task_id: id } }));
    const confirmed = new TurnGuard({ mayWrite: "yes", lastChange: [], confirmed: calls });
    for (const call of calls) expect(confirmed.check(call.tool, call.input).allow).toBe(true);
  });

  it("a statement's change is proposed, not made", () => {
    const guard = new TurnGuard({ mayWrite: "ask", lastChange: [] });
    expect(guard.check("complete_task", { task_id: 4 }).allow).toBe(false);
    expect([...guard.proposal!.ids]).toEqual([4]);
  });
});

describe("exact answers", () => {
  it.each(["yes", "Yes!", "ok 👍", "haan", "ہاں", "sí", "si", "yes please", "nooo", "nahi yaar", "no no no"])(
    "%s is an answer",
    (message) => expect(exactAnswer(message)).toBeDefined(),
  );
  it.each([
    "hang on",
    "had enough",
    "collect mail",
    "han gaya",
    "yes?",
    "yes but not the flight",
    "wait",
    "hanging",
  ])("%s answers nothing", (message) => expect(exactAnswer(message)).toBeUndefined());
  it.each(["no wait", "No, wait!", "nahi ruko", "no espera"])(
    "%s is a no followed by a hesitation",
    (message) => expect(exactAnswer(message)).toBe("no"),
  );
  it.each(["yep go ahead", "ok sure", "haan ji bilkul", "sí claro"])("%s is a yes said twice", (message) =>
    expect(exactAnswer(message)).toBe("yes"),
  );
  it.each(["yes no", "ok cancel", "sure, collect mail"])(
    "%s mixes answers or says more: no answer",
    (message) => expect(exactAnswer(message)).toBeUndefined(),
  );
  it.each(["yes wait", "haan ruko"])("%s is no yes: the hesitation takes it back", (message) =>
    expect(exactAnswer(message)).toBeUndefined(),
  );
});
