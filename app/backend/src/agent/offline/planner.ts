/**
 * The offline agent's decisions: from the conversation so far (earlier turns with their tool calls, and the
 * tool results of this turn) to the next tool call or the reply. Pure and deterministic: the same
 * conversation always gives the same calls.
 *
 * Each intent has one plan in PLANS: whether it must look the user's tasks up first, and then which calls to
 * make (or what to answer at once). The agent loop runs the calls one by one through MCP and comes back here.
 */
import type { TaskToolName } from "../../mcp/task-server.js";
import { texts, taskLines, type ShownTask } from "./replies.js";
import { ascending, resolveTarget, type Resolution } from "./resolve.js";
import { capitalize, type Language } from "./text.js";
import { understand, type Intent, type Status, type Target } from "./understand.js";

/** A tool call of this or an earlier turn, with its result (the tool's JSON) or its error text. */
export interface ToolOutcome {
  tool: string;
  input: Record<string, unknown>;
  ok: boolean;
  value: unknown;
}

export interface PastTurn {
  user: string;
  calls: ToolOutcome[];
}

export interface ChatState {
  message: string;
  /** Earlier turns of the conversation, oldest first. */
  turns: PastTurn[];
  /** The tool results of this turn so far. */
  outcomes: ToolOutcome[];
}

interface Call {
  tool: TaskToolName;
  input: Record<string, unknown>;
}

export type PlanStep = Call | { reply: string };

type Decision = { calls: Call[]; report: (outcomes: ToolOutcome[]) => string } | { reply: string };

interface Plan {
  /** Look the user's tasks up first (list_tasks), for titles, ordinals, "all" and already-done checks. */
  lookup: boolean;
  decide(tasks: ShownTask[]): Decision;
}

interface Context {
  language: Language;
  turns: PastTurn[];
  /** Set when the user answered "yes" to the agent's question. */
  confirmed: boolean;
}

const WRITE_TOOLS = new Set(["add_task", "complete_task", "delete_task", "update_task"]);
const TITLE_MAX = 200;
/** The most tasks one message changes (one tool call a step: OFFLINE_MAX_STEPS in model.ts allows this many). */
export const BULK_LIMIT = 50;
const DESCRIPTION_MAX = 2000;

export function planNextStep(state: ChatState): PlanStep {
  const previous = state.turns.at(-1);
  const question = previous && openQuestion(previous);
  const { intent, language } = understand(state.message, question !== undefined);
  let context: Context = { language, turns: state.turns, confirmed: false };
  let chosen: Intent = intent;
  if (question && intent.kind === "yes") {
    chosen = question;
    context = { ...context, confirmed: true };
  } else if (question && intent.kind === "no") {
    return { reply: texts(language).cancelled };
  } else if (question && "target" in question && answersWhich(intent)) {
    // "Which one?" -> "6": the question's action on the task named now.
    chosen = { ...question, target: (intent as { target: Target }).target } as Intent;
  } else if (question && (intent.kind === "unknown" || intent.kind === "statement")) {
    // "What's the task?" -> "buy milk"; "What should task 2 say instead?" -> "call mom tonight".
    const answer = state.message.trim().replace(/[.!?؟۔]+$/, "");
    if (question.kind === "add" && question.titles.length === 0)
      chosen = { ...question, titles: [capitalize(answer)] };
    if (question.kind === "update" && !question.value) {
      chosen = { ...question, value: question.field === "title" ? capitalize(answer) : answer };
    }
  }
  return runPlan(PLANS[chosen.kind](chosen as never, context), state.outcomes, language);
}

function runPlan(plan: Plan, outcomes: ToolOutcome[], language: Language): PlanStep {
  if (plan.lookup && outcomes.length === 0) return { tool: "list_tasks", input: { status: "all" } };
  const lookup = plan.lookup ? outcomes[0]! : undefined;
  if (lookup && !lookup.ok) return { reply: texts(language).failed };
  const decision = plan.decide(lookup ? tasksOf(lookup.value) : []);
  if ("reply" in decision) return decision;
  if (decision.calls.length > BULK_LIMIT) return { reply: texts(language).tooMany(BULK_LIMIT) };
  const made = outcomes.slice(plan.lookup ? 1 : 0);
  const next = decision.calls[made.length];
  return next ?? { reply: decision.report(made) };
}

/** The agent's last question (a confirmation, "which one?", "what's the task?") when the previous turn asked one. */
function openQuestion(turn: PastTurn): Intent | undefined {
  if (turn.calls.some((call) => WRITE_TOOLS.has(call.tool) && call.ok)) return undefined;
  const { intent } = understand(turn.user);
  return intent.kind === "delete" ||
    intent.kind === "complete" ||
    intent.kind === "reopen" ||
    intent.kind === "update" ||
    (intent.kind === "add" && intent.titles.length === 0)
    ? intent
    : undefined;
}

function answersWhich(intent: Intent): boolean {
  return (
    intent.kind === "show" &&
    "target" in intent &&
    (intent.target.kind === "numbers" || intent.target.kind === "ordinals")
  );
}

const reply = (text: string): Plan => ({ lookup: false, decide: () => ({ reply: text }) });

const PLANS: { [K in Intent["kind"]]: (intent: Extract<Intent, { kind: K }>, context: Context) => Plan } = {
  add: (intent, { language }) => {
    const say = texts(language);
    if (intent.titles.length === 0) return reply(say.askTitle);
    if (intent.titles.some((title) => title.length > TITLE_MAX)) return reply(say.titleTooLong);
    if ((intent.description?.length ?? 0) > DESCRIPTION_MAX) return reply(say.descriptionTooLong);
    const calls = intent.titles.map((title) => ({
      tool: "add_task" as const,
      input:
        intent.description && intent.titles.length === 1
          ? { title, description: intent.description }
          : { title },
    }));
    return { lookup: false, decide: () => ({ calls, report: (outcomes) => report(outcomes, language) }) };
  },

  list: (intent, { language }) => ({
    lookup: false,
    decide: () => ({
      calls: [{ tool: "list_tasks", input: { status: intent.status } }],
      report: ([outcome]) => describeListing(outcome!, intent.status, language),
    }),
  }),

  show: (intent, { language, turns }) => ({
    lookup: true,
    decide: (tasks) => {
      const found = resolveTarget(intent.target, tasks, { listing: lastListing(turns) });
      if (!("tasks" in found)) return { reply: unresolved(found, language) };
      return { reply: taskLines(found.tasks, true) };
    },
  }),

  complete: (intent, context) => changeState(intent, context, true),
  reopen: (intent, context) => changeState(intent, context, false),

  delete: (intent, { language, turns, confirmed }) => ({
    lookup: intent.target.kind !== "numbers" || intent.target.numbers.length > 1,
    decide: (tasks) => {
      const say = texts(language);
      if (intent.target.kind === "numbers" && intent.target.numbers.length === 1) {
        return one("delete_task", { task_id: intent.target.numbers[0]! }, language);
      }
      const found = resolveTarget(intent.target, tasks, { listing: lastListing(turns) });
      if (!("tasks" in found)) return { reply: unresolved(found, language) };
      if (found.tasks.length > 1 && !confirmed) {
        return { reply: `${say.confirmDelete(found.tasks.length)}\n${taskLines(found.tasks, false)}` };
      }
      return {
        calls: found.tasks.map((task) => ({ tool: "delete_task" as const, input: { task_id: task.id } })),
        report: (outcomes) => report(outcomes, language),
      };
    },
  }),

  update: (intent, { language, turns }) => {
    const say = texts(language);
    const max = intent.field === "title" ? TITLE_MAX : DESCRIPTION_MAX;
    if (intent.value.length > max)
      return reply(intent.field === "title" ? say.titleTooLong : say.descriptionTooLong);
    // A number and a new value: straight to the tool (it says when there is no such task).
    if (intent.target.kind === "numbers" && intent.target.numbers.length === 1 && intent.value) {
      const input = { task_id: intent.target.numbers[0]!, [intent.field]: intent.value };
      return { lookup: false, decide: () => one("update_task", input, language) };
    }
    return {
      lookup: true,
      decide: (tasks) => {
        const found = resolveTarget(intent.target, tasks, { listing: lastListing(turns) });
        if (!("tasks" in found)) return { reply: unresolved(found, language) };
        if (found.tasks.length > 1)
          return { reply: unresolved({ ambiguous: "", options: found.tasks }, language) };
        const task = found.tasks[0]!;
        if (!intent.value) return { reply: say.askNewTitle(task) };
        return one("update_task", { task_id: task.id, [intent.field]: intent.value }, language);
      },
    };
  },

  // No command word: a statement about a task ("I paid the electricity bill", "I haven't booked the dentist").
  statement: (intent, context) => ({
    lookup: true,
    decide: (tasks) => {
      const say = texts(context.language);
      const target = { kind: "words" as const, phrase: intent.words, parts: [intent.words] };
      const found = resolveTarget(target, tasks, { prefer: intent.negated });
      const strong = "tasks" in found && statementMatches(intent.words, found.tasks[0]!.title);
      if (!strong) return { reply: `${say.unknown}\n${say.help}` };
      return changeState(
        { kind: intent.negated ? "reopen" : "complete", target },
        context,
        !intent.negated,
      ).decide(tasks);
    },
  }),

  undo: (_intent, { language, turns }) => {
    const say = texts(language);
    const last = [...turns]
      .reverse()
      .find((turn) => turn.calls.some((call) => WRITE_TOOLS.has(call.tool) && call.ok));
    if (!last) return reply(say.nothingToUndo);
    const calls = last.calls
      .filter((call) => WRITE_TOOLS.has(call.tool) && call.ok)
      .reverse()
      .map(inverse)
      .filter((call): call is Call => call !== undefined);
    return {
      lookup: false,
      decide: () => ({ calls, report: (outcomes) => `${say.undone}\n${report(outcomes, language)}` }),
    };
  },

  yes: (_intent, { language }) => reply(texts(language).thanks),
  no: (_intent, { language }) => reply(texts(language).cancelled),
  thanks: (_intent, { language }) => reply(texts(language).thanks),
  greet: (_intent, { language }) => reply(texts(language).greet),
  help: (_intent, { language }) => reply(texts(language).help),
  unknown: (_intent, { language }) => reply(`${texts(language).unknown}\n${texts(language).help}`),
};

/** Complete (`completed` true) or reopen tasks; tasks already in that state are said so, not changed. */
function changeState(
  intent: { kind: "complete" | "reopen"; target: Target },
  { language, turns }: Context,
  completed: boolean,
): Plan {
  const call = (id: number): Call =>
    completed
      ? { tool: "complete_task", input: { task_id: id } }
      : { tool: "update_task", input: { task_id: id, completed: false } };
  // By number: straight to the tool (it says when there is no such task).
  if (intent.target.kind === "numbers") {
    const calls = intent.target.numbers.map(call);
    return { lookup: false, decide: () => ({ calls, report: (outcomes) => report(outcomes, language) }) };
  }
  return {
    lookup: true,
    decide: (tasks) => {
      const say = texts(language);
      const target =
        intent.target.kind === "all"
          ? { ...intent.target, status: (completed ? "pending" : "completed") as Status }
          : intent.target;
      const found = resolveTarget(target, tasks, { prefer: !completed, listing: lastListing(turns) });
      if (!("tasks" in found)) return { reply: unresolved(found, language) };
      const toChange = found.tasks.filter((task) => task.completed !== completed);
      const unchanged = found.tasks
        .filter((task) => task.completed === completed)
        .map((task) => (completed ? say.alreadyDone(task) : say.alreadyOpen(task)));
      if (toChange.length === 0) return { reply: unchanged.join("\n") };
      return {
        calls: toChange.map((task) => call(task.id)),
        report: (outcomes) => [report(outcomes, language), ...unchanged].join("\n"),
      };
    },
  };
}

function one(tool: TaskToolName, input: Record<string, unknown>, language: Language): Decision {
  return { calls: [{ tool, input }], report: (outcomes) => report(outcomes, language) };
}

/** A statement names a task only when most of its words are the task's. */
function statementMatches(words: string, title: string): boolean {
  const query = words.split(/\s+/).filter(Boolean);
  const titleWords = new Set(title.toLowerCase().split(/\s+/));
  const shared = query.filter((word) => titleWords.has(word.toLowerCase())).length;
  return shared >= 2 || (query.length === 1 && shared === 1) || (shared >= 1 && query.length <= 2);
}

/** The listing the user last saw (a turn that asked for a list), lowest number first. */
function lastListing(turns: PastTurn[]): ShownTask[] | undefined {
  for (const turn of [...turns].reverse()) {
    if (understand(turn.user).intent.kind !== "list") continue;
    const listed = turn.calls.find((call) => call.tool === "list_tasks" && call.ok);
    if (listed) return ascending(tasksOf(listed.value));
  }
  return undefined;
}

/** The call that takes a change back; a deleted task is restored under its own number. */
function inverse(call: ToolOutcome): Call | undefined {
  const result = call.value as {
    task_id: number;
    before?: { title: string; description: string | null; completed: boolean };
  };
  const before = result.before;
  switch (call.tool) {
    case "add_task":
      return { tool: "delete_task", input: { task_id: result.task_id } };
    case "delete_task":
      if (!before) return undefined;
      return {
        tool: "add_task",
        input: {
          title: before.title,
          ...(before.description ? { description: before.description } : {}),
          task_id: result.task_id,
          completed: before.completed,
        },
      };
    case "complete_task":
    case "update_task": {
      if (!before) return undefined;
      const input: Record<string, unknown> = { task_id: result.task_id };
      if (call.tool === "complete_task" || "completed" in call.input) input.completed = before.completed;
      if ("title" in call.input) input.title = before.title;
      if ("description" in call.input) input.description = before.description ?? "";
      return { tool: "update_task", input };
    }
    default:
      return undefined;
  }
}

function tasksOf(value: unknown): ShownTask[] {
  const list = (value as { tasks?: unknown })?.tasks;
  return Array.isArray(list) ? (list as ShownTask[]) : [];
}

function unresolved(found: Exclude<Resolution, { tasks: ShownTask[] }>, language: Language): string {
  const say = texts(language);
  if ("none" in found) return say.askWhich;
  if ("missingId" in found) return say.notFound(found.missingId);
  if ("missing" in found) return say.noMatch(found.missing);
  return `${say.ambiguous(found.ambiguous)}\n${taskLines(ascending(found.options), true)}`;
}

function describeListing(outcome: ToolOutcome, status: Status, language: Language): string {
  const say = texts(language);
  if (!outcome.ok) return say.failed;
  const tasks = ascending(tasksOf(outcome.value));
  if (tasks.length === 0) return say.empty(status);
  return `${say.listed(tasks.length, status)}\n${taskLines(tasks, status === "all")}`;
}

/** One line a change: what happened to which task, in the user's words. Errors never show their text. */
function report(outcomes: ToolOutcome[], language: Language): string {
  const say = texts(language);
  const lines = outcomes.map((outcome) => {
    if (!outcome.ok) {
      const id = Number(outcome.input.task_id);
      return /not found/i.test(String(outcome.value)) && id ? say.notFound(id) : say.failed;
    }
    const result = outcome.value as { task_id: number; title: string; status: string };
    const task: ShownTask = { id: result.task_id, title: result.title, completed: false };
    if (outcome.tool === "add_task") return say.added(task);
    if (outcome.tool === "delete_task") return say.deleted(task);
    if (outcome.tool === "complete_task") return say.completed(task);
    if (outcome.input.completed === false && Object.keys(outcome.input).length === 2)
      return say.reopened(task);
    if (outcome.input.completed === true && Object.keys(outcome.input).length === 2)
      return say.completed(task);
    return say.updated(task);
  });
  return lines.join("\n") || say.done;
}
