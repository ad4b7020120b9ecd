import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { FastifyBaseLogger as Logger } from "fastify";
import { z } from "zod";
import { isDatabaseUnavailable } from "../db/errors.js";
import { DATABASE_UNAVAILABLE_MESSAGE, INTERNAL_ERROR_MESSAGE } from "../errors.js";
import type { TaskBefore, TaskService } from "../tasks/service.js";
import { recordId, taskDescription, taskTitle, type TaskDto, type TaskSummary } from "../tasks/schemas.js";

export const TASK_TOOL_NAMES = [
  "add_task",
  "list_tasks",
  "complete_task",
  "delete_task",
  "update_task",
] as const;
export type TaskToolName = (typeof TASK_TOOL_NAMES)[number];

/**
 * One JSON Schema validator for every MCP server and client of the process: the SDK would create an Ajv
 * instance per server and per client (modelcontextprotocol/typescript-sdk, src/server/index.ts and src/client/index.ts:
 * `options?.jsonSchemaValidator ?? new AjvJsonSchemaValidator()`), and Ajv caches compiled schemas per instance.
 */
export const sharedJsonSchemaValidator = new AjvJsonSchemaValidator();

const taskId = recordId("task").describe(
  "The task's number (the user's own 1, 2, 3...), as list_tasks shows it",
);
// Accepted for compatibility with the spec's signatures; the user always comes from the caller's token.
const userIdArgument = z
  .string()
  .optional()
  .describe("Ignored unless it differs from the signed-in user (then the call is refused)");

// The fields of taskSummarySchema, picked by hand: a zod parse per listed task would cost a turn's time.
const taskSummary = ({ id, title, description, completed, created_at }: TaskDto): TaskSummary => ({
  id,
  title,
  description,
  completed,
  created_at,
});

/*
 * The tools' descriptions and input schemas, built once per process: the SDK turns a raw zod shape into a
 * z.object on every registerTool (modelcontextprotocol/typescript-sdk, src/server/mcp.ts, getZodSchemaObject),
 * and building five zod objects was about a tenth of a chat turn's CPU, for a server made per turn
 * (docs/benchmarks.md).
 */
const TOOLS = {
  add_task: {
    title: "Add task",
    description:
      "Create a new task for the user. To undo a deletion, pass the deleted task's task_id (and completed) " +
      "to put it back under its own number.",
    inputSchema: z.object({
      title: taskTitle,
      description: taskDescription.optional(),
      task_id: taskId.optional().describe("Only to restore a deleted task under its old number"),
      completed: z.boolean().optional().describe("Only with task_id: the restored task's state"),
      user_id: userIdArgument,
    }),
  },
  list_tasks: {
    title: "List tasks",
    description: "List the user's tasks (newest first): all, only pending, or only completed.",
    inputSchema: z.object({
      status: z.enum(["all", "pending", "completed"]).default("all").describe("Which tasks to list"),
      user_id: userIdArgument,
    }),
    annotations: { readOnlyHint: true },
  },
  complete_task: {
    title: "Complete task",
    description: "Mark a task as complete.",
    inputSchema: z.object({ task_id: taskId, user_id: userIdArgument }),
  },
  delete_task: {
    title: "Delete task",
    description: "Delete a task for good (its number is never given to another task).",
    inputSchema: z.object({ task_id: taskId, user_id: userIdArgument }),
    annotations: { destructiveHint: true },
  },
  update_task: {
    title: "Update task",
    description:
      "Change a task's title and/or description, or set completed (false reopens a completed task).",
    inputSchema: z.object({
      task_id: taskId,
      title: taskTitle.optional(),
      description: taskDescription.optional(),
      completed: z.boolean().optional().describe("false reopens the task, true completes it"),
      user_id: userIdArgument,
    }),
  },
} satisfies Record<
  TaskToolName,
  { title: string; description: string; inputSchema: z.ZodObject; annotations?: ToolAnnotations }
>;

/**
 * An MCP server exposing the task tools for exactly one user. One is created per request (stateless),
 * so a tool can never reach another user's tasks, whatever its arguments say. `logger` is the request's
 * (it carries the request id): a tool that fails logs the cause there and answers a generic message.
 *
 * Write tools answer the spec's `{task_id, status, title}` and, for undo, `before`: the task as it was.
 */
export function createTaskMcpServer(tasks: TaskService, logger: Logger): McpServer {
  const server = new McpServer(
    { name: "todo-chatbot-tasks", version: "0.1.0" },
    { jsonSchemaValidator: sharedJsonSchemaValidator },
  );
  const registerTool: McpServer["registerTool"] = (name, config, handler) =>
    server.registerTool(name, config, guarded(name, logger, handler));

  const refuseOtherUser = (userId: string | undefined): CallToolResult | undefined =>
    userId !== undefined && userId !== tasks.userId
      ? failure(`user_id "${userId}" is not the signed-in user; leave user_id out.`)
      : undefined;

  registerTool("add_task", TOOLS.add_task, async ({ title, description, task_id, completed, user_id }) => {
    const refused = refuseOtherUser(user_id);
    if (refused) return refused;
    if (task_id !== undefined) {
      const restored = await tasks.restore(task_id, {
        title,
        description: description ?? null,
        completed: completed ?? false,
      });
      return restored
        ? success({ task_id: restored.id, status: "created", title: restored.title })
        : failure(`Task ${task_id} cannot be restored: that number is in use or was never given.`);
    }
    const task = await tasks.create(title, description);
    return success({ task_id: task.id, status: "created", title: task.title });
  });

  registerTool("list_tasks", TOOLS.list_tasks, async ({ status, user_id }) => {
    const refused = refuseOtherUser(user_id);
    if (refused) return refused;
    const { tasks: list } = await tasks.list(status);
    return success({ status, count: list.length, tasks: list.map(taskSummary) });
  });

  registerTool(
    "complete_task",
    TOOLS.complete_task,
    async ({ task_id, user_id }) =>
      refuseOtherUser(user_id) ?? changed(task_id, "completed", await tasks.setCompleted(task_id, true)),
  );

  registerTool("delete_task", TOOLS.delete_task, async ({ task_id, user_id }) => {
    const refused = refuseOtherUser(user_id);
    if (refused) return refused;
    const removed = await tasks.remove(task_id);
    return changed(task_id, "deleted", removed && { task: removed, before: removed });
  });

  registerTool(
    "update_task",
    TOOLS.update_task,
    async ({ task_id, title, description, completed, user_id }) => {
      const refused = refuseOtherUser(user_id);
      if (refused) return refused;
      if (title === undefined && description === undefined && completed === undefined) {
        return failure("Nothing to change: give a new title, description and/or completed.");
      }
      return changed(task_id, "updated", await tasks.change(task_id, { title, description, completed }));
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
  logger: Logger,
  handler: Handler,
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

/** The spec's `{task_id, status, title}` plus `before`, or a tool error when the user has no such task. */
function changed(
  taskId: number,
  status: string,
  change: { task: TaskDto; before: TaskBefore } | null,
): CallToolResult {
  if (!change) return failure(`Task ${taskId} was not found. Use list_tasks to see the task numbers.`);
  const { title, description, completed } = change.before;
  return success({
    task_id: change.task.id,
    status,
    title: change.task.title,
    before: { title, description, completed },
  });
}

function success(result: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(result) }], structuredContent: result };
}

function failure(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}
