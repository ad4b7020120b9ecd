// The benchmark's SQL, in one place: the known state every row starts from (scripts/bench-containers.ts) and
// the floor server's queries (scripts/bench-floor.mjs). tests/scripts/bench-sql.test.ts runs all of it on the
// backend's migrated schema, so a schema change that breaks the benchmark fails a test, not the next bench run.

/** The known state of a benchmark row: the user's tasks are 20 open ones numbered 1–20, and no conversations. */
export function resetSql(userId) {
  if (!/^[A-Za-z0-9_-]+$/.test(userId))
    throw new Error(`bench: unexpected user id ${JSON.stringify(userId)}`);
  return (
    `DELETE FROM tasks WHERE user_id = '${userId}'; DELETE FROM conversations WHERE user_id = '${userId}';` +
    ` INSERT INTO tasks (user_id, number, title) SELECT '${userId}', n, 'seed ' || n FROM generate_series(1, 20) n;` +
    ` INSERT INTO task_counters (user_id, last_number) VALUES ('${userId}', 20)` +
    ` ON CONFLICT (user_id) DO UPDATE SET last_number = 20;`
  );
}

/** The floor's statements: only the SQL a request of the real backend cannot avoid. */
export const FLOOR_SQL = {
  /** $1 the session token: its user, when the session has not expired. */
  sessionUser: "SELECT user_id FROM session WHERE token = $1 AND expires_at > now()",
  /** $1 the user: their tasks as the API lists them, newest first. */
  listTasks:
    "SELECT number AS id, title, description, completed, created_at, updated_at FROM tasks " +
    "WHERE user_id = $1 ORDER BY number DESC",
  /** $1 the user, $2 the title: the task's per-user number comes from task_counters, as the backend does it. */
  insertTask:
    "WITH counter AS (INSERT INTO task_counters (user_id, last_number) VALUES ($1, 1) ON CONFLICT (user_id) " +
    "DO UPDATE SET last_number = task_counters.last_number + 1 RETURNING last_number) " +
    "INSERT INTO tasks (user_id, number, title) SELECT $1, last_number, $2 FROM counter " +
    "RETURNING number AS id, title, description, completed, created_at, updated_at",
};
