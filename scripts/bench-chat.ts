// The offline chat agent's benchmark: runs the labelled message set (docs/chat-messages.yaml) against the real
// app (HTTP on loopback, PostgreSQL from scripts/postgres-temp.mjs, or PGlite when PostgreSQL is not installed),
// checks each answer's tool calls AND the database's end state, and prints accuracy per category and latency.
// `npm run bench:chat` (add `-- --pglite` to force PGlite). Not part of the test suite: it prints, it doesn't assert.
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { parse } from "yaml";
import { buildApp } from "../app/backend/src/app.js";
import { loadConfig } from "../app/backend/src/config.js";
import { postgresInstalled, startTempPostgres } from "./postgres-temp.mjs";

interface Case {
  category: string;
  setup?: string[];
  before?: string[];
  say: string;
  calls: string[];
  add?: string[];
  done?: number[];
  open?: number[];
  remove?: number[];
  rename?: Record<string, string>;
  reply?: string;
}
type ToolCall = { name: string; arguments: Record<string, unknown>; result: unknown };
type Task = { id: number; title: string; completed: boolean };

const ROOT = join(import.meta.dirname, "..");
const TARGET_OVERALL = 0.95;
const TARGET_CATEGORY = 0.85;
const TARGET_P99_MS = 25;
const LATENCY_TURNS = 300;
const WRITE_TOOLS = new Set(["add_task", "complete_task", "delete_task", "update_task"]);
// Words a reply must never show: tool names, error classes, the protocol, validation library output.
const INTERNALS =
  /\b(add_task|list_tasks|complete_task|delete_task|update_task|MCP|Error|ZodError|invalid_type|too_big)\b/;

const set = parse(readFileSync(join(ROOT, "docs/chat-messages.yaml"), "utf8")) as {
  default_setup: string[];
  cases: Case[];
};
const usePglite = process.argv.includes("--pglite") || !postgresInstalled();
const postgres = usePglite ? undefined : await startTempPostgres();
const config = loadConfig({
  NODE_ENV: "production",
  ...(postgres ? { DATABASE_URL: postgres.url } : { PGLITE_DATA_DIR: "memory://" }),
  BETTER_AUTH_SECRET: "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
  BETTER_AUTH_URL: "http://127.0.0.1:8000",
  LOG_LEVEL: "silent",
  CHAT_RATE_LIMIT_PER_MINUTE: "10000",
  WRITE_RATE_LIMIT_PER_MINUTE: "100000",
});
const app = await buildApp({ config, logger: pino({ level: "silent" }) });
const base = await app.listen({ host: "127.0.0.1", port: 0 });
for (let ready = false; !ready;) {
  ready = (await app.inject({ method: "GET", url: "/ready" })).statusCode === 200;
  if (!ready) await new Promise((resolve) => setTimeout(resolve, 50));
}

let users = 0;
async function newUser() {
  const n = ++users;
  const response = await app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    // One client address per user, so Better Auth's sign-up limit (per address) never applies.
    remoteAddress: `198.18.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`,
    headers: { "content-type": "application/json", origin: "http://localhost:3000" },
    payload: {
      name: "Bench",
      email: `bench${n}-${Date.now()}@example.com`,
      password: "correct-horse-battery",
    },
  });
  const token = response.headers["set-auth-token"] as string;
  return {
    id: (response.json() as { user: { id: string } }).user.id,
    headers: { authorization: `Bearer ${token}` },
  };
}
type User = Awaited<ReturnType<typeof newUser>>;

async function seed(user: User, setup: string[]) {
  for (const entry of setup) {
    const completed = entry.startsWith("[x] ");
    const created = await app.inject({
      method: "POST",
      url: `/api/${user.id}/tasks`,
      headers: user.headers,
      payload: { title: entry.replace(/^\[x\] /, "") },
    });
    if (completed) {
      await app.inject({
        method: "PATCH",
        url: `/api/${user.id}/tasks/${created.json().id}/complete`,
        headers: user.headers,
        payload: { completed: true },
      });
    }
  }
}

const latencies: number[] = [];
async function chat(user: User, message: string, conversationId?: number) {
  const started = performance.now();
  const response = await fetch(`${base}/api/${user.id}/chat`, {
    method: "POST",
    headers: { ...user.headers, "content-type": "application/json" },
    body: JSON.stringify(conversationId ? { message, conversation_id: conversationId } : { message }),
  });
  const body = (await response.json()) as {
    conversation_id: number;
    response: string;
    tool_calls: ToolCall[];
  };
  latencies.push(performance.now() - started);
  if (response.status !== 200) throw new Error(`chat answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

async function tasksOf(user: User): Promise<Task[]> {
  const response = await app.inject({ method: "GET", url: `/api/${user.id}/tasks`, headers: user.headers });
  return response.json() as Task[];
}

function expectedState(testCase: Case): Map<number, { title: string; completed: boolean }> {
  const setup = testCase.setup ?? set.default_setup;
  const state = new Map(
    setup.map((entry, index) => [
      index + 1,
      { title: entry.replace(/^\[x\] /, ""), completed: entry.startsWith("[x] ") },
    ]),
  );
  let next = setup.length + 1;
  for (const title of testCase.add ?? []) state.set(next++, { title, completed: false });
  for (const id of testCase.done ?? []) state.get(id)!.completed = true;
  for (const id of testCase.open ?? []) state.get(id)!.completed = false;
  for (const [id, title] of Object.entries(testCase.rename ?? {})) state.get(Number(id))!.title = title;
  for (const id of testCase.remove ?? []) state.delete(id);
  return state;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function judge(
  testCase: Case,
  answer: { response: string; tool_calls: ToolCall[] },
  tasks: Task[],
): string[] {
  const problems: string[] = [];
  // Changes that happened: a call the tool refused (no such task) changed nothing.
  const writes = answer.tool_calls.filter(
    (call) => WRITE_TOOLS.has(call.name) && !(call.result as { error?: unknown } | null)?.error,
  );
  const expectedWrites = testCase.calls.filter((call) => !call.startsWith("list_tasks"));
  const shown = writes.map((call) => `${call.name}:${String(call.arguments.task_id ?? "")}`);
  const writesMatch =
    writes.length === expectedWrites.length &&
    expectedWrites.every((expected, index) => {
      const [name, id] = expected.split(":");
      return (
        writes[index]!.name === name && (id === undefined || writes[index]!.arguments.task_id === Number(id))
      );
    });
  if (!writesMatch) problems.push(`calls ${JSON.stringify(shown)} != ${JSON.stringify(expectedWrites)}`);
  for (const expected of testCase.calls.filter((call) => call.startsWith("list_tasks"))) {
    const status = expected.split(":")[1];
    if (!answer.tool_calls.some((call) => call.name === "list_tasks" && call.arguments.status === status)) {
      problems.push(`no ${expected}`);
    }
  }
  const wanted = expectedState(testCase);
  const actual = new Map(tasks.map((task) => [task.id, task]));
  const stateOk =
    wanted.size === actual.size &&
    [...wanted].every(
      ([id, task]) =>
        actual.has(id) &&
        same(actual.get(id)!.title, task.title) &&
        actual.get(id)!.completed === task.completed,
    );
  if (!stateOk)
    problems.push(`state ${JSON.stringify(tasks.map((t) => `${t.id}${t.completed ? "x" : ""}:${t.title}`))}`);
  if (testCase.reply && !new RegExp(testCase.reply, "iu").test(answer.response))
    problems.push(`reply lacks /${testCase.reply}/`);
  if (INTERNALS.test(answer.response)) problems.push("reply shows internals");
  return problems;
}

const results: Array<{ category: string; ok: boolean }> = [];
const failures: string[] = [];
for (const testCase of set.cases) {
  const user = await newUser();
  await seed(user, testCase.setup ?? set.default_setup);
  let conversation: number | undefined;
  for (const message of testCase.before ?? [])
    conversation = (await chat(user, message, conversation)).conversation_id;
  const answer = await chat(user, testCase.say, conversation);
  const problems = judge(testCase, answer, await tasksOf(user));
  results.push({ category: testCase.category, ok: problems.length === 0 });
  if (problems.length > 0) {
    failures.push(
      `[${testCase.category}] ${JSON.stringify(testCase.say)} -> ${JSON.stringify(answer.response).slice(0, 160)}\n    ${problems.join("; ")}`,
    );
  }
}
const setLatencies = [...latencies];

// Latency of one read-only turn at 1 connection: "what's pending?" in a new conversation, 20 tasks.
latencies.length = 0;
const reader = await newUser();
await seed(
  reader,
  Array.from({ length: 20 }, (_, i) => (i % 4 === 0 ? `[x] Task ${i + 1}` : `Task ${i + 1}`)),
);
for (let i = 0; i < 20; i++) await chat(reader, "what's pending?");
latencies.length = 0;
const load = loadavg()[0]!;
const cpuBefore = process.cpuUsage();
const started = performance.now();
for (let i = 0; i < LATENCY_TURNS; i++) await chat(reader, "what's pending?");
const perSecond = LATENCY_TURNS / ((performance.now() - started) / 1000);
// The app's (and this client's) CPU time per turn: unlike latency, it hardly depends on other load.
const cpu = process.cpuUsage(cpuBefore);
const cpuPerTurnMs = (cpu.user + cpu.system) / 1000 / LATENCY_TURNS;
const pendingLatencies = [...latencies];

await app.close();
postgres?.stop();

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const pct = (ok: number, all: number) => `${((100 * ok) / all).toFixed(1)}%`;
const categories = [...new Set(results.map((result) => result.category))];
const rows = categories.map((category) => {
  const inCategory = results.filter((result) => result.category === category);
  const ok = inCategory.filter((result) => result.ok).length;
  return `| ${category.padEnd(10)} | ${String(inCategory.length).padStart(5)} | ${String(ok).padStart(7)} | ${pct(ok, inCategory.length).padStart(8)} | ${`≥ ${TARGET_CATEGORY * 100}%`.padEnd(6)} | ${(ok / inCategory.length / TARGET_CATEGORY).toFixed(2).padStart(5)} |`;
});
const ok = results.filter((result) => result.ok).length;
console.log(
  `Database: ${postgres ? "PostgreSQL (scripts/postgres-temp.mjs)" : "PGlite (in memory)"}; ${results.length} messages, ${set.cases.reduce((n, c) => n + (c.before?.length ?? 0), 0)} context turns.\n`,
);
console.log("| category   | cases | correct | accuracy | target | ratio |");
console.log("| ---------- | ----- | ------- | -------- | ------ | ----- |");
for (const row of rows) console.log(row);
console.log(
  `| **all**    | ${String(results.length).padStart(5)} | ${String(ok).padStart(7)} | ${pct(ok, results.length).padStart(8)} | ≥ ${TARGET_OVERALL * 100}%  | ${(ok / results.length / TARGET_OVERALL).toFixed(2).padStart(5)} |`,
);
console.log(
  "\n| latency (1 connection, HTTP on loopback)        | turns | p50 ms | p99 ms | p99 target | ratio | turns/s |",
);
console.log(
  "| ----------------------------------------------- | ----- | ------ | ------ | ---------- | ----- | ------- |",
);
const latencyRow = (label: string, values: number[], rate?: number) =>
  console.log(
    `| ${label.padEnd(47)} | ${String(values.length).padStart(5)} | ${percentile(values, 50).toFixed(1).padStart(6)} | ${percentile(values, 99).toFixed(1).padStart(6)} | ≤ ${TARGET_P99_MS} ms   | ${(percentile(values, 99) / TARGET_P99_MS).toFixed(2).padStart(5)} | ${rate ? rate.toFixed(0).padStart(7) : "      -"} |`,
  );
latencyRow("every turn of the labelled set", setLatencies);
latencyRow(`"what's pending?" (new conversation, 20 tasks)`, pendingLatencies, perSecond);
console.log(
  `\nCPU time of the app process (server and client) per "what's pending?" turn: ${cpuPerTurnMs.toFixed(2)} ms. ` +
    `Load average when it ran: ${load.toFixed(2)} on ${cpus().length} CPUs.`,
);
if (failures.length > 0) console.log(`\nMisunderstood (${failures.length}):\n${failures.join("\n")}`);
