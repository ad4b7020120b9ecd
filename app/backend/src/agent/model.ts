import type { LanguageModel } from "ai";
import type { Config } from "../config.js";
import { OFFLINE_MODEL_ID, OfflineModel } from "./offline-model.js";

export interface ChatModel {
  mode: "llm" | "offline";
  modelId: string;
  model: LanguageModel;
  /** Model steps a turn may take (each step: one answer of the model, with the tool calls it asks for). */
  maxSteps: number;
}

// A model: enough to look a task up and act on it, with room to correct itself.
const LLM_MAX_STEPS = 6;
// The offline agent's steps: a lookup, the changes (together, in one step), and the reply.
const OFFLINE_MAX_STEPS = 3;

/**
 * A real model through an OpenAI-compatible API when a key is set; the built-in offline agent otherwise.
 * The provider's code loads only when a key is set.
 */
export async function createChatModel(config: Config): Promise<ChatModel> {
  if (!config.LLM_API_KEY) {
    return {
      mode: "offline",
      modelId: OFFLINE_MODEL_ID,
      model: new OfflineModel(),
      maxSteps: OFFLINE_MAX_STEPS,
    };
  }
  const { createOpenAICompatible } = await import("@ai-sdk/openai-compatible");
  const provider = createOpenAICompatible({
    name: "llm",
    baseURL: config.LLM_BASE_URL,
    apiKey: config.LLM_API_KEY,
  });
  return {
    mode: "llm",
    modelId: config.LLM_MODEL,
    model: provider.chatModel(config.LLM_MODEL),
    maxSteps: LLM_MAX_STEPS,
  };
}
