/**
 * The offline agent's decisions: from the conversation so far (earlier turns with their tool calls, and the
 * tool results of this turn) to the next tool call or the reply. Pure and deterministic: the same
 * conversation always gives the same calls.
 *
 * Each intent has one plan in PLANS: whether it must look the user's tasks up first, and then which calls to
 * make (or what to answer at once). The agent loop runs the calls one by one through MCP and comes back here.
 */
import type { TaskToolName } from "../../mcp/task-server.js";
import {
  emptyState,
  inverseCalls,
  type ConversationState,
  type PlannedCall,
  type Proposal,
} from "../conversation-state.js";
import { describeProposal, report, report as reportOf, texts, taskLines, type ShownTask } from "./replies.js";
import { classify } from "./intent-model.js";
import { ascending, bestMatches, resolveTarget, type Resolution } from "./resolve.js";
import { capitalize, type Language } from "./text.js";
import {
  ALSO,
  CORRECTION,
  targetOf,
  understand,
  type Intent,
  type Status,
  type Target,
} from "./understand.js";

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
  /** What the conversation remembers (tasks shown, the last change), stored with the last reply. */
  memory?: ConversationState;
}

interface Call {
  tool: TaskToolName;
  input: Record<string, unknown>;
}

/** The next step: calls to make together (the loop's guard sees them whole), or the reply. */
export type PlanStep = { calls: Call[] } | { reply: string; proposal?: Proposal };

/**
 * What a plan decided: calls to make and how to report them, or a reply. `unsure`: the calls are a guess (a title
 * matched only in part); they are not made but asked about, naming these tasks, and kept for the user's yes.
 */
type Decision =
  | { calls: Call[]; report: (outcomes: ToolOutcome[]) => string; unsure?: ShownTask[] }
  | { reply: string; proposal?: Proposal };

interface Plan {
  /** Look the user's tasks up first (list_tasks), for titles, ordinals, "all" and already-done checks. */
  lookup: boolean;
  decide(tasks: ShownTask[]): Decision;
}

interface Context {
  language: Language;
  turns: PastTurn[];
  memory: ConversationState;
}

const WRITE_TOOLS = new Set(["add_task", "complete_task", "delete_task", "update_task"]);
const TITLE_MAX = 200;
/** The most tasks one message changes. */
export const BULK_LIMIT = 50;
const DESCRIPTION_MAX = 2000;

export function planNextStep(state: ChatState): PlanStep {
  // "Which one?" -> "yes" -> "2": a yes that named no task left the question open.
  const [last, before] = [state.turns.at(-1), state.turns.at(-2)];
  const yesOnly = last && before && last.calls.length === 0 && understand(last.user).intent.kind === "yes";
  const previous = yesOnly ? before : last;
  const question = previous && openQuestion(previous);
  const { intent, language } = understand(state.message, question !== undefined);
  const context: Context = { language, turns: state.turns, memory: state.memory ?? emptyState() };
  let chosen: Intent = intent;
  const follow = followUp(state.message, intent, context);
  if (follow) return runPlan(follow, state.outcomes, language);
  if (question && intent.kind === "no") {
    return { reply: texts(language).cancelled };
  } else if (question && "target" in question && intent.kind === "yes") {
    // "Which one?" -> "yes": a yes names no task; the question is asked again, never thanked for.
    return { reply: texts(language).askWhich };
  } else if (question && "target" in question && answersWhich(intent)) {
    // "Which one?" -> "6": the question's action on the task named now.
    chosen = { ...question, target: (intent as { target: Target }).target } as Intent;
  } else if (
    question &&
    "target" in question &&
    (intent.kind === "unknown" || intent.kind === "statement") &&
    !(question.kind === "update" && question.target.kind !== "none" && !question.value)
  ) {
    // "Which one?" -> "the plumber one": the question's action on the task named now.
    const target = targetOf(state.message);
    if (target.kind !== "none") chosen = { ...question, target } as Intent;
  } else if (question && (intent.kind === "unknown" || intent.kind === "statement")) {
    // "What's the task?" -> "buy milk"; "What should task 2 say instead?" -> "call mom tonight".
    const answer = state.message.trim().replace(/[.!?؟۔]+$/, "");
    if (question.kind === "add" && question.titles.length === 0)
      chosen = { ...question, titles: [capitalize(answer)] };
    if (question.kind === "update" && !question.value) {
      chosen = { ...question, value: question.field === "title" ? capitalize(answer) : answer };
    }
  } else if (
    question?.kind === "update" &&
    !question.value &&
    intent.kind === "add" &&
    intent.titles.length === 1
  ) {
    // "What should task 2 say instead?" -> "feed the goldfish" (it reads as a task): the new title, not a new task.
    const answer = state.message.trim().replace(/[.!?؟۔]+$/, "");
    chosen = { ...question, value: question.field === "title" ? intent.titles[0]! : answer };
  }
  // "bórrala, la 3 no", "delete it, not 3": a number the message itself excludes is never the one changed.
  if (WRITE_KINDS.has(chosen.kind) && "target" in chosen && chosen.target.kind === "numbers") {
    const excluded = negatedNumbers(state.message);
    if (chosen.target.numbers.some((id) => excluded.has(id))) return { reply: texts(language).askWhich };
  }
  const undoAsked =
    chosen.kind === "unknown" || chosen.kind === "statement" || chosen.kind === "no"
      ? askUndoAfterChange(state.message, chosen.kind, context)
      : undefined;
  if (undoAsked) return undoAsked;
  const plan = PLANS[chosen.kind](chosen as never, context);
  return runPlan(
    chosen === intent && (readAsAnotherChange(state.message, intent) || doubted(state.message, intent))
      ? unsure(plan)
      : plan,
    state.outcomes,
    language,
  );
}

/**
 * A message right after a change that the agent does not understand (or takes for a statement), but that reads as taking something back (the
 * calibrated classifier's top guess is a correction, an undo or a no, or it holds "oops", "galat", "me equivoqué"):
 * the change must not stand unasked behind a "didn't understand". It asks whether to undo it (a stored proposal).
 */
function askUndoAfterChange(message: string, kind: Intent["kind"], context: Context): PlanStep | undefined {
  const { lastChange, turn } = context.memory;
  if (!lastChange || lastChange.turn !== turn || lastChange.writes.length === 0) return undefined;
  const [top] = classify(message, true);
  // A statement ("argh nooo, not what i wanted") may be about a task ("I haven't paid it"): only a correction or an
  // undo reading counts; a message not understood at all also counts when it reads as a plain no.
  const readings = kind === "statement" ? ["correct", "undo"] : ["correct", "undo", "deny"];
  // A "no" of any wording right after a change ("uff, eso no era") is never answered "I left your tasks as they
  // are" while the change stands.
  const takesBack = kind === "no" || readings.includes(top?.intent ?? "") || CORRECTION.test(message);
  if (!takesBack) return undefined;
  const proposal: Proposal = {
    kind: "undo",
    calls: inverseCalls(lastChange.writes) as PlannedCall[],
    tasks: lastChange.writes.map((write) => ({ id: write.taskId, title: write.title })),
  };
  return { reply: describeProposal(proposal, context.language), proposal };
}

const CHANGE_LABELS: Partial<Record<Intent["kind"], string>> = {
  complete: "complete",
  delete: "delete",
  reopen: "reopen",
  update: "edit",
};
// How sure the classifier must be of another change for the rules' change to be asked about.
const OTHER_CHANGE_P = 0.6;

/**
 * The rules read one change ("delete 3") and the classifier, fairly sure, another ("complete"): two readings of
 * what to do to a task disagree, so the rules' change is asked about (a stored proposal), never guessed.
 */
function readAsAnotherChange(message: string, intent: Intent): boolean {
  const label = CHANGE_LABELS[intent.kind];
  if (!label || (intent.kind === "update" && intent.quoted)) return false;
  const [top] = classify(message);
  return (
    top !== undefined &&
    top.p >= OTHER_CHANGE_P &&
    top.intent !== label &&
    Object.values(CHANGE_LABELS).includes(top.intent)
  );
}

/**
 * How far ahead of the rules' change the classifier's calibrated top guess may be before the change is asked
 * about. Calibrated (a temperature fitted on cross-validation folds): 0.2 ahead on held-out messages means the
 * top guess is right clearly more often than the change the rules read.
 */
const DOUBT_MARGIN = 0.2;

/**
 * The rules read a change of a task, and the classifier's calibrated reading of the message puts another intent
 * clearly ahead of that change (not sure enough to overrule the rules, too sure to ignore): the change is asked
 * about (a stored proposal) instead of made.
 */
function doubted(message: string, intent: Intent): boolean {
  const label = CHANGE_LABELS[intent.kind];
  if (!label || (intent.kind === "update" && intent.quoted)) return false;
  // "remove everything about the dentist": a change of every task that matches is asked first by the loop's guard
  // whenever it is more than one, whatever the classifier reads.
  if ("target" in intent && intent.target.kind === "all") return false;
  const ranked = classify(message, true);
  const top = ranked[0]!;
  const own = ranked.find((entry) => entry.intent === label)?.p ?? 0;
  return top.intent !== label && top.p - own >= DOUBT_MARGIN;
}

/** The plan, with the tasks looked up, whose calls are asked about instead of made. */
function unsure(plan: Plan): Plan {
  return {
    lookup: true,
    decide: (tasks) => {
      const decision = plan.decide(tasks);
      if (!("calls" in decision)) return decision;
      const ids = new Set(decision.calls.map((call) => Number(call.input.task_id)));
      const named = tasks.filter((task) => ids.has(task.id));
      return named.length > 0 ? { ...decision, unsure: named } : decision;
    },
  };
}

const WRITE_KINDS = new Set<Intent["kind"]>(["delete", "complete", "reopen", "update"]);
const NOT_WORD = String.raw`(?:not|no|nahi|nahin|nahee|mat|نہیں|نہ)`;
// "not 3", "not task 3", "no la 3" / "la 3 no,", "3 nahi.": a number beside a negation.
const NEGATED_BEFORE = new RegExp(String.raw`(?:^|[^\p{L}])${NOT_WORD}\s+(?:\p{L}+\s+)?#?(\d+)`, "giu");
// The negation after the number ends its clause: "la 12 no está hecha" says something of task 12.
const NEGATED_AFTER = new RegExp(String.raw`(?:^|\D)(\d+)\s+${NOT_WORD}(?=\s*(?:[,.;:!?،۔]|$))`, "giu");
// "5 nahi 6" (Urdu order: the number before the negation is not meant, the one after it is; in English "13 not
// 14" means 13).
const NEGATED_THEN = new RegExp(String.raw`(?:^|\D)(\d+)\s+(?:nahi|nahin|nahee|نہیں)\s*,?\s+#?(\d+)`, "giu");

/** The task numbers a message says it does not mean. */
function negatedNumbers(message: string): Set<number> {
  const text = message
    .slice(0, 4000)
    .replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (digit) => String((digit.codePointAt(0)! - 0x0660) % 16));
  const found = new Set<number>();
  for (const pattern of [NEGATED_BEFORE, NEGATED_AFTER, NEGATED_THEN])
    for (const match of text.matchAll(pattern)) found.add(Number(match[1]));
  // In "5 nahi 6" the number after the negation is the one meant, not one negated.
  for (const match of text.matchAll(NEGATED_THEN)) found.delete(Number(match[2]));
  return found;
}

/** The tasks "it" or "that one" may mean: the ones last touched, else the ones last shown. */
function recentTasks(
  memory: ConversationState,
  turns: PastTurn[] = [],
  tasks: ShownTask[] = [],
): ShownTask[] {
  // "what's task 6?" -> "mark it done": the one task the last message asked about, when it changed nothing.
  const previous = turns.at(-1);
  if (previous && !previous.calls.some((call) => WRITE_TOOLS.has(call.tool) && call.ok)) {
    const { intent } = understand(previous.user);
    if ((intent.kind === "question" || intent.kind === "show") && intent.target.kind !== "all") {
      const asked = resolveTarget(intent.target, tasks, { listing: lastListing(turns.slice(0, -1), memory) });
      if ("tasks" in asked && asked.tasks.length === 1) return asked.tasks;
    }
  }
  const recent = memory.touched.length > 0 ? memory.touched : memory.shown;
  return recent.map((task) => ({ ...task, completed: task.completed ?? false }));
}

/** The action of the last change, to apply again ("and 12 too") or to the intended task (a correction). */
function lastAction(
  memory: ConversationState,
): "complete" | "reopen" | "delete" | "add" | "update" | undefined {
  const write = memory.lastChange?.writes[0];
  if (!write) return undefined;
  if (write.tool === "complete_task" || (write.tool === "update_task" && write.input.completed === true))
    return "complete";
  if (write.tool === "delete_task") return "delete";
  if (write.tool === "update_task" && write.input.completed === false) return "reopen";
  if (write.tool === "add_task" && write.input.task_id === undefined) return "add";
  if (write.tool === "update_task" && ("title" in write.input || "description" in write.input))
    return "update";
  return undefined;
}

// Words that only say "I was wrong": what is left names the intended task.
const CORRECTION_WORDS =
  /\b(no+|nope|not|nahi|nahin|na|oops|oopsie|whoops|oho|ugh|ups|sorry|sry|argh|arre|yaar|wait|actually|i meant|meant|mera matlab|matlab|tha|thi|bola|kehna|likhna|bolna|galti|ghalti|galat|ghalat|woh|wo|wala|wali|wale|perdon|perdón|uy|esa|ese|era|no era|quise decir|queria decir|quería decir|me referia|me refería|me equivoque|me equivoqué|that|that one|this|one|the other one|other|dusra|doosra|instead|wrong|hmm+)\b/gi;

// The same in Urdu script (a regular expression's \b does not see its word edges): "معاف کیجیے، میرا مطلب دہی تھا".
const URDU_CORRECTION_WORDS =
  /(?<=^|\s)(معاف کیجیے|معاف کیجئے|معاف|سوری|میرا مطلب|مطلب|تھا|تھی|نہیں|غلطی|غلط|ہو گئی|ہو گیا|کہنا|لکھنا|یہ|وہ|والا|والی)(?=\s|$)/gu;

/** A correction's words without the ones that only say "I was wrong". */
function withoutCorrection(text: string): string {
  return text.replace(CORRECTION_WORDS, " ").replace(URDU_CORRECTION_WORDS, " ");
}

/** The part of a correction that names what was meant: the last piece that says more than "no, sorry". */
function meantPart(message: string): string {
  const pieces = message
    .split(/[,;:.!—–،۔]|\s-\s/)
    .map((piece) => piece.trim())
    .filter(Boolean);
  for (const piece of pieces.reverse()) {
    if (withoutCorrection(piece).replace(/[^\p{L}\p{N}]+/gu, "")) return piece;
  }
  return "";
}

/**
 * A message that only makes sense after the last change: "and 12 too" (the same action on another task),
 * "no, I meant 3" / "oops I meant call dad" / "not rent, the gas bill" (take the change back, make it as meant).
 */
function followUp(message: string, intent: Intent, context: Context): Plan | undefined {
  const action = lastAction(context.memory);
  if (!action) return undefined;
  if (
    ALSO.test(message.trim()) &&
    action !== "add" &&
    action !== "update" &&
    !["add", "delete", "complete", "reopen", "update"].includes(intent.kind)
  ) {
    const target = targetOf(message);
    if (target.kind === "numbers" || target.kind === "ordinals")
      return PLANS[action]({ kind: action, target } as never, context);
  }
  // "oops undo", "galti se ho gaya, wapas karo": taking the change back is the undo's, with nothing redone.
  if (intent.kind === "undo") return undefined;
  const [top] = classify(message);
  const writes = context.memory.lastChange!.writes;
  const changed = new Set(writes.map((write) => write.taskId));
  // "5 nahi 6", "I said 11 not 9": the task just changed, named by number as not meant.
  const excluded = negatedNumbers(message);
  const ownChange =
    ["add", "delete", "complete", "reopen", "update"].includes(intent.kind) && intent.kind !== action;
  const notThatOne = !ownChange && [...changed].some((id) => excluded.has(id));
  if (!notThatOne && !CORRECTION.test(message) && !(top?.intent === "correct" && top.p >= 0.5))
    return undefined;
  // "sorry i meant to add butter too", "I meant 3 as well": something more, not something instead; the change made
  // stays (the message is read as a request of its own).
  if (!notThatOne && ALSO.test(message.trim())) return undefined;
  // "my bad, add call the plumber" after a completion: a new task asked for in its own words, not the completion
  // made as meant (its title would be matched against the list); the change made stays.
  if (intent.kind === "add" && action !== "add") return undefined;
  let meant = meantPart(message);
  if (notThatOne)
    meant = meant.replace(/#?\d+/g, (number) =>
      excluded.has(Number(number.replace("#", ""))) ? " " : number,
    );
  const say = texts(context.language);
  const undo = inverseCalls(writes) as Call[];
  const report = (outcomes: ToolOutcome[]) => `${say.undone}\n${reportOf(outcomes, context.language)}`;
  if (action === "add") {
    const title = capitalize(withoutCorrection(meant).replace(/\s+/g, " ").trim());
    if (!title) return reply(say.askTitle);
    return {
      lookup: false,
      decide: () => ({ calls: [...undo, { tool: "add_task", input: { title } }], report }),
    };
  }
  if (action === "update") return correctEdit(message, meant, writes, context);
  // "tax wala", "the rent one": the words that name the task, without the ones that only say "I was wrong".
  const named = targetOf(withoutCorrection(meant).trim());
  // The meant task is not clear: nothing is written. It asks whether to take the change back (a stored proposal,
  // made on an exact yes); the task meant can then be named in a request of its own.
  const askUndo = (): Decision => {
    const proposal: Proposal = {
      kind: "undo",
      calls: undo as PlannedCall[],
      tasks: writes.map((write) => ({ id: write.taskId, title: write.title })),
    };
    return { reply: describeProposal(proposal, context.language), proposal };
  };
  const wantsOther = named.kind === "none" || /\b(other|dusra|doosra|otra)\b|دوسرا/i.test(meant);
  return {
    lookup: true,
    decide: (tasks) => {
      let target: ShownTask[] = [];
      if (named.kind !== "none") {
        const found = resolveTarget(named, tasks, { listing: lastListing(context.turns, context.memory) });
        if ("tasks" in found) target = found.tasks.filter((task) => !changed.has(task.id));
        else if ("ambiguous" in found) return { reply: unresolved(found, context.language) };
      } else if (wantsOther) {
        // "the other one": the one other task the last request could have meant.
        const asked = understand(context.turns.at(-1)?.user ?? "").intent;
        if ("target" in asked && asked.target.kind === "words") {
          const candidates = bestMatches(asked.target.phrase, tasks, 0.34).filter(
            (task) => !changed.has(task.id),
          );
          if (candidates.length === 1) target = candidates;
          else if (candidates.length > 1)
            return {
              reply: unresolved({ ambiguous: asked.target.phrase, options: candidates }, context.language),
            };
        }
      }
      if (target.length !== 1) return askUndo();
      const task = target[0]!;
      const redo: Call =
        action === "delete"
          ? { tool: "delete_task", input: { task_id: task.id } }
          : action === "complete"
            ? { tool: "complete_task", input: { task_id: task.id } }
            : { tool: "update_task", input: { task_id: task.id, completed: false } };
      return { calls: [...undo, redo], report };
    },
  };
}

/**
 * A correction of an edit: "oops I meant task 13" (the same edit on task 13), "no, I meant 3: call dad at 7" (task
 * 3, with the value after the colon). The edit is taken back and made as meant, or nothing happens and it asks.
 */
function correctEdit(
  message: string,
  meant: string,
  writes: NonNullable<ConversationState["lastChange"]>["writes"],
  context: Context,
): Plan {
  const say = texts(context.language);
  const write = writes[0]!;
  const field = "title" in write.input ? "title" : "description";
  const colon = message.indexOf(":");
  const named = targetOf(colon >= 0 ? message.slice(0, colon) : meant);
  const given =
    colon >= 0
      ? message
          .slice(colon + 1)
          .trim()
          .replace(/[.!]+$/, "")
      : "";
  const value = given ? (field === "title" ? capitalize(given) : given) : write.input[field];
  const changed = new Set(writes.map((one) => one.taskId));
  const undo = inverseCalls(writes) as Call[];
  const report = (outcomes: ToolOutcome[]) => `${say.undone}\n${reportOf(outcomes, context.language)}`;
  if (named.kind === "none" || typeof value !== "string" || !value) return reply(say.askWhich);
  const target: Target = named.kind === "numbers" ? { kind: "numbers", numbers: [named.numbers[0]!] } : named;
  return {
    lookup: true,
    decide: (tasks) => {
      const found = resolveTarget(target, tasks, { listing: lastListing(context.turns, context.memory) });
      if ("ambiguous" in found) return { reply: unresolved(found, context.language) };
      const meantTasks = "tasks" in found ? found.tasks.filter((task) => !changed.has(task.id)) : [];
      if (meantTasks.length !== 1) return { reply: say.askWhich };
      const redo: Call = { tool: "update_task", input: { task_id: meantTasks[0]!.id, [field]: value } };
      return { calls: [...undo, redo], report };
    },
  };
}

function runPlan(plan: Plan, outcomes: ToolOutcome[], language: Language): PlanStep {
  if (plan.lookup && outcomes.length === 0)
    return { calls: [{ tool: "list_tasks", input: { status: "all" } }] };
  const lookup = plan.lookup ? outcomes[0]! : undefined;
  if (lookup && !lookup.ok) return { reply: texts(language).failed };
  const decision = plan.decide(lookup ? tasksOf(lookup.value) : []);
  if ("reply" in decision) return decision;
  if (decision.calls.length > BULK_LIMIT) return { reply: texts(language).tooMany(BULK_LIMIT) };
  const made = outcomes.slice(plan.lookup ? 1 : 0);
  if (made.length === 0 && decision.unsure && decision.calls.length > 0) {
    const tasks = ascending(decision.unsure).map(({ id, title }) => ({ id, title }));
    const proposal: Proposal = { kind: "guess", calls: decision.calls as PlannedCall[], tasks };
    return { reply: describeProposal(proposal, language), proposal };
  }
  if (made.length === 0 && decision.calls.length > 0) return { calls: decision.calls };
  return { reply: decision.report(made) };
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
    // Parts that were not clearly separate tasks ("..., bhoolna mat"): the tasks read are asked about, not added.
    const unsureAdd = intent.unsure ? { unsure: [] } : {};
    return {
      lookup: false,
      decide: () => ({ calls, report: (outcomes) => report(outcomes, language), ...unsureAdd }),
    };
  },

  list: (intent, { language }) => ({
    lookup: false,
    decide: () => ({
      calls: [{ tool: "list_tasks", input: { status: intent.status } }],
      report: ([outcome]) => describeListing(outcome!, intent.status, language),
    }),
  }),

  show: (intent, { language, turns, memory }) => ({
    lookup: true,
    decide: (tasks) => {
      const found = resolveTarget(intent.target, tasks, {
        listing: lastListing(turns, memory),
        recent: recentTasks(memory, turns, tasks),
      });
      if (!("tasks" in found)) return { reply: unresolved(found, language) };
      return { reply: taskLines(found.tasks, true) };
    },
  }),

  // A question about a task: answered from the tasks, never a change.
  question: (intent, { language, turns, memory }) => ({
    lookup: true,
    decide: (tasks) => {
      const say = texts(language);
      const found = resolveTarget(intent.target, tasks, {
        listing: lastListing(turns, memory),
        recent: recentTasks(memory, turns, tasks),
      });
      if ("tasks" in found && found.tasks.length === 1) {
        const task = found.tasks[0]!;
        return { reply: task.completed ? say.answerDone(task) : say.answerOpen(task) };
      }
      if ("ambiguous" in found) return { reply: unresolved(found, language) };
      const open = ascending(tasks.filter((task) => !task.completed));
      if (open.length === 0) return { reply: say.empty("pending") };
      return { reply: `${say.listed(open.length, "pending")}\n${taskLines(open, false)}` };
    },
  }),

  complete: (intent, context) => changeState(intent, context, true),
  reopen: (intent, context) => changeState(intent, context, false),

  delete: (intent, { language, turns, memory }) => ({
    lookup: intent.target.kind !== "numbers" || intent.target.numbers.length > 1,
    decide: (tasks) => {
      const say = texts(language);
      if (intent.target.kind === "numbers" && intent.target.numbers.length === 1) {
        return one("delete_task", { task_id: intent.target.numbers[0]! }, language);
      }
      const found = resolveTarget(intent.target, tasks, {
        listing: lastListing(turns, memory),
        recent: recentTasks(memory, turns, tasks),
        write: true,
      });
      if (!("tasks" in found)) return { reply: unresolved(found, language) };
      if (found.tasks.length > BULK_LIMIT) return { reply: say.tooMany(BULK_LIMIT) };
      return {
        calls: found.tasks.map((task) => ({ tool: "delete_task" as const, input: { task_id: task.id } })),
        report: (outcomes) => report(outcomes, language),
        ...(found.unsure ? { unsure: found.tasks } : {}),
      };
    },
  }),

  update: (intent, { language, turns, memory }) => {
    const say = texts(language);
    const max = intent.field === "title" ? TITLE_MAX : DESCRIPTION_MAX;
    if (intent.value.length > max)
      return reply(intent.field === "title" ? say.titleTooLong : say.descriptionTooLong);
    // A number and a new value: straight to the tool (it says when there is no such task).
    if (
      intent.target.kind === "numbers" &&
      intent.target.numbers.length === 1 &&
      intent.value &&
      !intent.unsure
    ) {
      const input = { task_id: intent.target.numbers[0]!, [intent.field]: intent.value };
      return { lookup: false, decide: () => one("update_task", input, language) };
    }
    return {
      lookup: true,
      decide: (tasks) => {
        const found = resolveTarget(intent.target, tasks, {
          listing: lastListing(turns, memory),
          recent: recentTasks(memory, turns, tasks),
          write: true,
        });
        if (!("tasks" in found)) return { reply: unresolved(found, language) };
        if (found.tasks.length > 1)
          return { reply: unresolved({ ambiguous: "", options: found.tasks }, language) };
        const task = found.tasks[0]!;
        if (!intent.value) return { reply: say.askNewTitle(task) };
        const edit = one("update_task", { task_id: task.id, [intent.field]: intent.value }, language);
        // A title matched only in part, or a value or task read from words the parse did not account for: asked.
        return found.unsure || intent.unsure ? { ...edit, unsure: found.tasks } : edit;
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

  undo: (_intent, { language, memory }) => {
    const say = texts(language);
    const calls = inverseCalls(memory.lastChange?.writes ?? []);
    if (calls.length === 0) return reply(say.nothingToUndo);
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
  { language, turns, memory }: Context,
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
      const found = resolveTarget(target, tasks, {
        prefer: !completed,
        listing: lastListing(turns, memory),
        recent: recentTasks(memory, turns, tasks),
        write: true,
      });
      if (!("tasks" in found)) return { reply: unresolved(found, language) };
      const toChange = found.tasks.filter((task) => task.completed !== completed);
      const unchanged = found.tasks
        .filter((task) => task.completed === completed)
        .map((task) => (completed ? say.alreadyDone(task) : say.alreadyOpen(task)));
      if (toChange.length === 0) return { reply: unchanged.join("\n") };
      return {
        calls: toChange.map((task) => call(task.id)),
        report: (outcomes) => [report(outcomes, language), ...unchanged].join("\n"),
        ...(found.unsure ? { unsure: toChange } : {}),
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

/** The listing the user last saw, lowest number first: from the stored state, else the turns in view. */
function lastListing(turns: PastTurn[], memory?: ConversationState): ShownTask[] | undefined {
  if (memory && memory.shown.length > 0)
    return memory.shown.map((task) => ({ ...task, completed: task.completed ?? false }));
  for (const turn of [...turns].reverse()) {
    if (understand(turn.user).intent.kind !== "list") continue;
    const listed = turn.calls.find((call) => call.tool === "list_tasks" && call.ok);
    if (listed) return ascending(tasksOf(listed.value));
  }
  return undefined;
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
