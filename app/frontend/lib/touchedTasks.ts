// The tasks a chat turn is about, for the task chips under its reply: the tasks it changed or, when it changed
// none, the tasks its reply lists (the list it was asked for, or the ones a question is about). A lookup the
// agent made on its way to a change or to "I couldn't find it" is not shown.
// Read from the tool calls' names and results, the agent's stable contract (docs/api.md): add/complete/delete/
// update_task answer {task_id, title, ...}, list_tasks answers {tasks: [{id, title, completed, ...}], ...}, a
// failed call answers {error}. Fields beyond those are ignored.
import type { ToolCall } from "./types";
import type { ChipState } from "./taskWords";

export type TouchedTask = { id: number; title: string; state: ChipState };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/** What a write tool did to its task; update_task reopens or completes when asked to change `completed`. */
function changeOf(call: ToolCall): ChipState | undefined {
  switch (call.name) {
    case "add_task":
      return "added";
    case "complete_task":
      return "completed";
    case "delete_task":
      return "deleted";
    case "update_task":
      if (call.arguments.completed === false) return "reopened";
      if (call.arguments.completed === true) return "completed";
      return "updated";
    default:
      return undefined;
  }
}

function changed(call: ToolCall): TouchedTask | undefined {
  const state = changeOf(call);
  if (!state || !isRecord(call.result)) return undefined; // a failed call answers {error} or plain text
  const { task_id: id, title } = call.result;
  return typeof id === "number" && typeof title === "string" ? { id, title, state } : undefined;
}

function listed(call: ToolCall): TouchedTask[] {
  if (call.name !== "list_tasks" || !isRecord(call.result) || !Array.isArray(call.result.tasks)) return [];
  return call.result.tasks
    .filter(isRecord)
    .flatMap((task) =>
      typeof task.id === "number" && typeof task.title === "string"
        ? [{ id: task.id, title: task.title, state: task.completed ? "completed" : "pending" } as const]
        : [],
    );
}

// "- 3: buy milk", "* #3 buy milk", "3. buy milk": a line of a reply that lists one task by its number.
const LISTED_LINE = /^\s*(?:[-*•]\s*#?|#)?(\d+)[:.)]?\s/;

/** The task numbers the reply lists, one a line, in the reply's order. */
const listedNumbers = (reply: string) =>
  reply.split("\n").flatMap((line) => {
    const match = LISTED_LINE.exec(line);
    return match ? [Number(match[1])] : [];
  });

/** The tasks the turn changed, in the order it first changed each, with the last change it made. */
export function changedTasks(calls: ToolCall[] | null): TouchedTask[] {
  const byId = new Map<number, TouchedTask>();
  for (const call of calls ?? []) {
    const task = changed(call);
    if (task) byId.set(task.id, task);
  }
  return [...byId.values()];
}

/** One chip per task: the tasks the turn changed, else the listed tasks its reply names, in the reply's order. */
export function touchedTasks(calls: ToolCall[] | null, reply: string): TouchedTask[] {
  const changes = changedTasks(calls);
  if (changes.length > 0) return changes;
  const known = new Map((calls ?? []).flatMap(listed).map((task) => [task.id, task]));
  const shown = new Map<number, TouchedTask>();
  for (const id of listedNumbers(reply)) {
    const task = known.get(id);
    if (task) shown.set(id, task);
  }
  return [...shown.values()];
}

/** The changes a turn made that "undo" can take back (the agent undoes its last change). */
export const undoableChanges = (calls: ToolCall[] | null) =>
  changedTasks(calls).filter((task) => task.state === "completed" || task.state === "deleted");

/** The reply's text without the lines that list a task shown as a chip (the chips say it better). */
export function withoutListedTasks(content: string, tasks: TouchedTask[]): string {
  const shown = new Set(tasks.map((task) => task.id));
  const lines = content.split("\n");
  const kept = lines.filter((line) => {
    const match = LISTED_LINE.exec(line);
    return !(match && shown.has(Number(match[1])));
  });
  return kept.length === lines.length ? content : kept.join("\n").trim();
}
