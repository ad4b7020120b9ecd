// Backend latency benchmark: starts the built server (`npm run build -w app/backend` first), then times
// start-up, GET /tasks, POST /tasks and chat on the offline agent. Prints a Markdown table. Each row runs as a
// user of its own with 20 tasks, so no row measures what an earlier one left behind. The full benchmark, with
// a floor beside each figure, is `npm run bench` (scripts/bench-containers.ts).
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
    WRITE_RATE_LIMIT_PER_MINUTE: "100000",
    // Each row signs a user up from an address of its own (sign-up allows 3 a minute per address).
    TRUSTED_PROXIES: "127.0.0.1/32",
    BETTER_AUTH_SECRET: "bench-secret-0123456789abcdefghijklmnop",
  },
  stdio: "inherit",
});
try {
  await until(async () => (await fetch(`${base}/health`).catch(() => null))?.ok);
  const listening = performance.now() - started;
  await until(async () => (await fetch(`${base}/ready`).catch(() => null))?.ok);
  const ready = performance.now() - started;

  let users = 0;
  /** A new user with 20 tasks, signed up from an address of its own; returns their id and headers. */
  async function freshUser() {
    users += 1;
    const signUp = await fetch(`${base}/api/auth/sign-up/email`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: "http://localhost:3000",
        "x-forwarded-for": `198.18.0.${users}`,
      },
      body: JSON.stringify({
        name: "Bench",
        email: `bench-${users}-${Date.now()}@example.com`,
        password: "bench-password-violet-staircase",
      }),
    });
    if (!signUp.ok) throw new Error(`sign-up: ${signUp.status} ${await signUp.text()}`);
    const token = signUp.headers.get("set-auth-token");
    const { user } = /** @type {{ user: { id: string } }} */ (await signUp.json());
    const fresh = {
      id: user.id,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    };
    for (let i = 0; i < 20; i++)
      await call(fresh, "POST", `/api/${user.id}/tasks`, { title: `seed task ${i}` });
    return fresh;
  }

  /** @type {[string, (user: Awaited<ReturnType<typeof freshUser>>) => Promise<unknown>][]} */
  const scenarios = [
    ["GET /api/{user}/tasks (20 tasks)", (u) => call(u, "GET", `/api/${u.id}/tasks`)],
    ["POST /api/{user}/tasks", (u) => call(u, "POST", `/api/${u.id}/tasks`, { title: "bench" })],
    [
      'POST /api/{user}/chat "what\'s pending?" (20 tasks)',
      (u) => call(u, "POST", `/api/${u.id}/chat`, { message: "what's pending?" }),
    ],
    [
      'POST /api/{user}/chat "add a task to ..."',
      (u) => call(u, "POST", `/api/${u.id}/chat`, { message: "add a task to buy milk" }),
    ],
    ["GET /health (reference)", (u) => call(u, "GET", "/health")],
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
      const user = await freshUser();
      const result = await measure(() => run(user), concurrency);
      console.log(
        `| ${name} | ${concurrency} | ${REQUESTS} | ${result.rps.toFixed(0)} | ${result.p50.toFixed(1)} | ${result.p99.toFixed(1)} |`,
      );
    }
  }

  async function call(user, method, path, body) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: user.headers,
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
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port: free } = /** @type {import("node:net").AddressInfo} */ (probe.address());
  await new Promise((resolve) => probe.close(resolve));
  return free;
}
