// The browser's only way to the backend: same-origin calls to /api/*, which the Next route
// handler forwards. Every failure becomes an ApiError with the backend's code and message.
import type { ChatReply, Conversation, ConversationWithMessages, Me, Task, TaskFilter } from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request field the server refused, when it names one (Better Auth's input errors do). */
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The proxy answered 502 or the request never left the browser. */
  get unreachable(): boolean {
    return this.code === "BACKEND_UNREACHABLE" || this.code === "NETWORK_ERROR";
  }
}

type ErrorBody = {
  error?: { code?: string; message?: string };
  code?: string;
  message?: string;
  field?: string;
};

async function toApiError(response: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    // Not JSON (e.g. an HTML error page): fall back to the status line.
  }
  // REST errors are {error: {code, message}}; Better Auth's are {code, message}.
  const code = body?.error?.code ?? body?.code ?? `HTTP_${response.status}`;
  const message =
    body?.error?.message ?? body?.message ?? `Request failed (${response.status} ${response.statusText})`;
  return new ApiError(
    response.status,
    code,
    message,
    typeof body?.field === "string" ? body.field : undefined,
  );
}

export async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers, credentials: "same-origin", cache: "no-store" });
  } catch {
    throw new ApiError(0, "NETWORK_ERROR", "The app could not reach the server. Check your connection.");
  }
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body) });
const userPath = (userId: string) => `/api/${encodeURIComponent(userId)}`;

export const api = {
  me: () => request<Me>("/api/me"),

  listTasks: (userId: string, status: TaskFilter = "all") =>
    request<Task[]>(`${userPath(userId)}/tasks?status=${status}`),
  createTask: (userId: string, input: { title: string; description?: string }) =>
    request<Task>(`${userPath(userId)}/tasks`, json("POST", input)),
  updateTask: (userId: string, id: number, input: { title?: string; description?: string }) =>
    request<Task>(`${userPath(userId)}/tasks/${id}`, json("PUT", input)),
  setCompleted: (userId: string, id: number, completed: boolean) =>
    request<Task>(`${userPath(userId)}/tasks/${id}/complete`, json("PATCH", { completed })),
  // keepalive: an undo-able delete is sent when the page is hidden or closed, and must outlive the page.
  deleteTask: (userId: string, id: number) =>
    request<void>(`${userPath(userId)}/tasks/${id}`, { method: "DELETE", keepalive: true }),

  chat: (userId: string, message: string, conversationId?: number) =>
    request<ChatReply>(
      `${userPath(userId)}/chat`,
      json("POST", conversationId ? { conversation_id: conversationId, message } : { message }),
    ),
  listConversations: (userId: string) => request<Conversation[]>(`${userPath(userId)}/conversations`),
  getConversation: (userId: string, id: number) =>
    request<ConversationWithMessages>(`${userPath(userId)}/conversations/${id}`),
  deleteConversation: (userId: string, id: number) =>
    request<void>(`${userPath(userId)}/conversations/${id}`, { method: "DELETE" }),
};

export const auth = {
  signIn: (input: { email: string; password: string }) =>
    request<unknown>("/api/auth/sign-in/email", json("POST", input)),
  signUp: (input: { name: string; email: string; password: string }) =>
    request<unknown>("/api/auth/sign-up/email", json("POST", input)),
  signOut: () => request<unknown>("/api/auth/sign-out", json("POST", {})),
};
