// The benchmark's floor (scripts/bench-containers.ts bundles it with esbuild and runs it in the backend image,
// which has no node_modules): a minimal Fastify + node-postgres server that does only the SQL a request of the
// real backend cannot avoid, with no logging, no validation and no session signature check.
//   GET  /                  hello world: the HTTP stack alone
//   GET  /api/:user/tasks   1 auth query (the session row by its token) + the task list
//   POST /api/:user/tasks   1 auth query + the insert
// Its idle memory is the floor of the backend's.
import Fastify from "fastify";
import pg from "pg";
import { FLOOR_SQL } from "./bench-sql.mjs";

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_MAX ?? 5),
});
const app = Fastify();

/**
 * The user of the bearer token (`<token>.<signature>`, the signature is not checked), or undefined.
 * @param {import("fastify").FastifyRequest} request
 */
async function userOf(request) {
  const bearer = (request.headers.authorization ?? "").replace(/^Bearer /, "");
  const token = decodeURIComponent(bearer).split(".")[0];
  const { rows } = await pool.query(FLOOR_SQL.sessionUser, [token]);
  return rows[0]?.user_id;
}

app.get("/", async () => ({ hello: "world" }));
/** @typedef {{ Params: { user: string }, Body: { title: string } }} TaskRoute */
app.get(
  "/api/:user/tasks",
  /** @param {import("fastify").FastifyRequest<TaskRoute>} request */ async (request, reply) => {
    if ((await userOf(request)) !== request.params.user) return reply.code(401).send();
    const { rows } = await pool.query(FLOOR_SQL.listTasks, [request.params.user]);
    return rows;
  },
);
app.post(
  "/api/:user/tasks",
  /** @param {import("fastify").FastifyRequest<TaskRoute>} request */ async (request, reply) => {
    if ((await userOf(request)) !== request.params.user) return reply.code(401).send();
    const { rows } = await pool.query(FLOOR_SQL.insertTask, [request.params.user, request.body.title]);
    return reply.code(201).send(rows[0]);
  },
);
void app.listen({ host: "0.0.0.0", port: 8000 });
