// The offline chat agent's benchmark: runs labelled message sets against the real app (a throwaway PostgreSQL,
// scripts/stand-ins.mjs, or PGlite when PostgreSQL is not installed), checks each answer AND the
// database's end state, and prints accuracy per category and per language, the count of unasked changes, and the
// server-side time of every turn. Not part of the test suite: it prints, it doesn't assert.
//
//   npm run bench:chat                   every set: docs/chat-messages.yaml, the corpus' tune and locked-test parts
//   npm run bench:chat -- --set tune     one set (docs | tune | locked); `--pglite` forces PGlite
//
// The locked test part is only measured: its misses are counted, never printed (nobody tunes on it).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { parse } from "yaml";
import { buildApp } from "../app/backend/src/app.js";
import { loadConfig } from "../app/backend/src/config.js";
import { openDatabase } from "../app/backend/src/db/client.js";
import { throwawayPostgres } from "./stand-ins.mjs";

/** One labelled case; the corpus' schema (app/backend/chat-corpus/README.md), plus `calls` of the older set. */
export interface Case {
  id?: string;
  category: string;
  lang?: string;
  intent?: string;
  setup?: string[];
  before?: string[];
  say: string;
  add?: string[];
  describe?: Record<string, string>;
  done?: number[];
  open?: number[];
  remove?: number[];
  rename?: Record<string, string>;
  asks?: boolean;
  lists?: "all" | "pending" | "completed";
  reply?: string;
  /** docs/chat-messages.yaml only: the writes of the scored turn ("complete_task:3") and "list_tasks:<status>". */
  calls?: string[];
}
interface LabelledSet {
  default_setup: string[];
  cases: Case[];
}
type ToolCall = { name: string; arguments: Record<string, unknown>; result: unknown };
type Task = { id: number; title: string; description: string | null; completed: boolean };
type Answer = { conversation_id: number; response: string; tool_calls: ToolCall[] };

const ROOT = join(import.meta.dirname, "..");
const SETS = {
  docs: { file: "docs/chat-messages.yaml", locked: false },
  tune: { file: "app/backend/chat-corpus/tune.yaml", locked: false },
  locked: { file: "app/backend/chat-corpus/locked-test.yaml", locked: true },
} as const;
type SetName = keyof typeof SETS;
// The accuracy targets: the locked part ≥ 95%; held-out sets ≥ 90% overall and every category ≥ 80%.
const TARGET_LOCKED = 0.95;
const TARGET_OVERALL = 0.9;
const TARGET_CATEGORY = 0.8;
const TARGET_P99_MS = 25;
const WRITE_TOOLS = new Set(["add_task", "complete_task", "delete_task", "update_task"]);
// Words a reply must never show: tool names, error classes, the protocol, validation library output.
const INTERNALS =
  /\b(add_task|list_tasks|complete_task|delete_task|update_task|MCP|Error|ZodError|invalid_type|too_big|SQL|select)\b/;

const { values: options } = parseArgs({
  options: { set: { type: "string", multiple: true }, pglite: { type: "boolean", default: false } },
});
const chosen = (options.set ?? Object.keys(SETS)) as SetName[];
for (const name of chosen) {
  if (!(name in SETS))
    throw new Error(`--set ${name}: unknown set; use one of ${Object.keys(SETS).join(", ")}`);
}

/**
 * What the offline agent's classifier costs a process: its load time and the memory it adds (heap and RSS,
 * after a full GC), measured in a fresh Node process so nothing else loaded skews it.
 */
function classifierCost(): { loadMs: number; heapMiB: number; rssMiB: number } {
  const probe = `
    const mib = (n) => n / 1048576;
    globalThis.gc(); const before = process.memoryUsage();
    const started = performance.now();
    const { classify } = await import(${JSON.stringify(join(ROOT, "app/backend/src/agent/offline/intent-model.ts"))});
    classify("add buy milk");
    const loadMs = performance.now() - started;
    globalThis.gc(); const after = process.memoryUsage();
    console.log(JSON.stringify({ loadMs, heapMiB: mib(after.heapUsed - before.heapUsed), rssMiB: mib(after.rss - before.rss) }));`;
  const output = execFileSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "--input-type=module", "-e", probe],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  return JSON.parse(output.trim().split("\n").at(-1)!);
}
const classifier = classifierCost();

const postgres = options.pglite ? undefined : await throwawayPostgres();
const config = loadConfig({
  NODE_ENV: "production",
  ...(postgres ? { DATABASE_URL: postgres.url } : { PGLITE_DATA_DIR: "memory://" }),
  BETTER_AUTH_SECRET: "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
  BETTER_AUTH_URL: "http://127.0.0.1:8000",
  LOG_LEVEL: "silent",
  CHAT_RATE_LIMIT_PER_MINUTE: "10000",
  WRITE_RATE_LIMIT_PER_MINUTE: "100000",
});
const logger = pino({ level: "silent" });
const database = await openDatabase({
  databaseUrl: config.DATABASE_URL,
  pgliteDataDir: config.PGLITE_DATA_DIR,
  logger,
});
const app = await buildApp({ config, logger, database });
await app.ready();
for (let ready = false; !ready;) {
  ready = (await app.inject({ method: "GET", url: "/ready" })).statusCode === 200;
  if (!ready) await new Promise((resolve) => setTimeout(resolve, 50));
}

let users = 0;
async function newUser(server: FastifyInstance) {
  const n = ++users;
  const response = await server.inject({
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

/**
 * A user with no tasks, numbering from 1, and no conversations: signed up once (a sign-up hashes a password,
 * the slowest part of a case), then emptied for each case.
 */
let reusable: User | undefined;
async function freshUser(): Promise<User> {
  reusable ??= await newUser(app);
  await database.db.execute(sql`DELETE FROM tasks WHERE user_id = ${reusable.id}`);
  await database.db.execute(sql`DELETE FROM task_counters WHERE user_id = ${reusable.id}`);
  await database.db.execute(sql`DELETE FROM conversations WHERE user_id = ${reusable.id}`);
  return reusable;
}

async function seed(user: User, setup: string[]) {
  for (const entry of setup) {
    const created = await app.inject({
      method: "POST",
      url: `/api/${user.id}/tasks`,
      headers: user.headers,
      payload: { title: entry.replace(/^\[x\] /, "") },
    });
    if (entry.startsWith("[x] ")) {
      await app.inject({
        method: "PATCH",
        url: `/api/${user.id}/tasks/${created.json().id}/complete`,
        headers: user.headers,
        payload: { completed: true },
      });
    }
  }
}

/** One turn through the whole app (inject: no socket), timed: the server-side time of the turn. */
async function chat(user: User, message: string, turnTimes: number[], conversationId?: number) {
  const started = performance.now();
  const response = await app.inject({
    method: "POST",
    url: `/api/${user.id}/chat`,
    headers: user.headers,
    payload: conversationId ? { message, conversation_id: conversationId } : { message },
  });
  turnTimes.push(performance.now() - started);
  if (response.statusCode !== 200) throw new Error(`chat answered ${response.statusCode}: ${response.body}`);
  return response.json() as Answer;
}

async function tasksOf(user: User): Promise<Task[]> {
  const response = await app.inject({ method: "GET", url: `/api/${user.id}/tasks`, headers: user.headers });
  return response.json() as Task[];
}

/**
 * Added tasks are numbered after the setup's last, counting only those that exist at the end (the corpus'
 * rule: an add that was undone gave its number away), so they are found by order, not by database id.
 */
function renumberAdded(tasks: Task[], setupSize: number): Task[] {
  const added = tasks.filter((task) => task.id > setupSize).sort((a, b) => a.id - b.id);
  const renumbered = new Map(added.map((task, index) => [task, setupSize + index + 1]));
  return tasks.map((task) => ({ ...task, id: renumbered.get(task) ?? task.id }));
}

interface Expected {
  title: string;
  completed: boolean;
  description?: string;
}

function setupState(testCase: Case, set: LabelledSet): Map<number, Expected> {
  const setup = testCase.setup ?? set.default_setup;
  return new Map(
    setup.map((entry, index) => [
      index + 1,
      { title: entry.replace(/^\[x\] /, ""), completed: entry.startsWith("[x] ") },
    ]),
  );
}

function expectedState(testCase: Case, set: LabelledSet): Map<number, Expected> {
  const state = setupState(testCase, set);
  let next = state.size + 1;
  for (const title of testCase.add ?? []) state.set(next++, { title, completed: false });
  const at = (id: number | string) => {
    const task = state.get(Number(id));
    if (!task) throw new Error(`case ${testCase.id ?? testCase.say}: task ${id} is not in its setup`);
    return task;
  };
  for (const id of testCase.done ?? []) at(id).completed = true;
  for (const id of testCase.open ?? []) at(id).completed = false;
  for (const [id, title] of Object.entries(testCase.rename ?? {})) at(id).title = title;
  for (const [id, text] of Object.entries(testCase.describe ?? {})) at(id).description = text;
  for (const id of testCase.remove ?? []) state.delete(id);
  return state;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
const succeeded = (call: ToolCall) =>
  WRITE_TOOLS.has(call.name) && !(call.result as { error?: unknown } | null)?.error;
const matches = (task: Task | undefined, want: Expected) =>
  task !== undefined &&
  same(task.title, want.title) &&
  task.completed === want.completed &&
  (want.description === undefined ||
    (task.description ?? "").toLowerCase().includes(want.description.toLowerCase()));

/**
 * Changes nobody asked for: a task the case does not name that changed, a named task changed in another way
 * than asked (deleted instead of completed), more tasks than asked for, or any write in a turn that must ask.
 */
function unaskedChanges(testCase: Case, set: LabelledSet, tasks: Task[], answer: Answer): string[] {
  const before = setupState(testCase, set);
  const wanted = expectedState(testCase, set);
  const actual = new Map(tasks.map((task) => [task.id, task]));
  const found: string[] = [];
  for (const [id, was] of before) {
    const now = actual.get(id);
    const want = wanted.get(id);
    if ((!want && !now) || (want && matches(now, want)) || (now && matches(now, was))) continue;
    if (!now) found.push(`task ${id} deleted`);
    else if (!want) found.push(`task ${id} changed instead of deleted`);
    else if (now.completed !== want.completed && now.completed !== was.completed)
      found.push(`task ${id} ${now.completed ? "completed" : "reopened"}`);
    else if (!same(now.title, was.title) && !testCase.rename?.[id]) found.push(`task ${id} renamed`);
    else if ((now.description ?? "") !== "" && !testCase.describe?.[id]) found.push(`task ${id} described`);
  }
  const added = tasks.filter((task) => !before.has(task.id));
  const addedExpected = (testCase.add ?? []).length;
  if (added.length > addedExpected) found.push(`${added.length - addedExpected} task(s) added unasked`);
  if (testCase.asks && answer.tool_calls.some(succeeded)) found.push("wrote in a turn that must ask");
  return found;
}

function judge(testCase: Case, set: LabelledSet, answer: Answer, tasks: Task[]): string[] {
  const problems: string[] = [];
  const wanted = expectedState(testCase, set);
  const actual = new Map(tasks.map((task) => [task.id, task]));
  const stateOk =
    wanted.size === actual.size && [...wanted].every(([id, task]) => matches(actual.get(id), task));
  if (!stateOk) {
    const shown = tasks.map(
      (t) =>
        `${t.id}${t.completed ? "x" : ""}:${t.title}${t.description ? ` [${t.description.slice(0, 40)}]` : ""}`,
    );
    problems.push(`state ${JSON.stringify(shown)}`);
  }
  if (testCase.calls) {
    const writes = answer.tool_calls
      .filter(succeeded)
      .map((call) => `${call.name}:${call.arguments.task_id ?? ""}`);
    const expected = testCase.calls.filter((call) => !call.startsWith("list_tasks"));
    const same = (actualCall: string, expectedCall: string) =>
      expectedCall.includes(":") ? actualCall === expectedCall : actualCall.startsWith(`${expectedCall}:`);
    if (writes.length !== expected.length || !expected.every((call, i) => same(writes[i]!, call)))
      problems.push(`calls ${JSON.stringify(writes)} != ${JSON.stringify(expected)}`);
    for (const listing of testCase.calls.filter((call) => call.startsWith("list_tasks"))) {
      const status = listing.split(":")[1];
      if (!answer.tool_calls.some((call) => call.name === "list_tasks" && call.arguments.status === status))
        problems.push(`no ${listing}`);
    }
  }
  if (testCase.asks) {
    if (answer.tool_calls.some(succeeded)) problems.push("wrote instead of asking");
    if (!/[?؟]/.test(answer.response)) problems.push("did not ask");
  }
  if (testCase.lists) {
    const shown = [...wanted.values()].filter(
      (task) => testCase.lists === "all" || task.completed === (testCase.lists === "completed"),
    );
    const hidden = [...wanted.values()].filter((task) => !shown.includes(task));
    const text = answer.response.toLowerCase();
    const missing = shown.filter((task) => !text.includes(task.title.toLowerCase()));
    const extra = hidden
      .filter((task) => !shown.some((s) => s.title.toLowerCase().includes(task.title.toLowerCase())))
      .filter((task) => text.includes(task.title.toLowerCase()));
    if (missing.length > 0 || extra.length > 0) problems.push(`not the ${testCase.lists} tasks`);
  }
  if (testCase.reply && !new RegExp(testCase.reply, "iu").test(answer.response))
    problems.push(`reply lacks /${testCase.reply}/`);
  if (INTERNALS.test(answer.response)) problems.push("reply shows internals");
  return problems;
}

interface Result {
  testCase: Case;
  ok: boolean;
  unasked: string[];
  /** The unasked changes the scored turn itself made (the others: an earlier message's change left standing). */
  unaskedByTurn: string[];
}

/**
 * Which unasked changes the scored turn made itself. The count above compares the end with the setup, so a change
 * an earlier message of the case asked for, left standing where the case wanted it taken back (an undo or a
 * correction asked about instead of made), counts too; this one compares with the tasks just before the turn.
 */
function madeByTurn(unasked: string[], before: Task[], after: Task[]): string[] {
  const key = (task: Task | undefined) =>
    task ? JSON.stringify([task.title, task.completed, task.description ?? ""]) : "";
  const was = new Map(before.map((task) => [task.id, task]));
  const now = new Map(after.map((task) => [task.id, task]));
  const added = after.some((task) => !was.has(task.id));
  return unasked.filter((finding) => {
    const task = /^task (\d+) /.exec(finding);
    if (task) return key(was.get(Number(task[1]))) !== key(now.get(Number(task[1])));
    if (finding.endsWith("added unasked")) return added;
    return true;
  });
}

async function runSet(name: SetName) {
  const file = join(ROOT, SETS[name].file);
  if (!existsSync(file)) return undefined;
  const set = parse(readFileSync(file, "utf8")) as LabelledSet;
  const results: Result[] = [];
  const failures: string[] = [];
  const turnTimes: number[] = [];
  for (const testCase of set.cases) {
    const user = await freshUser();
    await seed(user, testCase.setup ?? set.default_setup);
    let conversation: number | undefined;
    for (const message of testCase.before ?? [])
      conversation = (await chat(user, message, turnTimes, conversation)).conversation_id;
    const beforeTurn = await tasksOf(user);
    const answer = await chat(user, testCase.say, turnTimes, conversation);
    const afterTurn = await tasksOf(user);
    const tasks = renumberAdded(afterTurn, (testCase.setup ?? set.default_setup).length);
    const problems = judge(testCase, set, answer, tasks);
    const unasked = unaskedChanges(testCase, set, tasks, answer);
    const unaskedByTurn = madeByTurn(unasked, beforeTurn, afterTurn);
    results.push({ testCase, ok: problems.length === 0, unasked, unaskedByTurn });
    if (problems.length > 0 && !SETS[name].locked) {
      const label = [testCase.id, testCase.category, testCase.lang].filter(Boolean).join(" ");
      failures.push(
        `[${label}] ${JSON.stringify(testCase.say)} -> ${JSON.stringify(answer.response).slice(0, 160)}\n    ${[...problems, ...unasked.map((u) => `UNASKED ${u}`)].join("; ")}`,
      );
    }
  }
  return { name, file: SETS[name].file, results, failures, turnTimes };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
};
const pct = (ok: number, all: number) => `${((100 * ok) / all).toFixed(1)}%`;

/**
 * The corpus batch a case came in, from its id (chat-corpus/README.md): `<category>-<n>`, n below 500 for the first
 * five batches, then 5xx the sixth ... 9xx the tenth, 10xx the eleventh. Aggregates only, like every table here.
 */
function batchOf(id: string | undefined): string {
  const n = Number(/-(\d+)$/.exec(id ?? "")?.[1] ?? NaN);
  if (!Number.isFinite(n)) return "?";
  return n < 500 ? "1st-5th" : `${Math.floor(n / 100) + 1}th`;
}

function table(title: string, results: Result[], key: (result: Result) => string, target: number) {
  console.log(`\n| ${title.padEnd(14)} | cases | correct | accuracy | target | unasked changes |`);
  console.log("| -------------- | ----- | ------- | -------- | ------ | --------------- |");
  for (const group of [...new Set(results.map(key))].sort()) {
    const inGroup = results.filter((result) => key(result) === group);
    const ok = inGroup.filter((result) => result.ok).length;
    const unasked = inGroup.filter((result) => result.unasked.length > 0).length;
    console.log(
      `| ${group.padEnd(14)} | ${String(inGroup.length).padStart(5)} | ${String(ok).padStart(7)} | ${pct(ok, inGroup.length).padStart(8)} | ≥ ${String(target * 100).padEnd(3)}% | ${String(unasked).padStart(15)} |`,
    );
  }
}

const load = loadavg()[0]!;
const runs = [];
for (const name of chosen) {
  const run = await runSet(name);
  if (!run) console.log(`(${SETS[name].file} not found: skipped)`);
  else runs.push(run);
}
await app.close();
await postgres?.stop();

console.log(
  `Database: ${postgres ? "PostgreSQL (throwaway)" : "PGlite (in memory)"}. ` +
    `Load average at the start: ${load.toFixed(2)} on ${cpus().length} CPUs.`,
);
console.log(
  "\n| set                                     | cases | correct | accuracy | target | unasked changes (target 0) | turns | p50 ms | p99 ms | p99 target |",
);
console.log(
  "| --------------------------------------- | ----- | ------- | -------- | ------ | -------------------------- | ----- | ------ | ------ | ---------- |",
);
for (const run of runs) {
  const ok = run.results.filter((result) => result.ok).length;
  const unasked = run.results.filter((result) => result.unasked.length > 0).length;
  const target = SETS[run.name].locked ? TARGET_LOCKED : TARGET_OVERALL;
  console.log(
    `| ${run.file.padEnd(39)} | ${String(run.results.length).padStart(5)} | ${String(ok).padStart(7)} | ${pct(ok, run.results.length).padStart(8)} | ≥ ${target * 100}%  | ${String(unasked).padStart(26)} | ${String(run.turnTimes.length).padStart(5)} | ${percentile(run.turnTimes, 50).toFixed(1).padStart(6)} | ${percentile(run.turnTimes, 99).toFixed(1).padStart(6)} | ≤ ${TARGET_P99_MS} ms   |`,
  );
}
console.log(
  `\nUnasked changes made by the scored turn itself (the rest: a change an earlier message asked for, left standing ` +
    `where the case wanted it taken back): ${runs
      .map((run) => `${run.name} ${run.results.filter((result) => result.unaskedByTurn.length > 0).length}`)
      .join(", ")}.`,
);
console.log(
  `\nIntent classifier: loads in ${classifier.loadMs.toFixed(1)} ms (includes tsx compiling it), adds ` +
    `${classifier.heapMiB.toFixed(1)} MiB of heap and ${classifier.rssMiB.toFixed(1)} MiB of RSS (target ≤ 15 MiB).`,
);
for (const run of runs) {
  console.log(`\n### ${run.file}`);
  table("category", run.results, (result) => result.testCase.category, TARGET_CATEGORY);
  if (run.results.some((result) => result.testCase.lang))
    table("language", run.results, (result) => result.testCase.lang ?? "?", TARGET_CATEGORY);
  if (run.results.some((result) => result.testCase.id))
    table("batch", run.results, (result) => batchOf(result.testCase.id), TARGET_CATEGORY);
  const unasked = run.results.filter((result) => result.unasked.length > 0);
  if (unasked.length > 0 && !SETS[run.name].locked) {
    console.log(`\nUnasked changes (${unasked.length}):`);
    for (const result of unasked)
      console.log(
        `- ${result.testCase.id ?? ""} ${JSON.stringify(result.testCase.say)}: ${result.unasked.join("; ")}`,
      );
  }
  if (run.failures.length > 0)
    console.log(`\nMisunderstood (${run.failures.length}):\n${run.failures.join("\n")}`);
}
