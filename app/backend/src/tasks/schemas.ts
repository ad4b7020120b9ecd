import { z } from "zod";

/** The zod schemas are the one description of the task API: validation, types and OpenAPI come from them. */

/** Text that is stored: PostgreSQL's text type cannot hold U+0000, so it is bad input, not a database error. */
export const storedText = () =>
  z.string().refine((value) => !value.includes("\u0000"), {
    message: "must not contain the NUL character (U+0000): remove it and send the text again",
    abort: true,
  });

export const taskTitle = storedText()
  .trim()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters")
  .describe("Short title of the task");

export const taskDescription = storedText()
  .trim()
  .max(2000, "must be at most 2000 characters")
  .describe("Optional longer description");

export const taskSchema = z
  .object({
    id: z.number().int().describe("The task's number: 1, 2, 3... per user, in creation order"),
    user_id: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    completed: z.boolean(),
    created_at: z.string().describe("ISO-8601 timestamp"),
    updated_at: z.string().describe("ISO-8601 timestamp"),
  })
  .meta({ id: "Task" });

/** A task as every API shows it (REST, MCP, chat): snake_case, ISO timestamps. */
export type TaskDto = z.infer<typeof taskSchema>;

/** A task as list_tasks shows it (the Phase III contract's fields). */
export const taskSummarySchema = taskSchema.pick({
  id: true,
  title: true,
  description: true,
  completed: true,
  created_at: true,
});
export type TaskSummary = z.infer<typeof taskSummarySchema>;

export const userParams = z.object({
  user_id: z.string().min(1).describe("The signed-in user's id"),
});

/** A serial id (task, conversation) as it arrives in a path, body or tool argument. */
export const recordId = (noun: string) =>
  z.coerce
    .number({ error: `must be a ${noun} number` })
    .int("must be a whole number")
    .positive("must be a positive number")
    .max(2_147_483_647, "is too large");

export const taskParams = userParams.extend({ id: recordId("task") });

/**
 * The most tasks one answer holds, and the default: a client that sends no `limit` (every Phase III client)
 * still gets its whole list as one array unless it has more tasks than this, while no answer is unbounded.
 */
export const TASK_PAGE_MAX = 500;

export const listTasksQuery = z.object({
  status: z
    .enum(["all", "pending", "completed"], { error: "must be one of all, pending, completed" })
    .default("all"),
  limit: z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(TASK_PAGE_MAX, `must be at most ${TASK_PAGE_MAX}`)
    .default(TASK_PAGE_MAX)
    .describe(`Tasks per page (default and maximum ${TASK_PAGE_MAX})`),
  cursor: recordId("task")
    .optional()
    .describe(
      'Where the page starts; take the whole next-page URL from the `Link: <...>; rel="next"` header',
    ),
});

export const createTaskBody = z.strictObject({
  title: taskTitle,
  description: taskDescription.nullable().optional(),
});

export const updateTaskBody = z
  .strictObject({
    title: taskTitle.optional(),
    description: taskDescription.nullable().optional(),
    completed: z.boolean({ error: "must be true or false" }).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "give at least one of title, description, completed");

export const completeTaskBody = z
  .strictObject({
    completed: z.boolean({ error: "must be true or false" }).optional(),
  })
  .nullish();
