// Container benchmark (`npm run bench`): image sizes, start -> ready times, backend and frontend-proxy
// throughput/latency (autocannon) and memory of each container idle and under load, each figure beside its
// floor measured in the same run: a minimal Fastify + node-postgres server (scripts/bench-floor.mjs) in the
// backend image doing only the SQL the request needs, or for the proxy the backend reached directly. Every
// row starts from the same state (the bench user's tasks reset to 20, no conversations), and the containers
// run with the chart's settings and resource limits (scripts/docker-stack.ts). Prints Markdown tables for
// docs/benchmarks.md. `--build-times` adds cold and cached build times (two `docker build --no-cache`).
// Usage: npm run bench [-- --seconds=5] [-- --build-times] [-- --set frontend.resources.limits.cpu=1000m ...]
// (--set: chart values for this run, e.g. to measure other resource limits than the chart's)
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
// @ts-expect-error -- autocannon ships no type declarations
import autocannon from "autocannon";
import { buildSync } from "esbuild";
import {
  containerIp,
  containerMemoryMiB,
  docker,
  memoryMiB,
  removeRun,
  RUN_ID,
  RUN_LABELS,
  statusOf,
  waitFor,
} from "./docker-cli.js";
import { IMAGE_BUDGET_MIB, IMAGES, prepareImages, startStack } from "./docker-stack.js";
import { resetSql } from "./bench-sql.mjs";

const ROOT = resolve(import.meta.dirname, "..");
const SECONDS = Number(/--seconds=(\d+)/.exec(process.argv.join(" "))?.[1] ?? 5);
const CONNECTIONS = [1, 10, 50];
const CHART_VALUES = Object.fromEntries(
  process.argv.flatMap((arg, i) =>
    process.argv[i - 1] === "--set" ? [arg.split(/=(.*)/s).slice(0, 2)] : [],
  ),
) as Record<string, string>;
const PREFIX = `todo-bench-${RUN_ID}`;
// The chat throughput target: twice the 165 req/s at 1 connection of the baseline in docs/benchmarks.md.
const CHAT_TARGET_RPS = 330;

type Result = { rps: number; p99: number; errors: number; peakMiB: Record<string, number> };

const mib = (bytes: number) => bytes / 2 ** 20;
const table = (head: string[], rows: (string | number)[][]) =>
  [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");

// First: it starts the Docker engine, which describeMachine() asks for its version.
const { nodeImage: NODE_IMAGE } = await prepareImages();
console.log(`# container benchmark: ${describeMachine()}\n`);

// ---- image sizes: what each image adds on top of the base, against the budget
const baseBytes = Number(docker(["image", "inspect", "-f", "{{.Size}}", NODE_IMAGE]));
const sizeRows = (["backend", "frontend"] as const).map((component) => {
  const total = Number(docker(["image", "inspect", "-f", "{{.Size}}", IMAGES[component]]));
  const over = mib(total - baseBytes);
  return [
    component,
    mib(total).toFixed(0),
    over.toFixed(1),
    IMAGE_BUDGET_MIB,
    (over / IMAGE_BUDGET_MIB).toFixed(2),
  ];
});
console.log(`## Image size (base ${NODE_IMAGE} stand-in: ${mib(baseBytes).toFixed(0)} MiB)\n`);
console.log(
  table(["image", "total MiB", "over the base MiB", "target MiB", "ratio to target"], sizeRows),
  "\n",
);

// ---- build times (opt in: they need cold builds), in a copy of the sources so the work tree is untouched
if (process.argv.includes("--build-times")) {
  console.log("## Build time (classic builder)\n");
  console.log(table(["image", "cold s", "after a one-line source change s", "ratio"], buildTimes()), "\n");
}

// ---- the stack, with the chat and write limits at their maximum so the load measures the server, not the
// limiter. The log level stays the chart's.
const floorDir = bundleFloor();
const stack = await startStack(PREFIX, {
  backendEnv: { CHAT_RATE_LIMIT_PER_MINUTE: "10000", WRITE_RATE_LIMIT_PER_MINUTE: "100000" },
  chartValues: CHART_VALUES,
  limits: true,
});
if (Object.keys(CHART_VALUES).length)
  console.log(`chart values for this run: ${JSON.stringify(CHART_VALUES)}\n`);
try {
  const backendIdle = memoryMiB(stack.names.backend);
  const frontendIdle = memoryMiB(stack.names.frontend);
  const postgresIdle = memoryMiB(stack.names.postgres);

  // The floor server: the backend's image, flags, limits and database, with the floor bundle mounted in.
  const floor = `${PREFIX}-floor`;
  docker([
    ...["run", "-d", "--name", floor, ...RUN_LABELS, `--network=${stack.names.network}`],
    ...stack.specs.backend.runFlags,
    ...stack.specs.backend.limitFlags,
    ...["-e", `DATABASE_URL=${stack.databaseUrl}`],
    ...["-e", `DATABASE_POOL_MAX=${stack.specs.backend.env.DATABASE_POOL_MAX ?? 5}`],
    `--mount=type=bind,source=${floorDir},destination=/bench,readonly`,
    ...[IMAGES.backend, "node", "/bench/floor.cjs"],
  ]);
  const floorUrl = `http://${containerIp(floor, stack.names.network)}:8000`;
  await waitFor("the floor server", async () => (await statusOf(`${floorUrl}/`)) === 200);
  const floorIdle = memoryMiB(floor);

  console.log("## Start -> ready (docker run to readiness probe 200)\n");
  console.log(
    table(
      ["container", "ms", "target"],
      Object.entries(stack.readyMs).map(([name, ms]) => [
        name,
        ms.toFixed(0),
        name === "backend" ? "≤ 1000" : "",
      ]),
    ),
    "\n",
  );

  // Direct to the containers' bridge addresses: docker's userland port proxy would be part of the measurement.
  const backend = `http://${containerIp(stack.names.backend, stack.names.network)}:8000`;
  const frontend = `http://${containerIp(stack.names.frontend, stack.names.network)}:3000`;
  const user = await signUp(backend, stack.frontendUrl);
  const auth = { authorization: `Bearer ${user.token}`, "content-type": "application/json" };
  /** The known state every row starts from: 20 open tasks, no conversations. */
  const reset = () => stack.psql(resetSql(user.id));
  const getTasks = (base: string) => ({ url: `${base}/api/${user.id}/tasks`, headers: auth });
  const postTask = (base: string) => ({ ...getTasks(base), method: "POST", body: '{"title":"bench"}' });
  const chat = {
    url: `${backend}/api/${user.id}/chat`,
    method: "POST",
    headers: auth,
    body: JSON.stringify({ message: "what's pending?" }),
  };
  const watchBackend = { backend: stack.names.backend, postgres: stack.names.postgres };

  type Row = {
    name: string;
    connections: number[];
    figure: Record<string, unknown>;
    floorName: string;
    floor?: Record<string, unknown>;
    watched: Record<string, string>;
    target: (connections: number) => string;
  };
  const ratioTarget = (min: number, from: number) => (connections: number) =>
    connections >= from ? `≥ ${min}` : "";
  const rows: Row[] = [
    {
      name: "GET /api/{user}/tasks (20 tasks)",
      connections: CONNECTIONS,
      figure: getTasks(backend),
      floorName: "1 auth query + tasks",
      floor: getTasks(floorUrl),
      watched: watchBackend,
      target: ratioTarget(0.9, 1),
    },
    {
      name: "POST /api/{user}/tasks",
      connections: CONNECTIONS,
      figure: postTask(backend),
      floorName: "1 auth query + insert",
      floor: postTask(floorUrl),
      watched: watchBackend,
      target: () => "",
    },
    {
      name: 'POST /api/{user}/chat "what\'s pending?" (offline agent)',
      connections: [1, 10],
      figure: chat,
      floorName: "1 auth query + tasks",
      floor: getTasks(floorUrl),
      watched: watchBackend,
      target: (connections) => (connections === 1 ? `≥ ${CHAT_TARGET_RPS} req/s, p99 ≤ 25 ms` : ""),
    },
    {
      name: "frontend proxy: GET /api/{user}/tasks",
      connections: [10, 50],
      figure: getTasks(frontend),
      floorName: "the backend directly",
      floor: getTasks(backend),
      watched: { frontend: stack.names.frontend },
      target: ratioTarget(0.8, 10),
    },
    {
      name: "GET / hello world (the HTTP stack alone)",
      connections: CONNECTIONS,
      figure: { url: `${floorUrl}/` },
      floorName: "",
      watched: { floor },
      target: () => "",
    },
  ];
  const loadRows: (string | number)[][] = [];
  const peak: Record<string, number> = {};
  for (const row of rows) {
    for (const connections of row.connections) {
      reset();
      const floorResult = row.floor ? await load(row.floor, connections, { floor }) : undefined;
      reset();
      const result = await load(row.figure, connections, row.watched);
      for (const [key, value] of Object.entries(result.peakMiB)) peak[key] = Math.max(peak[key] ?? 0, value);
      loadRows.push([
        row.name,
        connections,
        result.rps.toFixed(0),
        result.p99.toFixed(1),
        result.errors,
        row.floorName,
        floorResult ? floorResult.rps.toFixed(0) : "",
        floorResult ? (result.rps / floorResult.rps).toFixed(2) : "",
        row.target(connections),
      ]);
    }
  }
  console.log(
    `## Under load (autocannon, ${SECONDS} s after a 1 s warm-up each, to the containers' addresses, PostgreSQL 17)\n`,
  );
  console.log(
    table(
      ["request", "connections", "req/s", "p99 ms", "errors", "floor", "floor req/s", "ratio", "target"],
      loadRows,
    ),
    "\n",
  );

  console.log("## Memory (MiB; container = what the memory cgroup counts, i.e. what a limit applies to)\n");
  const memoryRow = (name: string, idle: { processRss: number; container: number }, peakMiB?: number) => [
    name,
    idle.processRss.toFixed(0),
    idle.container.toFixed(0),
    peakMiB === undefined ? "" : peakMiB.toFixed(0),
  ];
  console.log(
    table(
      ["container", "idle: process RSS", "idle: container", "under load: container peak"],
      [
        memoryRow("backend", backendIdle, peak.backend),
        memoryRow("floor (minimal Fastify + pg)", floorIdle, peak.floor),
        memoryRow("frontend", frontendIdle, peak.frontend),
        memoryRow("postgres", postgresIdle, peak.postgres),
      ],
    ),
    "\n",
  );
  console.log(
    `backend idle RSS / floor idle RSS: ${(backendIdle.processRss / floorIdle.processRss).toFixed(2)} (target ≤ 1.2); ` +
      `backend peak ${(peak.backend ?? 0).toFixed(0)} MiB (target ≤ 200)\n`,
  );
} finally {
  removeRun(); // everything this run created: the floor container (on the stack's network), the stack, the images
  stack.remove();
  rmSync(floorDir, { recursive: true, force: true });
}

/** One autocannon run; samples the containers' memory every 500 ms meanwhile and keeps the peak. */
async function load(
  options: Record<string, unknown>,
  connections: number,
  watched: Record<string, string>,
): Promise<Result> {
  await autocannon({ ...options, connections, duration: 1 }); // warm-up
  const peakMiB: Record<string, number> = {};
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      for (const [key, name] of Object.entries(watched)) {
        // Asynchronous: a blocking `docker stats` would stall the load generator in this same process.
        peakMiB[key] = Math.max(peakMiB[key] ?? 0, await containerMemoryMiB(name));
      }
      await new Promise((done) => setTimeout(done, 500));
    }
  })();
  const result = await autocannon({ ...options, connections, duration: SECONDS });
  sampling = false;
  await sampler;
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    peakMiB,
  };
}

/** The floor server (scripts/bench-floor.mjs) bundled with the backend's fastify and pg, readable by the app user. */
function bundleFloor(): string {
  const dir = mkdtempSync(join(os.tmpdir(), `${PREFIX}-floor-`));
  buildSync({
    entryPoints: [join(ROOT, "scripts/bench-floor.mjs")],
    bundle: true,
    platform: "node",
    format: "cjs",
    external: ["pg-native"], // pg's optional native binding, never loaded
    outfile: join(dir, "floor.cjs"),
    logLevel: "warning",
  });
  chmodSync(dir, 0o755);
  chmodSync(join(dir, "floor.cjs"), 0o644);
  return dir;
}

/** Cold (no cache) and cached-after-a-one-line-change build times of both images, in a copy of the sources. */
function buildTimes(): (string | number)[][] {
  const copy = mkdtempSync(join(os.tmpdir(), `${PREFIX}-context-`));
  try {
    const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: ROOT })
      .toString()
      .split("\n")
      .filter(Boolean);
    for (const file of files) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      try {
        cpSync(join(ROOT, file), join(copy, file));
      } catch {
        // deleted in the work tree but still in the index
      }
    }
    // A real one-line change, a string the program uses: after a comment the backend's bundle is byte-identical.
    const changed = {
      backend: { file: "app/backend/src/server.ts", text: "todo-chatbot backend listening" },
      frontend: { file: "app/frontend/app/layout.tsx", text: 'title: "Todo Chatbot' },
    };
    return (["backend", "frontend"] as const).map((component) => {
      const tag = `todo-chatbot-${component}:bench-${RUN_ID}`;
      const build = (extra: string[]) => {
        const started = performance.now();
        docker([
          ...["build", "-q", ...RUN_LABELS, ...extra, "--build-arg", `NODE_IMAGE=${NODE_IMAGE}`],
          ...["-f", `app/${component}/Dockerfile`, "-t", tag, copy],
        ]);
        return (performance.now() - started) / 1000;
      };
      const cold = build(["--no-cache"]);
      const { file, text } = changed[component];
      const source = readFileSync(join(copy, file), "utf8");
      if (!source.includes(text))
        throw new Error(`bench: "${text}" is no longer in ${file}; change another line`);
      writeFileSync(join(copy, file), source.replace(text, `${text} ${Date.now()}`));
      const cached = build([]);
      docker(["rmi", tag]);
      return [
        `${component} (${changed[component].file} changed)`,
        cold.toFixed(0),
        cached.toFixed(0),
        `${((cached / cold) * 100).toFixed(0)} %`,
      ];
    });
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

async function signUp(backend: string, origin: string) {
  const response = await fetch(`${backend}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({
      name: "Bench",
      email: `bench-${Date.now()}@example.test`,
      password: "bench-password",
    }),
  });
  const body = (await response.json()) as { user?: { id: string } };
  const token = response.headers.get("set-auth-token");
  if (!response.ok || !token || !body.user)
    throw new Error(`sign-up failed: ${response.status} ${JSON.stringify(body)}`);
  return { id: body.user.id, token };
}

function describeMachine(): string {
  const cpus = os.cpus();
  const dockerVersion = docker(["version", "-f", "{{.Server.Version}}"]);
  return (
    `${cpus.length} × ${cpus[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ` +
    `${os.type()} ${os.release()}, Docker ${dockerVersion} (overlay2, classic builder), Node ${process.version}`
  );
}
