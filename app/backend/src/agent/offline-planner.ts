import type { TaskToolName } from "../mcp/task-server.js";
import { parseIntent, type Intent } from "./intent.js";

/** What the offline agent does next: call one tool, or answer. */
export type PlanStep = { tool: TaskToolName; input: Record<string, unknown> } | { reply: string };

/** A tool result of this turn, as the agent loop hands it back: the tool's JSON, or its error text. */
export interface ToolOutcome {
  tool: string;
  ok: boolean;
  value: unknown;
}

interface ListedTask {
  id: number;
  title: string;
  completed: boolean;
}

export const HELP_TEXT = [
  "I can manage your tasks. Try:",
  '- "Add a task to buy groceries"',
  '- "What\'s pending?" or "Show me all my tasks"',
  '- "Mark task 3 as complete"',
  "- \"Change task 1 to 'Call mom tonight'\"",
  '- "Delete the meeting task"',
  '- "What have I completed?"',
].join("\n");

/**
 * Decides the next step from the user's message and the tool results gathered so far in this turn.
 * Pure and deterministic, so the same conversation always produces the same tool calls.
 */
export function planNextStep(message: string, outcomes: ToolOutcome[]): PlanStep {
  const intent = parseIntent(message);
  switch (intent.kind) {
    case "add":
      return outcomes.length === 0
        ? {
            tool: "add_task",
            input: intent.description
              ? { title: intent.title, description: intent.description }
              : { title: intent.title },
          }
        : { reply: describeOutcome(outcomes.at(-1)!) };
    case "list":
      return outcomes.length === 0
        ? { tool: "list_tasks", input: { status: intent.status } }
        : { reply: describeList(outcomes.at(-1)!, intent.status) };
    case "complete":
    case "delete":
    case "update":
      return planTaskAction(intent, outcomes);
    case "help":
      return { reply: `Hi! ${HELP_TEXT}` };
    case "unknown":
      return {
        reply: `Sorry, I didn't understand "${message.trim()}". ${HELP_TEXT}`,
      };
  }
}

type TaskActionIntent = Extract<Intent, { kind: "complete" | "delete" | "update" }>;

function planTaskAction(intent: TaskActionIntent, outcomes: ToolOutcome[]): PlanStep {
  const last = outcomes.at(-1);
  if (last && last.tool !== "list_tasks") return { reply: describeOutcome(last) };
  if ("id" in intent.task)
    return last ? { reply: describeOutcome(last) } : actionCall(intent, intent.task.id);
  // A task named by title: list first, then act on the one match.
  if (!last) return { tool: "list_tasks", input: { status: "all" } };
  if (!last.ok) return { reply: describeOutcome(last) };
  const matches = findByTitle(tasksOf(last.value), intent.task, intent.kind === "complete");
  if (matches.length === 1) return actionCall(intent, matches[0]!.id);
  if (matches.length === 0) {
    return {
      reply: `I couldn't find a task matching "${intent.task.title}". Say "show my tasks" to see them.`,
    };
  }
  const options = matches.map((task) => `- ${task.id}: ${task.title}`).join("\n");
  return {
    reply: `More than one task matches "${intent.task.title}":\n${options}\nWhich one? Use its number, e.g. "task ${matches[0]!.id}".`,
  };
}

function actionCall(intent: TaskActionIntent, taskId: number): PlanStep {
  switch (intent.kind) {
    case "complete":
      return { tool: "complete_task", input: { task_id: taskId } };
    case "delete":
      return { tool: "delete_task", input: { task_id: taskId } };
    case "update":
      return { tool: "update_task", input: { task_id: taskId, [intent.field]: intent.value } };
  }
}

/** Exact title first; then every task whose title holds all the words; open tasks win when completing. */
function findByTitle(tasks: ListedTask[], reference: { title: string }, preferOpen: boolean): ListedTask[] {
  const wanted = simplify(reference.title);
  const exact = tasks.filter((task) => simplify(task.title) === wanted);
  if (exact.length > 0) return exact;
  const words = wanted.split(" ").filter(Boolean);
  const containing = tasks.filter((task) => {
    const title = ` ${simplify(task.title)} `;
    return words.every((word) => title.includes(` ${word} `) || title.includes(` ${word}`));
  });
  const open = containing.filter((task) => !task.completed);
  return preferOpen && open.length > 0 ? open : containing;
}

function simplify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

function tasksOf(value: unknown): ListedTask[] {
  const list = (value as { tasks?: unknown })?.tasks;
  return Array.isArray(list) ? (list as ListedTask[]) : [];
}

function describeOutcome(outcome: ToolOutcome): string {
  if (!outcome.ok) return `I couldn't do that: ${String(outcome.value)}`;
  const result = outcome.value as { task_id: number; status: string; title: string };
  switch (result.status) {
    case "created":
      return `Added task ${result.task_id}: "${result.title}".`;
    case "completed":
      return `Marked task ${result.task_id} "${result.title}" as complete. Nice work!`;
    case "deleted":
      return `Deleted task ${result.task_id} "${result.title}".`;
    case "updated":
      return `Updated task ${result.task_id}; it now reads "${result.title}".`;
    default:
      return `Done: ${JSON.stringify(result)}`;
  }
}

function describeList(outcome: ToolOutcome, status: "all" | "pending" | "completed"): string {
  if (!outcome.ok) return describeOutcome(outcome);
  const tasks = tasksOf(outcome.value);
  const label = { all: "tasks", pending: "pending tasks", completed: "completed tasks" }[status];
  if (tasks.length === 0) {
    return status === "completed"
      ? "You haven't completed any tasks yet."
      : status === "pending"
        ? "Nothing pending: you're all caught up!"
        : 'You have no tasks yet. Try "Add a task to buy groceries".';
  }
  const lines = tasks.map(
    (task) => `- ${task.id}: ${task.title}${status === "all" && task.completed ? " (done)" : ""}`,
  );
  return `You have ${tasks.length} ${tasks.length === 1 ? label.replace(/s$/, "") : label}:\n${lines.join("\n")}`;
}
