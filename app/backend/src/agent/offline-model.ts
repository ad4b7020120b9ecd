import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
} from "@ai-sdk/provider";
import { readState, type Proposal } from "./conversation-state.js";
import { planNextStep, type ChatState, type PastTurn } from "./offline/planner.js";

export const OFFLINE_MODEL_ID = "offline-agent";

/**
 * Where the offline agent leaves the change it asked about instead of making ("Delete this task? … 3: Walk the
 * dog"): the loop passes one per turn (providerOptions.offline.asked) and keeps the proposal for the user's yes.
 */
export interface AskedHolder {
  proposal?: Proposal;
}

/**
 * The built-in offline agent, as a language model: it reads the conversation like an LLM would and answers
 * with tool calls or text, so it runs through exactly the same agent loop and MCP tools as a real model.
 */
export class OfflineModel implements LanguageModelV4 {
  readonly specificationVersion = "v4";
  readonly provider = "todo-chatbot";
  readonly modelId = OFFLINE_MODEL_ID;
  readonly supportedUrls = {};
  private callCounter = 0;

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const memory = readState(options.providerOptions?.offline?.state);
    const step = planNextStep({ ...readTurn(options.prompt), memory });
    const asked = options.providerOptions?.offline?.asked as AskedHolder | undefined;
    if (asked && "proposal" in step && step.proposal) asked.proposal = step.proposal;
    const content: LanguageModelV4Content[] =
      "calls" in step
        ? step.calls.map((call) => ({
            type: "tool-call" as const,
            toolCallId: `offline-${++this.callCounter}`,
            toolName: call.tool,
            input: JSON.stringify(call.input),
          }))
        : [{ type: "text", text: step.reply }];
    const finish = "calls" in step ? "tool-calls" : "stop";
    return {
      content,
      finishReason: { unified: finish, raw: finish },
      usage: {
        inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: 0, text: 0, reasoning: 0 },
      },
      warnings: [],
    };
  }

  async doStream(options: LanguageModelV4CallOptions) {
    const result = await this.doGenerate(options);
    const parts: LanguageModelV4StreamPart[] = [{ type: "stream-start", warnings: [] }];
    for (const part of result.content) {
      if (part.type === "text") {
        parts.push(
          { type: "text-start", id: "0" },
          { type: "text-delta", id: "0", delta: part.text },
          { type: "text-end", id: "0" },
        );
      } else if (part.type === "tool-call") {
        parts.push(part);
      }
    }
    parts.push({ type: "finish", finishReason: result.finishReason, usage: result.usage });
    return {
      stream: new ReadableStream<LanguageModelV4StreamPart>({
        start(controller) {
          for (const part of parts) controller.enqueue(part);
          controller.close();
        },
      }),
    };
  }
}

/**
 * The conversation as the model sees it: earlier turns (each user message with the tool calls that followed
 * it), the latest user message, and the tool results of this turn so far.
 */
function readTurn(prompt: LanguageModelV4Prompt): ChatState {
  const turns: PastTurn[] = [];
  let current: PastTurn | undefined;
  const inputs = new Map<string, Record<string, unknown>>();
  for (const entry of prompt) {
    if (entry.role === "user") {
      current = {
        user: entry.content
          .map((part) => (part.type === "text" ? part.text : ""))
          .join(" ")
          .trim(),
        calls: [],
      };
      turns.push(current);
    } else if (entry.role === "assistant") {
      for (const part of entry.content) {
        if (part.type === "tool-call") inputs.set(part.toolCallId, toInput(part.input));
      }
    } else if (entry.role === "tool" && current) {
      for (const part of entry.content) {
        if (part.type !== "tool-result") continue;
        const output = part.output;
        const ok = output.type === "json" || output.type === "text";
        const value = "value" in output ? output.value : output.type;
        current.calls.push({ tool: part.toolName, input: inputs.get(part.toolCallId) ?? {}, ok, value });
      }
    }
  }
  const latest = turns.pop();
  return { message: latest?.user ?? "", turns, outcomes: latest?.calls ?? [] };
}

function toInput(input: unknown): Record<string, unknown> {
  if (typeof input === "string") {
    try {
      return JSON.parse(input) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return (input ?? {}) as Record<string, unknown>;
}
