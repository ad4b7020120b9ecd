import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { FastifyBaseLogger as Logger } from "fastify";
import { dynamicTool, jsonSchema, type JSONSchema7, type ToolSet } from "ai";
import { createTaskMcpServer } from "../mcp/task-server.js";
import type { TaskService } from "../tasks/service.js";

/** One tool call as the chat API reports it. */
export interface ToolCallRecord {
  name: string;
  arguments: Record<string, unknown>;
  result: unknown;
}

export interface ConnectedTaskTools {
  tools: ToolSet;
  /** Every call made through `tools`, in order. */
  calls: ToolCallRecord[];
  close(): Promise<void>;
}

/**
 * Connects an MCP client to the user's task server (in memory, same process) and turns the tools it lists
 * into AI SDK tools. The agent therefore uses the very MCP tools outside clients get at /mcp.
 */
export async function connectTaskTools(tasks: TaskService, logger: Logger): Promise<ConnectedTaskTools> {
  const server = createTaskMcpServer(tasks, logger);
  const client = new Client({ name: "todo-chatbot-agent", version: "0.1.0" });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  await client.connect(clientTransport);

  const calls: ToolCallRecord[] = [];
  const tools: ToolSet = {};
  for (const listed of (await client.listTools()).tools) {
    tools[listed.name] = dynamicTool({
      description: listed.description ?? listed.name,
      inputSchema: jsonSchema(listed.inputSchema as JSONSchema7),
      execute: async (input) => {
        const args = (input ?? {}) as Record<string, unknown>;
        const result = await client.callTool({ name: listed.name, arguments: args });
        const text = (result.content as Array<{ type: string; text?: string }> | undefined)
          ?.map((part) => part.text ?? "")
          .join("\n");
        if (result.isError) {
          calls.push({ name: listed.name, arguments: args, result: { error: text } });
          // Thrown errors reach the model as tool errors, so it can explain or retry.
          throw new Error(text || `${listed.name} failed`);
        }
        const value = result.structuredContent ?? text;
        calls.push({ name: listed.name, arguments: args, result: value });
        return value;
      },
    });
  }

  return {
    tools,
    calls,
    async close() {
      await client.close();
      await server.close();
    },
  };
}
