/**
 * The safety rules of a chat turn, enforced where every agent's tool calls pass (task-tools.ts), so neither the
 * offline agent nor a real model — prompt-injected or not — can break them:
 *  - a question or small talk changes nothing; a statement of fact ("I paid the rent") is not an order either:
 *    what it would change is asked first, like a change to several tasks;
 *  - a change to more than one task (complete, reopen, edit, delete) is not made: the turn asks first, naming the
 *    tasks, and the loop makes it only on an exact yes (answers.ts). Adding several tasks is not such a change.
 *  - taking back the last change (undo, a correction) is allowed: it restores what the user had.
 */
import type { PlannedCall, TaskRef, Write } from "./conversation-state.js";
import { inverseCalls } from "./conversation-state.js";

const CHANGE_TOOLS = new Set(["complete_task", "delete_task", "update_task"]);
const WRITE_TOOLS = new Set(["add_task", "complete_task", "delete_task", "update_task"]);
// Adds in one message ("X, Y and Z"); more is a paste, not a request.
export const ADD_LIMIT = 20;

export interface TurnPolicy {
  /** "yes" for an order; "ask" for a statement (its changes are proposed, not made); "no" otherwise. */
  mayWrite: "yes" | "ask" | "no";
  /** The last change, whose exact inverse may always run. */
  lastChange: Write[];
  /** A proposal the user just confirmed with an exact yes: its calls run as they are. */
  confirmed?: PlannedCall[];
}

export type GuardVerdict = { allow: true } | { allow: false; reason: string };

export const NOT_AN_ORDER =
  "Nothing was changed: the user's message is a question or a remark, not a request to change tasks. Answer it without changing anything.";
export const NEEDS_CONFIRMATION =
  "Not changed yet: changing more than one task needs the user's confirmation. Ask the user, naming the tasks.";
export const TOO_MANY_ADDS = `Not added: at most ${ADD_LIMIT} new tasks a message.`;

const key = (call: PlannedCall) => JSON.stringify([call.tool, sortKeys(call.input)]);
function sortKeys(input: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(input).sort(([a], [b]) => a.localeCompare(b)));
}

/** Whether a call changes an existing task (an add that restores a deleted task under its number does too). */
function changesTask(tool: string, input: Record<string, unknown>): number | undefined {
  if (CHANGE_TOOLS.has(tool) || (tool === "add_task" && input.task_id !== undefined)) {
    const id = Number(input.task_id);
    return Number.isInteger(id) ? id : -1;
  }
  return undefined;
}

export class TurnGuard {
  /** Tasks this turn changes or plans to change (planned: every call of a model step, before any runs). */
  private readonly targets = new Set<number>();
  private readonly restoring: Set<string>;
  private readonly confirmed: Set<string>;
  private adds = 0;
  private readonly planned: PlannedCall[] = [];
  /** Set when the turn must ask instead: the changes it wanted. */
  proposal: { calls: PlannedCall[]; ids: Set<number> } | null = null;

  constructor(private readonly policy: TurnPolicy) {
    this.restoring = new Set(inverseCalls(policy.lastChange).map(key));
    this.confirmed = new Set((policy.confirmed ?? []).map(key));
  }

  /**
   * Called for every tool call of a model step before any of them runs (the AI SDK resolves `needsApproval`
   * for each call of a step, then executes them: ai generate-text.ts, resolveToolApproval before executeTools),
   * so parallel calls to several tasks are seen whole and none of them runs.
   */
  plan(tool: string, input: Record<string, unknown>): void {
    if (this.exempt(tool, input) || changesTask(tool, input) === undefined) return;
    this.targets.add(changesTask(tool, input)!);
    this.planned.push({ tool, input } as PlannedCall);
    // Several tasks: every planned change joins the proposal, in the order the model gave them.
    if (this.targets.size > 1) for (const call of this.planned) this.propose(call.tool, call.input);
  }

  /** Whether the call may run now; when not, the reason goes back to the model as the tool's error. */
  check(tool: string, input: Record<string, unknown>): GuardVerdict {
    if (!WRITE_TOOLS.has(tool)) return { allow: true };
    if (this.confirmed.has(key({ tool, input } as PlannedCall))) return { allow: true };
    if (this.policy.mayWrite === "no") return { allow: false, reason: NOT_AN_ORDER };
    if (this.policy.mayWrite === "ask") {
      this.propose(tool, input);
      return { allow: false, reason: NEEDS_CONFIRMATION };
    }
    if (this.exempt(tool, input)) return { allow: true };
    const id = changesTask(tool, input);
    if (id === undefined) {
      if (++this.adds > ADD_LIMIT) return { allow: false, reason: TOO_MANY_ADDS };
      return this.proposal ? { allow: false, reason: NEEDS_CONFIRMATION } : { allow: true };
    }
    this.targets.add(id);
    if (this.targets.size > 1 || this.proposal) {
      this.propose(tool, input);
      return { allow: false, reason: NEEDS_CONFIRMATION };
    }
    return { allow: true };
  }

  /** A change to a task this turn already changed or planned, made after the proposal: folded into it. */
  private propose(tool: string, input: Record<string, unknown>): void {
    this.proposal ??= { calls: [], ids: new Set() };
    if (changesTask(tool, input) === undefined && this.policy.mayWrite !== "ask") return;
    const call = { tool, input } as PlannedCall;
    if (!this.proposal.calls.some((other) => key(other) === key(call))) this.proposal.calls.push(call);
    if (input.task_id !== undefined) this.proposal.ids.add(Number(input.task_id));
  }

  /** A change that executed before the turn knew it was several: it joins the proposal (and is taken back). */
  adopt(call: PlannedCall): void {
    this.propose(call.tool, call.input);
  }

  private exempt(tool: string, input: Record<string, unknown>): boolean {
    return this.restoring.has(key({ tool, input } as PlannedCall));
  }
}

/** The tasks a proposal names, for the question. */
export function proposalTasks(ids: Set<number>, known: TaskRef[]): TaskRef[] {
  return [...ids]
    .sort((a, b) => a - b)
    .map((id) => known.find((task) => task.id === id) ?? { id, title: "" });
}
