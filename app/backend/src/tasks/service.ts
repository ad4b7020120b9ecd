import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { tasks, type TaskRow } from "../db/schema.js";
import { TASK_PAGE_MAX } from "./schemas.js";

export type TaskStatusFilter = "all" | "pending" | "completed";

/** A task as every API shows it (REST, MCP, chat): snake_case, ISO timestamps. */
export interface TaskDto {
  id: number;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  created_at: string;
  updated_at: string;
}

export interface TaskChanges {
  title?: string | undefined;
  description?: string | null | undefined;
  completed?: boolean | undefined;
}

export function toTaskDto(row: TaskRow): TaskDto {
  return {
    id: row.id,
    user_id: row.userId,
    title: row.title,
    description: row.description,
    completed: row.completed,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/**
 * Every task operation, always scoped to one user: a task id of another user behaves exactly like an
 * id that does not exist (null), so no caller can learn that it exists.
 */
export class TaskService {
  constructor(
    private readonly db: Database,
    readonly userId: string,
  ) {}

  /**
   * One page of tasks, newest first (ids are handed out in insertion order, so the id alone orders them
   * and makes a cursor that still works when the task it names has been deleted). `next` is the cursor of
   * the following page, when there is one.
   */
  async list(
    status: TaskStatusFilter = "all",
    page: { limit: number; cursor?: number | undefined } = { limit: TASK_PAGE_MAX },
  ): Promise<{ tasks: TaskDto[]; next?: number }> {
    const filters = [eq(tasks.userId, this.userId)];
    if (status !== "all") filters.push(eq(tasks.completed, status === "completed"));
    if (page.cursor !== undefined) filters.push(lt(tasks.id, page.cursor));
    const rows = await this.db
      .select()
      .from(tasks)
      .where(and(...filters))
      .orderBy(desc(tasks.id))
      .limit(page.limit + 1);
    const shown = rows.slice(0, page.limit).map(toTaskDto);
    return rows.length > page.limit ? { tasks: shown, next: shown.at(-1)!.id } : { tasks: shown };
  }

  async get(id: number): Promise<TaskDto | null> {
    const [row] = await this.db.select().from(tasks).where(this.owned(id));
    return row ? toTaskDto(row) : null;
  }

  async create(title: string, description?: string | null): Promise<TaskDto> {
    const [row] = await this.db
      .insert(tasks)
      .values({ userId: this.userId, title, description: description ?? null })
      .returning();
    return toTaskDto(row!);
  }

  async update(id: number, changes: TaskChanges): Promise<TaskDto | null> {
    const values: Partial<typeof tasks.$inferInsert> = { updatedAt: new Date() };
    if (changes.title !== undefined) values.title = changes.title;
    if (changes.description !== undefined) values.description = changes.description;
    if (changes.completed !== undefined) values.completed = changes.completed;
    const [row] = await this.db.update(tasks).set(values).where(this.owned(id)).returning();
    return row ? toTaskDto(row) : null;
  }

  /**
   * Sets completion; with `completed` undefined it toggles, in one UPDATE: a read-then-write toggle loses
   * updates when two requests read the same state (row locks serialize the UPDATEs, each flips the last).
   */
  async complete(id: number, completed?: boolean): Promise<TaskDto | null> {
    if (completed !== undefined) return this.update(id, { completed });
    const [row] = await this.db
      .update(tasks)
      .set({ completed: sql`NOT ${tasks.completed}`, updatedAt: new Date() })
      .where(this.owned(id))
      .returning();
    return row ? toTaskDto(row) : null;
  }

  async remove(id: number): Promise<TaskDto | null> {
    const [row] = await this.db.delete(tasks).where(this.owned(id)).returning();
    return row ? toTaskDto(row) : null;
  }

  private owned(id: number) {
    return and(eq(tasks.id, id), eq(tasks.userId, this.userId));
  }
}
