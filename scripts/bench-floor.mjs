// The benchmark's floor (scripts/bench-containers.ts bundles it with esbuild and runs it in the backend image,
// which has no node_modules): a minimal Fastify + node-postgres server that does only the SQL a request of the
// real backend cannot avoid, with no logging, no validation and no session signature check.
//   GET  /                  hello world: the HTTP stack alone
//   GET  /api/:user/tasks   1 auth query (the session row by its token) + the task list
//   POST /api/:user/tasks   1 auth query + the insert
// Its idle memory is the floor of the backend's.
import Fastify from "fastify";
import pg from "pg";

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_MAX ?? 5),
});
const app = Fastify();

/** The user of the bearer token (`<token>.<signature>`, the signature is not checked), or undefined. */
async function userOf(request) {
  const bearer = (request.headers.authorization ?? "").replace(/^Bearer /, "");
  const token = decodeURIComponent(bearer).split(".")[0];
  const { rows } = await pool.query("SELECT user_id FROM session WHERE token = $1 AND expires_at > now()", [
    token,
  ]);
  return rows[0]?.user_id;
}

app.get("/", async () => ({ hello: "world" }));
app.get("/api/:user/tasks", async (request, reply) => {
  if ((await userOf(request)) !== request.params.user) return reply.code(401).send();
  const { rows } = await pool.query(
    "SELECT number AS id, title, description, completed, created_at, updated_at FROM tasks WHERE user_id = $1 ORDER BY number DESC",
    [request.params.user],
  );
  return rows;
});
app.post("/api/:user/tasks", async (request, reply) => {
  if ((await userOf(request)) !== request.params.user) return reply.code(401).send();
  const { rows } = await pool.query(
    // The task's per-user number comes from task_counters in the same statement, as the backend does it.
    "WITH counter AS (INSERT INTO task_counters (user_id, last_number) VALUES ($1, 1) ON CONFLICT (user_id) " +
      "DO UPDATE SET last_number = task_counters.last_number + 1 RETURNING last_number) " +
      "INSERT INTO tasks (user_id, number, title) SELECT $1, last_number, $2 FROM counter " +
      "RETURNING number AS id, title, description, completed, created_at, updated_at",
    [request.params.user, request.body.title],
  );
  return reply.code(201).send(rows[0]);
});
void app.listen({ host: "0.0.0.0", port: 8000 });
