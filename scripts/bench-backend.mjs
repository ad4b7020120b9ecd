// Backend latency benchmark: starts the built server (`npm run build -w app/backend` first), then times
// start-up, GET /tasks, POST /tasks and chat on the offline agent. Prints a Markdown table.
// Usage: node scripts/bench-backend.mjs [requests=300] [concurrency=1,10]  (DATABASE_URL -> PostgreSQL)
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import os from "node:os";

const REQUESTS = Number(process.argv[2] ?? 300);
const CONCURRENCY = (process.argv[3] ?? "1,10").split(",").map(Number);

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const started = performance.now();
const server = spawn(process.execPath, ["app/backend/dist/server.js"], {
  env: {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    PGLITE_DATA_DIR: "memory://",
    CHAT_RATE_LIMIT_PER_MINUTE: "10000",
    BETTER_AUTH_SECRET: "bench-secret-0123456789abcdefghijklmnop",
  },
  stdio: "inherit",
});
try {
  await until(async () => (await fetch(`${base}/health`).catch(() => null))?.ok);
  const listening = performance.now() - started;
  await until(async () => (await fetch(`${base}/ready`).catch(() => null))?.ok);
  const ready = performance.now() - started;

  const signUp = await fetch(`${base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://localhost:3000" },
    body: JSON.stringify({
      name: "Bench",
      email: `bench-${Date.now()}@example.com`,
      password: "bench-password",
    }),
  });
  const token = signUp.headers.get("set-auth-token");
  const { user } = await signUp.json();
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  for (let i = 0; i < 20; i++) await call("POST", `/api/${user.id}/tasks`, { title: `seed task ${i}` });

  const scenarios = [
    ["GET /api/{user}/tasks (20 tasks)", () => call("GET", `/api/${user.id}/tasks`)],
    ["POST /api/{user}/tasks", () => call("POST", `/api/${user.id}/tasks`, { title: "bench" })],
    [
      'POST /api/{user}/chat "what\'s pending?" (~660 tasks by then)',
      () => call("POST", `/api/${user.id}/chat`, { message: "what's pending?" }),
    ],
    [
      'POST /api/{user}/chat "add a task to ..."',
      () => call("POST", `/api/${user.id}/chat`, { message: "add a task to buy milk" }),
    ],
    ["GET /health (reference)", () => call("GET", "/health")],
  ];
  console.log(
    `\nbackend on ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite (in memory)"}, Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model})`,
  );
  console.log(
    `start-up: listening after ${listening.toFixed(0)} ms, ready (migrations applied) after ${ready.toFixed(0)} ms\n`,
  );
  console.log("| request | concurrency | requests | req/s | p50 ms | p99 ms |");
  console.log("|---|---|---|---|---|---|");
  for (const [name, run] of scenarios) {
    for (const concurrency of CONCURRENCY) {
      const result = await measure(run, concurrency);
      console.log(
        `| ${name} | ${concurrency} | ${REQUESTS} | ${result.rps.toFixed(0)} | ${result.p50.toFixed(1)} | ${result.p99.toFixed(1)} |`,
      );
    }
  }

  async function call(method, path, body) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  }
} finally {
  server.kill("SIGTERM");
}

async function measure(run, concurrency) {
  for (let i = 0; i < 20; i++) await run(); // warm-up
  const latencies = [];
  let next = 0;
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < REQUESTS) {
        const t = performance.now();
        await run();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - begin) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { rps: latencies.length / seconds, p50: pct(50), p99: pct(99) };
}

async function until(check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port: free } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return free;
}
