// The tasks a chat reply touched, read from its tool calls, for the task chips under the reply.
// The tool results are the agent's stable contract: add/complete/delete/update_task answer
// {task_id, status, title}; list_tasks answers {status, count, tasks: [{id, title, completed, ...}]}.
import type { ToolCall } from "./types";

export type TaskState = "created" | "completed" | "deleted" | "updated" | "pending" | "done";
export type TouchedTask = { id: number; title: string; state: TaskState };

const CHANGES = new Set<TaskState>(["created", "completed", "deleted", "updated"]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

function fromResult(result: unknown): TouchedTask[] {
  if (!isRecord(result)) return []; // a failed call answers {error} or plain text
  if (Array.isArray(result.tasks)) {
    return result.tasks
      .filter(isRecord)
      .flatMap((task) =>
        typeof task.id === "number" && typeof task.title === "string"
          ? [{ id: task.id, title: task.title, state: task.completed ? "done" : "pending" } as TouchedTask]
          : [],
      );
  }
  const { task_id: id, title, status } = result;
  if (typeof id === "number" && typeof title === "string" && CHANGES.has(status as TaskState)) {
    return [{ id, title, state: status as TaskState }];
  }
  return [];
}

/** One chip per task, in the order the reply first touched it, with the last state it left it in. */
export function touchedTasks(calls: ToolCall[] | null): TouchedTask[] {
  const byId = new Map<number, TouchedTask>();
  for (const call of calls ?? []) {
    for (const task of fromResult(call.result)) {
      byId.set(task.id, { ...byId.get(task.id), ...task });
    }
  }
  return [...byId.values()];
}

/** The changes a reply made that "undo" can take back (the agent undoes its last change). */
export const undoableChanges = (tasks: TouchedTask[]) =>
  tasks.filter((task) => task.state === "completed" || task.state === "deleted");

// "- 3: buy milk", "* #3 buy milk", "3. buy milk": a line of a reply that lists one task by its number.
const LISTED_LINE = /^\s*(?:[-*•]\s*#?|#)?(\d+)[:.)]?\s/;

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
