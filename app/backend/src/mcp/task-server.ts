import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { FastifyBaseLogger as Logger } from "fastify";
import { z } from "zod";
import { isDatabaseUnavailable } from "../db/errors.js";
import { DATABASE_UNAVAILABLE_MESSAGE, INTERNAL_ERROR_MESSAGE } from "../errors.js";
import type { TaskDto, TaskService } from "../tasks/service.js";
import { recordId, taskDescription, taskTitle } from "../tasks/schemas.js";

export const TASK_TOOL_NAMES = [
  "add_task",
  "list_tasks",
  "complete_task",
  "delete_task",
  "update_task",
] as const;
export type TaskToolName = (typeof TASK_TOOL_NAMES)[number];

const taskId = recordId("task").describe("The task's number, as shown by list_tasks");
// Accepted for compatibility with the spec's signatures; the user always comes from the caller's token.
const userIdArgument = z
  .string()
  .optional()
  .describe("Ignored unless it differs from the signed-in user (then the call is refused)");

const taskSummary = (task: TaskDto) => ({
  id: task.id,
  title: task.title,
  description: task.description,
  completed: task.completed,
  created_at: task.created_at,
});

/**
 * An MCP server exposing the task tools for exactly one user. One is created per request (stateless),
 * so a tool can never reach another user's tasks, whatever its arguments say. `logger` is the request's
 * (it carries the request id): a tool that fails logs the cause there and answers a generic message.
 */
export function createTaskMcpServer(tasks: TaskService, logger: Logger): McpServer {
  const server = new McpServer({ name: "todo-chatbot-tasks", version: "0.1.0" });
  const registerTool: McpServer["registerTool"] = (name, config, handler) =>
    server.registerTool(name, config, guarded(name, handler, logger));

  const refuseOtherUser = (userId: string | undefined): CallToolResult | undefined =>
    userId !== undefined && userId !== tasks.userId
      ? failure(`user_id "${userId}" is not the signed-in user; leave user_id out.`)
      : undefined;

  registerTool(
    "add_task",
    {
      title: "Add task",
      description: "Create a new task for the user.",
      inputSchema: { title: taskTitle, description: taskDescription.optional(), user_id: userIdArgument },
    },
    async ({ title, description, user_id }) => {
      const refused = refuseOtherUser(user_id);
      if (refused) return refused;
      const task = await tasks.create(title, description);
      return success({ task_id: task.id, status: "created", title: task.title });
    },
  );

  registerTool(
    "list_tasks",
    {
      title: "List tasks",
      description: "List the user's tasks: all, only pending, or only completed.",
      inputSchema: {
        status: z.enum(["all", "pending", "completed"]).default("all").describe("Which tasks to list"),
        user_id: userIdArgument,
      },
      annotations: { readOnlyHint: true },
    },
    async ({ status, user_id }) => {
      const refused = refuseOtherUser(user_id);
      if (refused) return refused;
      const { tasks: list } = await tasks.list(status);
      return success({ status, count: list.length, tasks: list.map(taskSummary) });
    },
  );

  registerTool(
    "complete_task",
    {
      title: "Complete task",
      description: "Mark a task as complete.",
      inputSchema: { task_id: taskId, user_id: userIdArgument },
    },
    async ({ task_id, user_id }) =>
      refuseOtherUser(user_id) ?? outcome(task_id, "completed", await tasks.complete(task_id, true)),
  );

  registerTool(
    "delete_task",
    {
      title: "Delete task",
      description: "Delete a task for good.",
      inputSchema: { task_id: taskId, user_id: userIdArgument },
      annotations: { destructiveHint: true },
    },
    async ({ task_id, user_id }) =>
      refuseOtherUser(user_id) ?? outcome(task_id, "deleted", await tasks.remove(task_id)),
  );

  registerTool(
    "update_task",
    {
      title: "Update task",
      description: "Change a task's title and/or description.",
      inputSchema: {
        task_id: taskId,
        title: taskTitle.optional(),
        description: taskDescription.optional(),
        user_id: userIdArgument,
      },
    },
    async ({ task_id, title, description, user_id }) => {
      const refused = refuseOtherUser(user_id);
      if (refused) return refused;
      if (title === undefined && description === undefined) {
        return failure("Nothing to change: give a new title and/or description.");
      }
      return outcome(task_id, "updated", await tasks.update(task_id, { title, description }));
    },
  );

  return server;
}

/**
 * The SDK would answer a thrown error with its message — for a database error, Drizzle's "Failed query:
 * <SQL> params: <values>" — to an MCP client, and through the chat agent into the reply and the stored
 * history. The cause goes to the log instead; the caller reads a message that says what to do.
 */
function guarded<Handler extends (...args: never[]) => unknown>(
  tool: string,
  handler: Handler,
  logger: Logger,
): Handler {
  return (async (...args: Parameters<Handler>) => {
    try {
      return await handler(...args);
    } catch (error) {
      logger.error({ err: error, tool }, "task tool failed");
      return failure(isDatabaseUnavailable(error) ? DATABASE_UNAVAILABLE_MESSAGE : INTERNAL_ERROR_MESSAGE);
    }
  }) as Handler;
}

/** The spec's `{task_id, status, title}` answer, or a tool error when the user has no such task. */
function outcome(taskId: number, status: string, task: TaskDto | null): CallToolResult {
  return task
    ? success({ task_id: task.id, status, title: task.title })
    : failure(`Task ${taskId} was not found. Use list_tasks to see the task numbers.`);
}

function success(result: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(result) }], structuredContent: result };
}

function failure(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}
