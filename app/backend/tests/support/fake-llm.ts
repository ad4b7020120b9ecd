import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake server answers to one request to /chat/completions. */
export type FakeReply =
  | { toolCall: { name: string; arguments: Record<string, unknown> } }
  /** Several tool calls in one answer (parallel calls). */
  | { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> }
  | { text: string; delayMs?: number }
  /** Answers once `after` settles: a test holds a request in flight for exactly as long as it needs. */
  | { text: string; after: Promise<unknown> }
  | { status: number; body: string }
  | { hang: true };

export interface RecordedRequest {
  authorization: string | undefined;
  body: {
    model: string;
    messages: Array<{ role: string; content: unknown; tool_calls?: unknown[] }>;
    tools?: Array<{ function: { name: string } }>;
  };
}

/**
 * A minimal OpenAI-compatible chat completions server on 127.0.0.1: it answers from a script and records
 * every request, so tests can check what the real provider code sent and how it handles each answer.
 */
export class FakeLlm {
  readonly requests: RecordedRequest[] = [];
  private script: FakeReply[] = [];
  private server: Server | undefined;
  private callCounter = 0;
  private onRequest: (() => void) | undefined;

  async start(): Promise<string> {
    this.server = createServer(async (request, response) => {
      const body = JSON.parse(await readBody(request)) as RecordedRequest["body"];
      this.requests.push({ authorization: request.headers.authorization, body });
      this.onRequest?.();
      const reply = this.script.shift() ?? { text: "(script exhausted)" };
      if ("hang" in reply) return; // never answers: the client's timeout must fire
      if ("delayMs" in reply) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      if ("after" in reply) await reply.after.catch(() => undefined);
      if ("status" in reply) {
        response.writeHead(reply.status, { "content-type": "application/json" }).end(reply.body);
        return;
      }
      const message =
        "text" in reply
          ? { role: "assistant", content: reply.text }
          : {
              role: "assistant",
              content: null,
              tool_calls: ("toolCalls" in reply ? reply.toolCalls : [reply.toolCall]).map((call) => ({
                id: `call_${++this.callCounter}`,
                type: "function",
                function: { name: call.name, arguments: JSON.stringify(call.arguments) },
              })),
            };
      response.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          id: `chatcmpl-${this.callCounter}`,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message, finish_reason: "text" in reply ? "stop" : "tool_calls" }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** Resolves once the model has been asked (at once if it was, since the last willReply). */
  asked(): Promise<void> {
    if (this.requests.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.onRequest = () => {
        this.onRequest = undefined;
        resolve();
      };
    });
  }

  /** Sets the answers for the next requests, in order, and forgets earlier requests. */
  willReply(...replies: FakeReply[]): void {
    this.script = replies;
    this.requests.length = 0;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
