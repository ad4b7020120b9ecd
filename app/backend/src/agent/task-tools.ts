import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { FastifyBaseLogger as Logger } from "fastify";
import { dynamicTool, jsonSchema, type JSONSchema7, type ToolSet } from "ai";
import type { ToolCallRecord } from "../chat/tool-calls.js";
import { createTaskMcpServer, sharedJsonSchemaValidator } from "../mcp/task-server.js";
import type { TaskService } from "../tasks/service.js";
import type { TurnGuard } from "./turn-guard.js";

export interface ConnectedTaskTools {
  tools: ToolSet;
  /** Every call made through `tools` or `call`, in order (not the ones the guard refused: they never ran). */
  calls: ToolCallRecord[];
  /** Makes one call as the loop itself (a confirmed proposal, taking a change back); its result or error text. */
  call(name: string, args: Record<string, unknown>): Promise<{ ok: boolean; value: unknown }>;
  close(): Promise<void>;
}

/*
 * The tools' descriptions are the same for every user and turn: listed through MCP once per process (the
 * server turns each zod schema into JSON Schema on every tools/list), then reused.
 */
let listed: Promise<Tool[]> | undefined;

/**
 * The user's task tools as AI SDK tools, served by an MCP server in the same process. The agent therefore
 * uses the very MCP tools outside clients get at /mcp. The MCP client connects on the first tool call, so
 * a turn that calls no tool (small talk, a question back) sets up no server at all.
 */
export async function connectTaskTools(
  tasks: TaskService,
  logger: Logger,
  guard: TurnGuard,
): Promise<ConnectedTaskTools> {
  let connection: Promise<{ client: Client; close(): Promise<void> }> | undefined;
  const connect = () =>
    (connection ??= (async () => {
      const server = createTaskMcpServer(tasks, logger);
      const client = new Client(
        { name: "todo-chatbot-agent", version: "0.1.0" },
        { jsonSchemaValidator: sharedJsonSchemaValidator },
      );
      const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
      await server.connect(serverTransport);
      await client.connect(clientTransport);
      return {
        client,
        async close() {
          await client.close();
          await server.close();
        },
      };
    })());
  listed ??= connect()
    .then(({ client }) => client.listTools())
    .then((result) => result.tools)
    .catch((error: unknown) => {
      listed = undefined;
      throw error;
    });

  const calls: ToolCallRecord[] = [];
  const call = async (name: string, args: Record<string, unknown>) => {
    const { client } = await connect();
    const result = await client.callTool({ name, arguments: args });
    const text = (result.content as Array<{ type: string; text?: string }> | undefined)
      ?.map((part) => part.text ?? "")
      .join("\n");
    if (result.isError) {
      calls.push({ name, arguments: args, result: { error: text } });
      return { ok: false, value: text || `${name} failed` };
    }
    const value = result.structuredContent ?? text;
    calls.push({ name, arguments: args, result: value });
    return { ok: true, value };
  };
  const tools: ToolSet = {};
  for (const tool of await listed) {
    tools[tool.name] = dynamicTool({
      description: tool.description ?? tool.name,
      inputSchema: jsonSchema(tool.inputSchema as JSONSchema7),
      // Never asks the SDK for approval: it shows the guard every call of a step before any of them runs.
      needsApproval: (input) => {
        guard.plan(tool.name, (input ?? {}) as Record<string, unknown>);
        return false;
      },
      execute: async (input) => {
        const args = (input ?? {}) as Record<string, unknown>;
        const verdict = guard.check(tool.name, args);
        // A refused call ran nothing, so it is not among the turn's calls; the model reads why.
        if (!verdict.allow) throw new Error(verdict.reason);
        const outcome = await call(tool.name, args);
        // Thrown errors reach the model as tool errors, so it can explain or retry.
        if (!outcome.ok) throw new Error(String(outcome.value));
        return outcome.value;
      },
    });
  }

  return {
    tools,
    calls,
    call,
    async close() {
      if (connection) await (await connection).close();
    },
  };
}
