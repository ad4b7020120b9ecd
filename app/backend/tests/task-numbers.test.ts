import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { describe, expect, it } from "vitest";
import { chat, createTask, listTasks, signUp, useTestApp } from "./support/app.js";

const testApp = useTestApp();

describe("per-user task numbers", () => {
  it("every user's tasks are numbered 1, 2, 3... and REST paths and chat use those numbers", async () => {
    const { app } = testApp();
    const first = await signUp(app, "First");
    const second = await signUp(app, "Second");
    for (const title of ["a", "b", "c"]) await createTask(app, first, title);
    const ids = [];
    for (const title of ["x", "y"]) ids.push((await createTask(app, second, title)).id);
    expect(ids).toEqual([1, 2]);

    const fetched = await app.inject({
      method: "GET",
      url: `/api/${second.id}/tasks/1`,
      headers: second.headers,
    });
    expect(fetched.json()).toMatchObject({ id: 1, title: "x" });

    // The app's own suggestion works for every user, not only the first one.
    const answer = await chat(app, second, "Mark task 1 as complete");
    expect(answer.tool_calls[0]).toMatchObject({ name: "complete_task", arguments: { task_id: 1 } });
    expect(await listTasks(app, second)).toEqual([
      expect.objectContaining({ id: 2, title: "y", completed: false }),
      expect.objectContaining({ id: 1, title: "x", completed: true }),
    ]);
    expect((await listTasks(app, first)).every((task) => !task.completed)).toBe(true);
  });

  it("a deleted task's number is never given again", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    await createTask(app, user, "one");
    const two = await createTask(app, user, "two");
    await app.inject({ method: "DELETE", url: `/api/${user.id}/tasks/${two.id}`, headers: user.headers });
    expect((await createTask(app, user, "three")).id).toBe(3);
  });

  it("parallel creations of one user get distinct numbers 1..n", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => createTask(app, user, `t${i}`)));
    expect(created.map((task) => task.id).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });
});

describe("the task-numbers migration", () => {
  it("numbers existing tasks per user in creation order and continues each user's count after them", async () => {
    const folder = join(import.meta.dirname, "../drizzle");
    const before = mkdtempSync(join(tmpdir(), "migrations-"));
    try {
      // The migrations as they were before per-user numbers: 0000 and 0001 only.
      cpSync(folder, before, { recursive: true });
      const journalPath = join(before, "meta/_journal.json");
      const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: Array<{ tag: string }> };
      const upTo = journal.entries.findIndex((entry) => entry.tag.endsWith("task_numbers"));
      expect(upTo).toBeGreaterThan(0);
      journal.entries = journal.entries.slice(0, upTo);
      writeFileSync(journalPath, JSON.stringify(journal));

      const client = new PGlite();
      const db = drizzle({ client });
      await migrate(db, { migrationsFolder: before });
      await client.exec(`
        INSERT INTO "user" (id, name, email) VALUES ('u1', 'One', 'one@example.com'), ('u2', 'Two', 'two@example.com');
        INSERT INTO tasks (user_id, title) VALUES ('u1', 'a'), ('u2', 'x'), ('u1', 'b'), ('u2', 'y'), ('u1', 'c');`);
      await migrate(db, { migrationsFolder: folder });

      const numbered = await client.query<{ user_id: string; title: string; number: number }>(
        "SELECT user_id, title, number FROM tasks ORDER BY user_id, number",
      );
      expect(numbered.rows.map((row) => `${row.user_id}:${row.number}:${row.title}`)).toEqual([
        "u1:1:a",
        "u1:2:b",
        "u1:3:c",
        "u2:1:x",
        "u2:2:y",
      ]);
      const counters = await client.query<{ user_id: string; last_number: number }>(
        "SELECT user_id, last_number FROM task_counters ORDER BY user_id",
      );
      expect(counters.rows).toEqual([
        { user_id: "u1", last_number: 3 },
        { user_id: "u2", last_number: 2 },
      ]);
      await client.close();
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
  });
});
