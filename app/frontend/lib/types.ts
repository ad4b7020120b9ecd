// The backend's shapes, as written in docs/api.md.

export type Task = {
  id: number;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  created_at: string;
  updated_at: string;
};

export type TaskFilter = "all" | "pending" | "completed";

export type ToolCall = { name: string; arguments: Record<string, unknown>; result: unknown };

export type Conversation = { id: number; title: string; created_at: string; updated_at: string };

export type Message = {
  id: number;
  role: "user" | "assistant";
  content: string;
  tool_calls: ToolCall[] | null;
  created_at: string;
};

export type User = { id: string; email: string; name: string };

export type AgentInfo = { mode: "offline" | "llm"; model: string | null };

export type Me = { user: User; agent: AgentInfo };

export type ChatReply = { conversation_id: number; response: string; tool_calls: ToolCall[] };
