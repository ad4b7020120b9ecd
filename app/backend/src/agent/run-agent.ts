import { APICallError, generateText, stepCountIs, type LanguageModel, type ModelMessage } from "ai";
import type { FastifyBaseLogger as Logger } from "fastify";
import type { TaskService } from "../tasks/service.js";
import { failedCall, type ToolCallRecord } from "../chat/tool-calls.js";
import { aboutTheQuestion, exactAnswer } from "./answers.js";
import {
  inverseCalls,
  nextState,
  type ConversationState,
  type PlannedCall,
  type Proposal,
  type TaskRef,
} from "./conversation-state.js";
import { readMessage } from "./offline/understand.js";
import { describeProposal, report, texts } from "./offline/replies.js";
import type { Language } from "./offline/text.js";
import { OFFLINE_MODEL_ID, type AskedHolder } from "./offline-model.js";
import { connectTaskTools, type ConnectedTaskTools } from "./task-tools.js";
import { TurnGuard } from "./turn-guard.js";

export interface AgentTurn {
  response: string;
  toolCalls: ToolCallRecord[];
  /** The conversation's state after this turn, stored with the reply. */
  state: ConversationState;
  /** Set when the model failed; the response then explains it to the user. */
  error?: string;
}

export interface HistoryEntry {
  role: "user" | "assistant";
  content: string;
  toolCalls?: ToolCallRecord[] | null;
}

export interface AgentRequest {
  model: LanguageModel;
  /** Model steps the turn may take (ChatModel.maxSteps). */
  maxSteps: number;
  /** Earlier messages of the conversation, oldest first, with the tool calls of each reply. */
  history: HistoryEntry[];
  /** The state stored with the last reply. */
  state: ConversationState;
  message: string;
  tasks: TaskService;
  logger: Logger;
  timeoutMs: number;
}

export const SYSTEM_PROMPT = `You are the Todo Chatbot assistant. You manage the signed-in user's tasks with the tools
add_task, list_tasks, complete_task, delete_task and update_task. Rules:
- Always use a tool to change or read tasks; never claim a change you did not make.
- Task numbers are the user's own (1, 2, 3... in creation order), the task_id of every tool.
- When the user names a task by its words, by "the second one" of a list you showed, or by several names at
  once, call list_tasks first if needed and use the matching numbers. If several tasks match, ask which one.
- To change several tasks at once, make the calls: the app itself asks the user to confirm, naming the tasks,
  before anything changes. Questions never change tasks.
- "undo" (alone, or "undo that", "take that back") takes back your last change in this conversation: the tool
  results in the history say what each task was before (\`before\`). Delete a task you added; set back title,
  description and completed with update_task; re-create a deleted task with add_task and its old task_id.
- update_task with completed=false reopens a task ("mark it as not done").
- Answer briefly, in the user's language, confirming what changed (task number and title). Never mention tool
  names, error codes or technical details; say problems in plain words (e.g. "Task titles can be at most 200
  characters — shorter?").`;

/**
 * One chat turn through the shared agent loop: the same loop for the real LLM and the offline agent, and the
 * same safety rules for both (turn-guard.ts). Before any model runs, the loop answers a question it asked
 * itself: an exact yes makes the proposed changes, an exact no drops them, anything else asks again; and a "no"
 * right after a change asks whether to undo it. Never throws for model failures: the user gets a clear reply
 * and the error is logged.
 */
export async function runAgent(request: AgentRequest): Promise<AgentTurn> {
  const { state, message } = request;
  const understood = readSafely(message, request.logger);
  const language = understood.language;
  const say = texts(language);
  const answer = exactAnswer(message);
  const lastChange = state.lastChange?.writes ?? [];

  // A question is answered by an exact yes or no; a message that only hesitates or half-answers ("wait", "yes?"),
  // or that asks for nothing ("had enough"), keeps it open; anything else is a new message, read as such (the
  // question is dropped, nothing it proposed is made).
  const newMessage = answer === undefined && !aboutTheQuestion(message) && understood.understood !== false;
  const pending = newMessage ? null : state.pending;
  if (pending) {
    if (answer === "no") return { response: say.cancelled, toolCalls: [], state: nextState(state, []) };
    if (answer !== "yes") {
      const question = describeProposal(pending, language);
      return {
        response: `${say.stillAsking}\n${question}`,
        toolCalls: [],
        state: nextState(state, [], pending),
      };
    }
    const guard = new TurnGuard({ mayWrite: "yes", lastChange, confirmed: pending.calls });
    const connection = await connectTaskTools(request.tasks, request.logger, guard);
    try {
      const outcomes = [];
      for (const call of pending.calls) {
        const outcome = await connection.call(call.tool, call.input);
        outcomes.push({ ...call, ...outcome });
      }
      const response = report(outcomes, language);
      return { response, toolCalls: connection.calls, state: nextState(state, connection.calls) };
    } finally {
      await connection.close();
    }
  }
  if (answer === "no" && state.lastChange && state.lastChange.turn === state.turn) {
    // "no" right after a change: nothing is taken back unasked, and no reply pretends nothing changed.
    const undo: Proposal = {
      kind: "undo",
      calls: inverseCalls(lastChange),
      tasks: lastChange.map((write) => ({ id: write.taskId, title: write.title })),
    };
    return {
      response: describeProposal(undo, language),
      toolCalls: [],
      state: nextState(state, [], undo),
    };
  }

  const guard = new TurnGuard({ mayWrite: understood.writes, lastChange });
  const connection = await connectTaskTools(request.tasks, request.logger, guard);
  const asked: AskedHolder = {};
  try {
    const messages: ModelMessage[] = [
      ...toModelMessages(request.history),
      { role: "user", content: request.message },
    ];
    const result = await generateText({
      model: request.model,
      system: SYSTEM_PROMPT,
      messages,
      tools: connection.tools,
      stopWhen: stepCountIs(request.maxSteps),
      maxRetries: 1,
      // One call at a time, in the model's order: tasks added together get their numbers in that order.
      toolCallConcurrency: 1,
      abortSignal: AbortSignal.timeout(request.timeoutMs),
      providerOptions: { offline: { state: state as never, asked: asked as never } },
    });
    if (guard.proposal) return await askFirst(guard.proposal, connection, request, language);
    if (asked.proposal && !connection.calls.some(isWrite)) {
      // The offline agent was not sure of the change (a title matched only in part): it asked, and the
      // change waits for the user's yes.
      return {
        response: describeProposal(asked.proposal, language),
        toolCalls: connection.calls,
        state: nextState(state, connection.calls, asked.proposal),
      };
    }
    const text = result.text.trim();
    return {
      response: text || fallbackReply(connection.calls),
      toolCalls: connection.calls,
      state: nextState(state, connection.calls),
    };
  } catch (error) {
    if (guard.proposal) return await askFirst(guard.proposal, connection, request, language);
    const reply = isOffline(request.model)
      ? { kind: "offline_failed", message: offlineFailure(connection.calls, language) }
      : describeModelFailure(error);
    request.logger.error({ err: error, kind: reply.kind }, "chat agent failed");
    return {
      response: reply.message,
      toolCalls: connection.calls,
      state: nextState(state, connection.calls),
      error: reply.kind,
    };
  } finally {
    await connection.close();
  }
}

/**
 * The message as the safety rules read it. A message the reader fails on (a bug, never the user's fault) is
 * read as no order: the turn answers, it never writes, and the request does not fail.
 */
function readSafely(message: string, logger: Logger): ReturnType<typeof readMessage> {
  try {
    return readMessage(message);
  } catch (error) {
    logger.error({ err: error }, "chat message could not be read");
    return { language: "en", writes: "no" };
  }
}

const isWrite = (call: ToolCallRecord) => call.name !== "list_tasks" && !failedCall(call);

function isOffline(model: LanguageModel): boolean {
  return typeof model === "object" && model.modelId === OFFLINE_MODEL_ID;
}

/**
 * The offline agent failed during the turn: a short apology, true to what happened: the changes already made
 * (an earlier step's calls) are reported, otherwise the user is told nothing changed.
 */
function offlineFailure(calls: ToolCallRecord[], language: Language): string {
  const made = calls
    .filter((call) => call.name !== "list_tasks" && !failedCall(call))
    .map((call) => ({ tool: call.name, input: call.arguments, ok: true, value: call.result }));
  return made.length > 0 ? `${report(made, language)}\n${texts(language).failed}` : texts(language).stuck;
}

/**
 * The turn wanted to change several tasks: changes it made before that showed are taken back, and the
 * reply asks, naming every task; the next turn's exact yes makes the changes.
 */
async function askFirst(
  proposal: { calls: PlannedCall[]; ids: Set<number> },
  connection: ConnectedTaskTools,
  request: AgentRequest,
  language: Language,
): Promise<AgentTurn> {
  const made = connection.calls.filter(
    (call) => !failedCall(call) && call.name !== "list_tasks" && call.name !== "add_task",
  );
  const taken = made.map((call) => ({
    tool: call.name as PlannedCall["tool"],
    input: call.arguments,
    taskId: (call.result as { task_id: number }).task_id,
    title: (call.result as { title: string }).title,
    before: (call.result as { before?: never }).before,
  }));
  for (const inverse of inverseCalls(taken)) await connection.call(inverse.tool, inverse.input);
  const calls = [...taken.map(({ tool, input }) => ({ tool, input })), ...proposal.calls];
  const ids = new Set([...taken.map((write) => write.taskId), ...proposal.ids]);
  const { tasks } = await request.tasks.list("all");
  const named: TaskRef[] = [...ids]
    .sort((a, b) => a - b)
    .map((id) => {
      const task = tasks.find((candidate) => candidate.id === id);
      return { id, title: task?.title ?? "?" };
    });
  const pending: Proposal = { kind: "change", calls, tasks: named };
  const kept = connection.calls.filter((call) => call.name === "add_task" && !failedCall(call));
  return {
    response: describeProposal(pending, language),
    toolCalls: connection.calls,
    state: nextState(request.state, kept, pending),
  };
}

function fallbackReply(calls: ToolCallRecord[]): string {
  return calls.length > 0
    ? "Done."
    : "Sorry, I couldn't come up with an answer. Please rephrase your request.";
}

/**
 * The stored conversation as model messages: each reply's tool calls and their results go back too, so the
 * model knows what "the second one" or "undo" refers to (tool call ids are made up: only pairing matters).
 */
export function toModelMessages(history: HistoryEntry[]): ModelMessage[] {
  const messages: ModelMessage[] = [];
  history.forEach((entry, index) => {
    if (entry.role === "user") {
      messages.push({ role: "user", content: entry.content });
      return;
    }
    const calls = entry.toolCalls ?? [];
    if (calls.length > 0) {
      const id = (call: number) => `history-${index}-${call}`;
      messages.push({
        role: "assistant",
        content: calls.map((call, n) => ({
          type: "tool-call",
          toolCallId: id(n),
          toolName: call.name,
          input: call.arguments,
        })),
      });
      messages.push({
        role: "tool",
        content: calls.map((call, n) => ({
          type: "tool-result",
          toolCallId: id(n),
          toolName: call.name,
          output: failedCall(call)
            ? { type: "error-text", value: call.result.error }
            : { type: "json", value: (call.result ?? null) as never },
        })),
      });
    }
    messages.push({ role: "assistant", content: entry.content });
  });
  return messages;
}

/** Maps a model failure to a message a person can act on. */
export function describeModelFailure(error: unknown): { kind: string; message: string } {
  const name = (error as { name?: string })?.name ?? "";
  const cause = (error as { cause?: unknown })?.cause;
  if (
    name === "TimeoutError" ||
    name === "AbortError" ||
    (cause as { name?: string })?.name === "TimeoutError"
  ) {
    return {
      kind: "timeout",
      message: "The AI service took too long to answer. Please try again in a moment.",
    };
  }
  const apiError = findApiCallError(error);
  if (apiError?.statusCode === 401 || apiError?.statusCode === 403) {
    return {
      kind: "auth",
      message:
        "The AI service rejected our credentials, so I can't answer right now. An administrator needs to check LLM_API_KEY.",
    };
  }
  if (apiError?.statusCode === 429) {
    return {
      kind: "rate_limited",
      message: "The AI service is busy (rate limited). Please try again shortly.",
    };
  }
  if (apiError && (apiError.statusCode ?? 500) >= 500) {
    return {
      kind: "unavailable",
      message: "The AI service is unavailable right now. Please try again later.",
    };
  }
  return {
    kind: "invalid_response",
    message: "The AI service sent an answer I couldn't use. Please try again or rephrase your request.",
  };
}

function findApiCallError(error: unknown): APICallError | undefined {
  if (APICallError.isInstance(error)) return error;
  const nested = (error as { lastError?: unknown; errors?: unknown[] }) ?? {};
  if (APICallError.isInstance(nested.lastError)) return nested.lastError;
  return nested.errors?.find((entry): entry is APICallError => APICallError.isInstance(entry));
}
