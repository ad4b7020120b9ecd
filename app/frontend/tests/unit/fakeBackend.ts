// An in-memory stand-in for the backend's REST API (docs/api.md), installed as the global
// fetch for component tests. Tests can make the next matching call fail or hold it open.
import { vi } from "vitest";
import type { AgentInfo, ChatReply, Conversation, Message, Task, ToolCall } from "../../lib/types";

export const USER = { id: "user-1", email: "ada@example.test", name: "Ada" };

export type Failure = { status: number; code: string; message: string };
type Rule = { method: string; path: RegExp; fail?: Failure; gate?: Promise<void> };
export type Call = { method: string; path: string; body: unknown };
type ChatScript = (message: string, backend: FakeBackend) => { response: string; tool_calls?: ToolCall[] };

const json = (status: number, body: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
const error = (status: number, code: string, message: string) => json(status, { error: { code, message } });

export class FakeBackend {
  tasks: Task[] = [];
  conversations: (Conversation & { messages: Message[] })[] = [];
  calls: Call[] = [];
  agent: AgentInfo = { mode: "offline", model: "offline" };
  signedIn = true;
  chat: ChatScript = () => ({ response: "Hello!" });
  private rules: Rule[] = [];
  private nextId = 1;
  private clock = Date.parse("2026-01-01T10:00:00Z");

  readonly fetch = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) =>
    this.handle(input, init),
  );

  install(): this {
    vi.stubGlobal("fetch", this.fetch);
    return this;
  }

  addTask(title: string, completed = false, description: string | null = null): Task {
    const now = this.tick();
    const task: Task = {
      id: this.nextId++,
      user_id: USER.id,
      title,
      description,
      completed,
      created_at: now,
      updated_at: now,
    };
    this.tasks.unshift(task);
    return task;
  }

  addConversation(title: string, messages: Pick<Message, "role" | "content" | "tool_calls">[]) {
    const now = this.tick();
    const conversation = {
      id: this.nextId++,
      title,
      created_at: now,
      updated_at: now,
      messages: messages.map((message) => ({ ...message, id: this.nextId++, created_at: now })),
    };
    this.conversations.unshift(conversation);
    return conversation;
  }

  /** The next call matching method and path answers with this error. */
  failNext(method: string, path: RegExp, status = 500, code = "INTERNAL", message = "Server exploded") {
    this.rules.push({ method, path, fail: { status, code, message } });
  }

  /** The next call matching method and path waits until `release()`, then succeeds or fails. */
  holdNext(method: string, path: RegExp, fail?: Failure): { release: () => void } {
    let release!: () => void;
    this.rules.push({ method, path, fail, gate: new Promise<void>((resolve) => (release = resolve)) });
    return { release };
  }

  callsTo(method: string, path: RegExp): Call[] {
    return this.calls.filter((call) => call.method === method && path.test(call.path));
  }

  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private async handle(input: RequestInfo | URL, init: RequestInit): Promise<Response> {
    const url = new URL(String(input instanceof Request ? input.url : input), "http://frontend.test");
    const method = (init.method ?? "GET").toUpperCase();
    const body = typeof init.body === "string" ? (JSON.parse(init.body) as unknown) : undefined;
    this.calls.push({ method, path: url.pathname + url.search, body });

    const index = this.rules.findIndex((rule) => rule.method === method && rule.path.test(url.pathname));
    if (index >= 0) {
      const [rule] = this.rules.splice(index, 1);
      if (rule!.gate) await rule!.gate;
      if (rule!.fail) return error(rule!.fail.status, rule!.fail.code, rule!.fail.message);
    }
    return this.route(method, url, body as Record<string, unknown> | undefined);
  }

  private route(method: string, url: URL, body: Record<string, unknown> = {}): Response {
    const path = url.pathname;
    if (path.startsWith("/api/auth/")) return json(200, { token: "t", user: USER });
    if (!this.signedIn) return error(401, "UNAUTHORIZED", "Sign in first");
    if (path === "/api/me") return json(200, { user: USER, agent: this.agent });

    const prefix = `/api/${USER.id}`;
    if (!path.startsWith(prefix + "/")) return error(403, "FORBIDDEN", "Not your data");
    const rest = path.slice(prefix.length);
    let match: RegExpMatchArray | null;

    if (rest === "/tasks" && method === "GET") {
      const status = url.searchParams.get("status") ?? "all";
      return json(
        200,
        this.tasks.filter((task) => status === "all" || task.completed === (status === "completed")),
      );
    }
    if (rest === "/tasks" && method === "POST") {
      const task = this.addTask(String(body.title), false, (body.description as string | undefined) ?? null);
      return json(201, task);
    }
    if ((match = rest.match(/^\/tasks\/(\d+)(\/complete)?$/))) {
      const task = this.tasks.find((item) => item.id === Number(match![1]));
      if (!task) return error(404, "NOT_FOUND", "No such task");
      if (method === "DELETE") {
        this.tasks = this.tasks.filter((item) => item !== task);
        return new Response(null, { status: 204 });
      }
      if (match[2] && method === "PATCH")
        task.completed = (body.completed as boolean | undefined) ?? !task.completed;
      else if (method === "PUT") Object.assign(task, body);
      task.updated_at = this.tick();
      return json(200, task);
    }
    if (rest === "/chat" && method === "POST") return json(200, this.reply(body));
    if (rest === "/conversations" && method === "GET") {
      return json(
        200,
        this.conversations.map(({ messages: _messages, ...conversation }) => conversation),
      );
    }
    if ((match = rest.match(/^\/conversations\/(\d+)$/))) {
      const conversation = this.conversations.find((item) => item.id === Number(match![1]));
      if (!conversation) return error(404, "NOT_FOUND", "No such conversation");
      if (method === "DELETE") {
        this.conversations = this.conversations.filter((item) => item !== conversation);
        return new Response(null, { status: 204 });
      }
      return json(200, conversation);
    }
    return error(404, "NOT_FOUND", `No route ${method} ${path}`);
  }

  private reply(body: Record<string, unknown>): ChatReply {
    const message = String(body.message);
    const { response, tool_calls = [] } = this.chat(message, this);
    let conversation = this.conversations.find((item) => item.id === body.conversation_id);
    if (!conversation) conversation = this.addConversation(message.slice(0, 40), []);
    const now = this.tick();
    conversation.messages.push(
      { id: this.nextId++, role: "user", content: message, tool_calls: null, created_at: now },
      { id: this.nextId++, role: "assistant", content: response, tool_calls, created_at: now },
    );
    return { conversation_id: conversation.id, response, tool_calls };
  }
}
