import { and, desc, eq, getTableColumns, lt, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "../db/client.js";
import { taskCounters, tasks, type TaskRow } from "../db/schema.js";
import { TASK_PAGE_MAX, type TaskDto } from "./schemas.js";

export type { TaskDto } from "./schemas.js";
export type TaskStatusFilter = "all" | "pending" | "completed";

export interface TaskChanges {
  title?: string | undefined;
  description?: string | null | undefined;
  completed?: boolean | undefined;
}

/** What a task was before a change: enough to put it back (chat's "undo"). */
export interface TaskBefore {
  title: string;
  description: string | null;
  completed: boolean;
}

/** The API's `id` is the user's task number; the surrogate key stays in the database. */
export function toTaskDto(row: TaskRow): TaskDto {
  return {
    id: row.number,
    user_id: row.userId,
    title: row.title,
    description: row.description,
    completed: row.completed,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

// The row as it was before an UPDATE: a self-join in UPDATE ... FROM reads the statement's snapshot, so its
// columns in RETURNING are the old values (https://www.postgresql.org/docs/current/sql-update.html).
const before = alias(tasks, "before");
const changedReturning = {
  ...getTableColumns(tasks),
  beforeTitle: before.title,
  beforeDescription: before.description,
  beforeCompleted: before.completed,
};

/*
 * The task list is the API's most frequent query, so it is built once per database and variant and sent as a
 * named prepared statement: Drizzle skips building the SQL (about 50 µs a request), and node-postgres parses
 * it once per connection (https://node-postgres.com/features/queries#prepared-statements).
 */
type ListQuery = ReturnType<typeof prepareList>;
const listQueries = new WeakMap<Database, Map<string, ListQuery>>();

function listQuery(db: Database, status: TaskStatusFilter, afterCursor: boolean): ListQuery {
  const name = `tasks_list_${status}${afterCursor ? "_after_cursor" : ""}`;
  let prepared = listQueries.get(db);
  if (!prepared) listQueries.set(db, (prepared = new Map()));
  let query = prepared.get(name);
  if (!query) prepared.set(name, (query = prepareList(db, name, status, afterCursor)));
  return query;
}

function prepareList(db: Database, name: string, status: TaskStatusFilter, afterCursor: boolean) {
  const filters = [eq(tasks.userId, sql.placeholder("userId"))];
  if (status !== "all") filters.push(eq(tasks.completed, status === "completed"));
  if (afterCursor) filters.push(lt(tasks.number, sql.placeholder("cursor")));
  return db
    .select()
    .from(tasks)
    .where(and(...filters))
    .orderBy(desc(tasks.number))
    .limit(sql.placeholder("limit"))
    .prepare(name);
}

/**
 * Every task operation, always scoped to one user: a task number of another user behaves exactly like a
 * number that does not exist (null), so no caller can learn that it exists.
 */
export class TaskService {
  constructor(
    private readonly db: Database,
    readonly userId: string,
  ) {}

  /**
   * One page of tasks, newest first (numbers are handed out in creation order, so the number alone orders
   * them and makes a cursor that still works when the task it names has been deleted). `next` is the cursor
   * of the following page, when there is one.
   */
  async list(
    status: TaskStatusFilter = "all",
    page: { limit: number; cursor?: number | undefined } = { limit: TASK_PAGE_MAX },
  ): Promise<{ tasks: TaskDto[]; next?: number }> {
    const rows = await listQuery(this.db, status, page.cursor !== undefined).execute({
      userId: this.userId,
      cursor: page.cursor,
      limit: page.limit + 1,
    });
    const shown = rows.slice(0, page.limit).map(toTaskDto);
    return rows.length > page.limit ? { tasks: shown, next: shown.at(-1)!.id } : { tasks: shown };
  }

  async get(number: number): Promise<TaskDto | null> {
    const [row] = await this.db.select().from(tasks).where(this.owned(number));
    return row ? toTaskDto(row) : null;
  }

  async create(title: string, description?: string | null): Promise<TaskDto> {
    const [task] = await this.createMany([{ title, description }]);
    return task!;
  }

  /**
   * Creates tasks numbered after the user's last number, in one statement: the counter row's lock serialises
   * two creations of one user, so numbers are unique, in order, and never handed out twice.
   */
  async createMany(
    items: Array<{ title: string; description?: string | null | undefined }>,
  ): Promise<TaskDto[]> {
    const count = items.length;
    const counter = this.db.$with("counter").as(
      this.db
        .insert(taskCounters)
        .values({ userId: this.userId, lastNumber: count })
        .onConflictDoUpdate({
          target: taskCounters.userId,
          set: { lastNumber: sql`${taskCounters.lastNumber} + ${count}` },
        })
        .returning({ lastNumber: taskCounters.lastNumber }),
    );
    const rows = await this.db
      .with(counter)
      .insert(tasks)
      .values(
        items.map((item, index) => ({
          userId: this.userId,
          number: sql`(select "last_number" from "counter") - ${count - 1 - index}`,
          title: item.title,
          description: item.description ?? null,
        })),
      )
      .returning();
    return rows.sort((a, b) => a.number - b.number).map(toTaskDto);
  }

  /**
   * Puts a deleted task back under its own number (chat's "undo" of a delete). Only a number this user was
   * given and that is free now: null otherwise.
   */
  async restore(number: number, task: TaskBefore): Promise<TaskDto | null> {
    if (!(await this.wasGiven(number))) return null;
    const [row] = await this.db
      .insert(tasks)
      .values({ userId: this.userId, number, ...task })
      .onConflictDoNothing()
      .returning();
    return row ? toTaskDto(row) : null;
  }

  async update(number: number, changes: TaskChanges): Promise<TaskDto | null> {
    return (await this.change(number, changes))?.task ?? null;
  }

  /** Changes a task and tells what it was before, in one statement. */
  async change(number: number, changes: TaskChanges): Promise<{ task: TaskDto; before: TaskBefore } | null> {
    const values: Partial<typeof tasks.$inferInsert> = { updatedAt: new Date() };
    if (changes.title !== undefined) values.title = changes.title;
    if (changes.description !== undefined) values.description = changes.description;
    if (changes.completed !== undefined) values.completed = changes.completed;
    return this.changed(values, number);
  }

  /**
   * Sets completion; with `completed` undefined it toggles, in one UPDATE: a read-then-write toggle loses
   * updates when two requests read the same state (row locks serialize the UPDATEs, each flips the last).
   */
  async complete(number: number, completed?: boolean): Promise<TaskDto | null> {
    return (await this.setCompleted(number, completed))?.task ?? null;
  }

  async setCompleted(number: number, completed?: boolean) {
    return this.changed(
      { completed: completed ?? sql`NOT ${tasks.completed}`, updatedAt: new Date() },
      number,
    );
  }

  async remove(number: number): Promise<TaskDto | null> {
    const [row] = await this.db.delete(tasks).where(this.owned(number)).returning();
    return row ? toTaskDto(row) : null;
  }

  /** Whether this user was ever given `number` (so "not found" can say it was deleted). */
  async wasGiven(number: number): Promise<boolean> {
    const [row] = await this.db
      .select({ userId: taskCounters.userId })
      .from(taskCounters)
      .where(and(eq(taskCounters.userId, this.userId), sql`${number} <= ${taskCounters.lastNumber}`));
    return row !== undefined;
  }

  private async changed(
    values: Record<string, unknown>,
    number: number,
  ): Promise<{ task: TaskDto; before: TaskBefore } | null> {
    const [row] = await this.db
      .update(tasks)
      .set(values)
      .from(before)
      .where(and(this.owned(number), eq(before.id, tasks.id)))
      .returning(changedReturning);
    if (!row) return null;
    const { beforeTitle, beforeDescription, beforeCompleted, ...task } = row;
    return {
      task: toTaskDto(task),
      before: { title: beforeTitle, description: beforeDescription, completed: beforeCompleted },
    };
  }

  private owned(number: number) {
    return and(eq(tasks.userId, this.userId), eq(tasks.number, number));
  }
}
