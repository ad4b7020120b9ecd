import { APICallError, generateText, stepCountIs, type LanguageModel, type ModelMessage } from "ai";
import type { FastifyBaseLogger as Logger } from "fastify";
import type { TaskService } from "../tasks/service.js";
import { connectTaskTools, type ToolCallRecord } from "./task-tools.js";

export interface AgentTurn {
  response: string;
  toolCalls: ToolCallRecord[];
  /** Set when the model failed; the response then explains it to the user. */
  error?: string;
}

export interface AgentRequest {
  model: LanguageModel;
  /** Earlier messages of the conversation, oldest first. */
  history: Array<{ role: "user" | "assistant"; content: string }>;
  message: string;
  tasks: TaskService;
  logger: Logger;
  timeoutMs: number;
}

// Enough steps to look a task up by title and then act on it, with room for a model to correct itself.
const MAX_STEPS = 6;

export const SYSTEM_PROMPT = `You are the Todo Chatbot assistant. You manage the signed-in user's tasks with the tools
add_task, list_tasks, complete_task, delete_task and update_task. Rules:
- Always use a tool to change or read tasks; never claim a change you did not make.
- When the user names a task by its words instead of its number, call list_tasks first and use the matching id.
- If several tasks match, ask which one. If none match, say so.
- Answer briefly and plainly, confirming what changed (task number and title).`;

/**
 * One chat turn through the shared agent loop: the same loop for the real LLM and the offline agent.
 * Never throws for model failures: the user gets a clear reply and the error is logged.
 */
export async function runAgent(request: AgentRequest): Promise<AgentTurn> {
  const connection = await connectTaskTools(request.tasks, request.logger);
  try {
    const messages: ModelMessage[] = [
      ...request.history.map((entry) => ({ role: entry.role, content: entry.content }) as ModelMessage),
      { role: "user", content: request.message },
    ];
    const result = await generateText({
      model: request.model,
      system: SYSTEM_PROMPT,
      messages,
      tools: connection.tools,
      stopWhen: stepCountIs(MAX_STEPS),
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
    ? `Done: ${calls.map((call) => call.name).join(", ")}.`
    : "Sorry, I couldn't come up with an answer. Please rephrase your request.";
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
