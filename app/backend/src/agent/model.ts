import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import type { Config } from "../config.js";
import { OFFLINE_MODEL_ID, OfflineModel } from "./offline-model.js";

export interface ChatModel {
  mode: "llm" | "offline";
  modelId: string;
  model: LanguageModel;
}

/** A real model through an OpenAI-compatible API when a key is set; the built-in offline agent otherwise. */
export function createChatModel(config: Config): ChatModel {
  if (!config.LLM_API_KEY) {
    return { mode: "offline", modelId: OFFLINE_MODEL_ID, model: new OfflineModel() };
  }
  const provider = createOpenAICompatible({
    name: "llm",
    baseURL: config.LLM_BASE_URL,
    apiKey: config.LLM_API_KEY,
  });
  return { mode: "llm", modelId: config.LLM_MODEL, model: provider.chatModel(config.LLM_MODEL) };
}
