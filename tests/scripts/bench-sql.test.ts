// The benchmark's SQL (scripts/bench-sql.mjs) on the backend's schema, migrated the way the backend migrates it
// (Drizzle's migrator over app/backend/drizzle) in an in-memory PGlite. `npm run bench` broke silently once,
// when tasks got their per-user number; a schema change like that now fails here. No load is run.
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { FLOOR_SQL, resetSql } from "../../scripts/bench-sql.mjs";

const MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../app/backend/drizzle");

interface TaskRow {
  id: number;
  title: string;
  completed: boolean;
}

describe("benchmark SQL (scripts/bench-sql.mjs) on the migrated schema", function () {
  this.timeout(60_000);
  let db: PGlite;
  const tasksOf = async (user: string) =>
    (await db.query<TaskRow>(FLOOR_SQL.listTasks, [user])).rows.map(({ id, title, completed }) => ({
      id,
      title,
      completed,
    }));

  before(async () => {
    db = new PGlite();
    await migrate(drizzle({ client: db }), { migrationsFolder: MIGRATIONS });
    await db.exec(`
      INSERT INTO "user" (id, name, email) VALUES ('bench', 'Bench', 'bench@example.com'),
        ('other', 'Other', 'other@example.com');
      INSERT INTO session (id, token, user_id, expires_at) VALUES
        ('live', 'live-token', 'bench', now() + interval '1 hour'),
        ('expired', 'expired-token', 'bench', now() - interval '1 minute');`);
  });
  after(async () => {
    await db?.close();
  });

  it("a reset leaves the user 20 open tasks numbered 1-20 and no conversations, whatever an earlier row left", async () => {
    for (const title of ["left over", "another"]) await db.query(FLOOR_SQL.insertTask, ["bench", title]);
    await db.query(FLOOR_SQL.insertTask, ["other", "not the bench user's"]);
    await db.exec(`INSERT INTO conversations (user_id) VALUES ('bench'), ('other');`);

    await db.exec(resetSql("bench"));

    const expected = Array.from({ length: 20 }, (_, i) => ({
      id: 20 - i,
      title: `seed ${20 - i}`,
      completed: false,
    }));
    assert.deepEqual(await tasksOf("bench"), expected);
    const conversations = await db.query<{ user_id: string }>("SELECT user_id FROM conversations");
    assert.deepEqual(
      conversations.rows.map((row) => row.user_id),
      ["other"],
    );
    assert.deepEqual(await tasksOf("other"), [{ id: 1, title: "not the bench user's", completed: false }]);
  });

  it("after a reset the floor's insert takes number 21, then 22, as the backend numbers tasks", async () => {
    await db.exec(resetSql("bench"));
    const numbers = [];
    for (const title of ["first", "second"]) {
      const { rows } = await db.query<TaskRow>(FLOOR_SQL.insertTask, ["bench", title]);
      numbers.push(rows[0]!.id);
    }
    assert.deepEqual(numbers, [21, 22]);
  });

  it("the floor's session lookup finds the user of a live session, and no one for an expired or unknown token", async () => {
    const userOf = async (token: string) =>
      (await db.query<{ user_id: string }>(FLOOR_SQL.sessionUser, [token])).rows.map((row) => row.user_id);
    assert.deepEqual(await userOf("live-token"), ["bench"]);
    assert.deepEqual(await userOf("expired-token"), []);
    assert.deepEqual(await userOf("no-such-token"), []);
  });

  it("refuses a user id it would have to quote", () => {
    assert.throws(() => resetSql("bench'; DROP TABLE tasks; --"), /unexpected user id/);
  });
});
