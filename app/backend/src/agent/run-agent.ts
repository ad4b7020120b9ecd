import { APICallError, generateText, stepCountIs, type LanguageModel, type ModelMessage } from "ai";
import type { FastifyBaseLogger as Logger } from "fastify";
import type { TaskService } from "../tasks/service.js";
import { failedCall, type ToolCallRecord } from "../chat/tool-calls.js";
import { connectTaskTools } from "./task-tools.js";

export interface AgentTurn {
  response: string;
  toolCalls: ToolCallRecord[];
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
- Before deleting more than one task, list them and ask the user to confirm; act on "yes".
- "undo" (alone, or "undo that", "take that back") takes back your last change in this conversation: the tool
  results in the history say what each task was before (\`before\`). Delete a task you added; set back title,
  description and completed with update_task; re-create a deleted task with add_task and its old task_id.
- update_task with completed=false reopens a task ("mark it as not done").
- Answer briefly, in the user's language, confirming what changed (task number and title). Never mention tool
  names, error codes or technical details; say problems in plain words (e.g. "Task titles can be at most 200
  characters — shorter?").`;

/**
 * One chat turn through the shared agent loop: the same loop for the real LLM and the offline agent.
 * Never throws for model failures: the user gets a clear reply and the error is logged.
 */
export async function runAgent(request: AgentRequest): Promise<AgentTurn> {
  const connection = await connectTaskTools(request.tasks, request.logger);
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
      abortSignal: AbortSignal.timeout(request.timeoutMs),
    });
    const text = result.text.trim();
    return {
      response: text || fallbackReply(connection.calls),
      toolCalls: connection.calls,
    };
  } catch (error) {
    const reply = describeModelFailure(error);
    request.logger.error({ err: error, kind: reply.kind }, "chat agent failed");
    return { response: reply.message, toolCalls: connection.calls, error: reply.kind };
  } finally {
    await connection.close();
  }
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
