/**
 * What a conversation remembers between turns, stored with each reply (messages.state) so the server keeps
 * nothing: the tasks last shown and last touched, the last change (to undo or correct it), and a question the
 * assistant is waiting on. Small by construction: ids, short titles, capped lists — never descriptions of
 * listed tasks, so a long conversation costs the same to read as a short one.
 */
import { failedCall, type ToolCallRecord } from "../chat/tool-calls.js";

/** A task as the conversation refers to it. */
export interface TaskRef {
  id: number;
  title: string;
  completed?: boolean;
}

/** One tool call to make (a proposal, an inverse). */
export interface PlannedCall {
  tool: "add_task" | "complete_task" | "delete_task" | "update_task";
  input: Record<string, unknown>;
}

/** A change the assistant asked about and makes only on an exact yes. */
export interface Proposal {
  /**
   * "change": several tasks at once, or a statement's change; "undo": take back the last change (asked after a
   * "no"); "guess": a change the assistant was not sure of (a title matched only in part): an exact yes makes
   * it, a no drops it, and anything else is read as a new message.
   */
  kind: "change" | "undo" | "guess";
  calls: PlannedCall[];
  tasks: TaskRef[];
}

/** A write that happened, with the task as it was before (`before`), so it can be taken back. */
export interface Write {
  tool: PlannedCall["tool"];
  input: Record<string, unknown>;
  taskId: number;
  title: string;
  before?: { title: string; description: string | null; completed: boolean };
}

export interface ConversationState {
  /** Turns answered so far (to tell "right after a change" from later). */
  turn: number;
  /** The tasks the last listing showed, in the order shown. */
  shown: TaskRef[];
  /** The tasks the last change touched. */
  touched: TaskRef[];
  /** The writes of the last turn that changed something, and that turn's number. */
  lastChange: { turn: number; writes: Write[] } | null;
  pending: Proposal | null;
}

// A listing the conversation remembers: "the 12th one" of a longer list is asked by number anyway.
export const SHOWN_MAX = 50;
// Titles are remembered short: enough to name a task in a question, bounded whatever the title.
const TITLE_MAX = 80;

export const emptyState = (): ConversationState => ({
  turn: 0,
  shown: [],
  touched: [],
  lastChange: null,
  pending: null,
});

const short = (title: string) => (title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title);
const WRITE_TOOLS = new Set(["add_task", "complete_task", "delete_task", "update_task"]);

/** The state after a turn that made `calls` (and, when it asks, the proposal it waits on). */
export function nextState(
  previous: ConversationState,
  calls: ToolCallRecord[],
  pending: Proposal | null = null,
): ConversationState {
  const turn = previous.turn + 1;
  let shown = previous.shown;
  const writes: Write[] = [];
  for (const call of calls) {
    if (failedCall(call)) continue;
    if (call.name === "list_tasks") {
      const tasks = (call.result as { tasks?: Array<{ id: number; title: string; completed: boolean }> })
        .tasks;
      shown = (tasks ?? [])
        .slice()
        .sort((a, b) => a.id - b.id)
        .slice(0, SHOWN_MAX)
        .map((task) => ({ id: task.id, title: short(task.title), completed: task.completed }));
    } else if (WRITE_TOOLS.has(call.name)) {
      const result = call.result as { task_id: number; title: string; before?: Write["before"] };
      writes.push({
        tool: call.name as Write["tool"],
        input: call.arguments,
        taskId: result.task_id,
        title: short(result.title),
        ...(result.before ? { before: result.before } : {}),
      });
    }
  }
  const changed = writes.length > 0;
  return {
    turn,
    shown,
    touched: changed ? writes.map((write) => ({ id: write.taskId, title: write.title })) : previous.touched,
    lastChange: changed ? { turn, writes } : previous.lastChange,
    pending,
  };
}

/** Reads a stored state; anything unreadable (an older reply, a damaged row) is a fresh start. */
export function readState(value: unknown): ConversationState {
  const state = value as Partial<ConversationState> | null;
  if (!state || typeof state !== "object" || typeof state.turn !== "number") return emptyState();
  return {
    turn: state.turn,
    shown: Array.isArray(state.shown) ? state.shown : [],
    touched: Array.isArray(state.touched) ? state.touched : [],
    lastChange: state.lastChange ?? null,
    pending: state.pending ?? null,
  };
}

/** The calls that take the writes back, newest first; a deleted task comes back under its own number. */
export function inverseCalls(writes: Write[]): PlannedCall[] {
  const calls: PlannedCall[] = [];
  for (const write of [...writes].reverse()) {
    const before = write.before;
    if (write.tool === "add_task" && write.input.task_id === undefined) {
      calls.push({ tool: "delete_task", input: { task_id: write.taskId } });
    } else if (write.tool === "delete_task" && before) {
      calls.push({
        tool: "add_task",
        input: {
          title: before.title,
          ...(before.description ? { description: before.description } : {}),
          task_id: write.taskId,
          completed: before.completed,
        },
      });
    } else if ((write.tool === "complete_task" || write.tool === "update_task") && before) {
      const input: Record<string, unknown> = { task_id: write.taskId };
      if (write.tool === "complete_task" || "completed" in write.input) input.completed = before.completed;
      if ("title" in write.input) input.title = before.title;
      if ("description" in write.input) input.description = before.description ?? "";
      calls.push({ tool: "update_task", input });
    } else if (write.tool === "add_task" && write.input.task_id !== undefined) {
      calls.push({ tool: "delete_task", input: { task_id: write.taskId } });
    }
  }
  return calls;
}

/**
 * The tool calls as stored with the reply: a listing keeps ids, short titles and states (what chips and
 * "the second one" need), not every task's description; at most SHOWN_MAX tasks.
 */
export function compactCalls(calls: ToolCallRecord[]): ToolCallRecord[] {
  return calls.map((call) => {
    if (call.name !== "list_tasks" || failedCall(call)) return call;
    const result = call.result as { status: string; count: number; tasks?: TaskRef[] };
    return {
      ...call,
      result: {
        status: result.status,
        count: result.count,
        tasks: (result.tasks ?? [])
          .slice(0, SHOWN_MAX)
          .map((task) => ({ id: task.id, title: short(task.title), completed: task.completed })),
      },
    };
  });
}
