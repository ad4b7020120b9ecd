// Container benchmark (`npm run bench`): image sizes, cold and cached build times, start -> ready times,
// backend throughput/latency (autocannon at 1, 10, 50 connections, against real PostgreSQL, with a plain
// Fastify hello-world in the same image as the reference) and memory of each container idle and under load.
// Prints Markdown tables for docs/benchmarks.md. Takes ~10 minutes on 2 cores (two cold builds).
// Usage: npm run bench [-- --seconds=5]
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
  LABEL,
  memoryMiB,
  removeLabelled,
  statusOf,
  waitFor,
} from "./docker-cli.js";
import { IMAGE_BUDGET_MIB, IMAGES, prepareImages, startStack } from "./docker-stack.js";
// @ts-expect-error -- plain ESM script without type declarations
import { NODE_IMAGE } from "./no-registry/stand-in-images.mjs";

const ROOT = resolve(import.meta.dirname, "..");
const SECONDS = Number(/--seconds=(\d+)/.exec(process.argv.join(" "))?.[1] ?? 5);
const CONNECTIONS = [1, 10, 50];
const PREFIX = `todo-bench-${process.pid}`;

type Result = { rps: number; p50: number; p99: number; errors: number; peakMiB: Record<string, number> };

const mib = (bytes: number) => bytes / 2 ** 20;
const table = (head: string[], rows: (string | number)[][]) =>
  [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");

console.log(`# container benchmark: ${describeMachine()}\n`);
await prepareImages();
removeLabelled();

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

// ---- build times, in a copy of the sources so the one-line change never touches the work tree
console.log("## Build time (classic builder)\n");
console.log(table(["image", "cold s", "after a one-line source change s", "ratio"], buildTimes()), "\n");

// ---- the stack, with the chat rate limit at its maximum (10000/min) so the load test measures the server, not the limiter
const helloDir = bundleHelloWorld();
const stack = await startStack(PREFIX, { CHAT_RATE_LIMIT_PER_MINUTE: "10000", LOG_LEVEL: "warn" });
try {
  console.log("## Start -> ready (docker run to readiness probe 200)\n");
  console.log(
    table(
      ["container", "ms"],
      Object.entries(stack.readyMs).map(([name, ms]) => [name, ms.toFixed(0)]),
    ),
    "\n",
  );
  const containers = {
    backend: stack.names.backend,
    frontend: stack.names.frontend,
    postgres: stack.names.postgres,
  };
  const idle = Object.fromEntries(Object.entries(containers).map(([key, name]) => [key, memoryMiB(name)]));

  // Direct to the container's bridge address: docker's userland port proxy would be part of the measurement.
  const backend = `http://${containerIp(stack.names.backend, stack.names.network)}:8000`;
  const user = await signUp(backend, stack.frontendUrl);
  const auth = { authorization: `Bearer ${user.token}`, "content-type": "application/json" };
  for (let i = 0; i < 20; i++) {
    await fetch(`${backend}/api/${user.id}/tasks`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ title: `seed ${i}` }),
    });
  }

  // The reference: a plain Fastify hello-world in the backend image (same Node, same fastify), same flags. The
  // image has no node_modules, so the hello-world is bundled like the server and mounted in.
  const hello = `${PREFIX}-hello`;
  docker([
    ...["run", "-d", "--name", hello, `--label=${LABEL}=${PREFIX}`, `--network=${stack.names.network}`],
    ...stack.specs.backend.runFlags,
    `--mount=type=bind,source=${helloDir},destination=/bench,readonly`,
    ...[IMAGES.backend, "node", "/bench/hello.cjs"],
  ]);
  const helloUrl = `http://${containerIp(hello, stack.names.network)}:8000/`;
  await waitFor("the hello-world server", async () => (await statusOf(helloUrl)) === 200);

  const scenarios: [string, Record<string, unknown>][] = [
    ["Fastify hello-world (reference)", { url: helloUrl }],
    ["GET /api/{user}/tasks (20 tasks)", { url: `${backend}/api/${user.id}/tasks`, headers: auth }],
    [
      'POST /api/{user}/chat "what\'s pending?" (offline agent)',
      {
        url: `${backend}/api/${user.id}/chat`,
        method: "POST",
        headers: auth,
        body: JSON.stringify({ message: "what's pending?" }),
      },
    ],
    [
      "POST /api/{user}/tasks",
      { url: `${backend}/api/${user.id}/tasks`, method: "POST", headers: auth, body: '{"title":"bench"}' },
    ],
  ];
  const loadRows: (string | number)[][] = [];
  const peak: Record<string, number> = { backend: 0, postgres: 0 };
  for (const [name, options] of scenarios) {
    for (const connections of CONNECTIONS) {
      const watched = name.includes("reference")
        ? { hello }
        : { backend: stack.names.backend, postgres: stack.names.postgres };
      const result = await load(options, connections, watched);
      if (!name.includes("reference")) {
        peak.backend = Math.max(peak.backend!, result.peakMiB.backend ?? 0);
        peak.postgres = Math.max(peak.postgres!, result.peakMiB.postgres ?? 0);
      }
      loadRows.push([
        name,
        connections,
        result.rps.toFixed(0),
        result.p50.toFixed(1),
        result.p99.toFixed(1),
        result.errors,
      ]);
    }
  }
  console.log(
    `## Backend under load (autocannon, ${SECONDS} s each, loopback to the container, PostgreSQL 15)\n`,
  );
  console.log(table(["request", "connections", "req/s", "p50 ms", "p99 ms", "errors"], loadRows), "\n");

  // The frontend under load: its /api proxy in front of the same backend route.
  const frontendLoad = await load({ url: `${stack.frontendUrl}/api/${user.id}/tasks`, headers: auth }, 10, {
    frontend: stack.names.frontend,
  });
  console.log(
    `frontend proxy GET /api/{user}/tasks, 10 connections: ${frontendLoad.rps.toFixed(0)} req/s, ` +
      `p50 ${frontendLoad.p50.toFixed(1)} ms, p99 ${frontendLoad.p99.toFixed(1)} ms, ${frontendLoad.errors} errors\n`,
  );

  console.log("## Memory (MiB; container = what the memory cgroup counts, i.e. what a limit applies to)\n");
  console.log(
    table(
      ["container", "idle: node/postgres RSS", "idle: container", "under load: container peak"],
      [
        [
          "backend",
          idle.backend!.processRss.toFixed(0),
          idle.backend!.container.toFixed(0),
          peak.backend!.toFixed(0),
        ],
        [
          "frontend",
          idle.frontend!.processRss.toFixed(0),
          idle.frontend!.container.toFixed(0),
          (frontendLoad.peakMiB.frontend ?? 0).toFixed(0),
        ],
        [
          "postgres",
          idle.postgres!.processRss.toFixed(0),
          idle.postgres!.container.toFixed(0),
          peak.postgres!.toFixed(0),
        ],
      ],
    ),
    "\n",
  );
} finally {
  removeLabelled(); // first: the hello-world container also sits on the stack's network
  stack.remove();
  rmSync(helloDir, { recursive: true, force: true });
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
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    peakMiB,
  };
}

/** A Fastify hello-world bundled by esbuild from the backend's fastify, in a directory the app user can read. */
function bundleHelloWorld(): string {
  const dir = mkdtempSync(join(os.tmpdir(), `${PREFIX}-hello-`));
  buildSync({
    stdin: {
      contents:
        "const app = require('fastify')(); app.get('/', async () => ({ hello: 'world' }));" +
        " app.listen({ host: '0.0.0.0', port: 8000 });",
      resolveDir: join(ROOT, "app/backend"),
    },
    bundle: true,
    platform: "node",
    format: "cjs",
    outfile: join(dir, "hello.cjs"),
    logLevel: "warning",
  });
  chmodSync(dir, 0o755);
  chmodSync(join(dir, "hello.cjs"), 0o644);
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
      const tag = `todo-chatbot-${component}:bench`;
      const build = (extra: string[]) => {
        const started = performance.now();
        docker([
          ...["build", "-q", ...extra, "--build-arg", `NODE_IMAGE=${NODE_IMAGE}`],
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
