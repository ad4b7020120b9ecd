// The app stack in Docker, run the way the cluster runs it: PostgreSQL, backend and frontend on one
// user-defined network, each reachable by its Service name (network aliases), the app containers configured
// from the rendered chart (scripts/chart-containers.ts) with secrets passed in an env file. Used by the system
// tests (tests/system) and the container benchmark (scripts/bench-containers.ts).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chartContainers, type ContainerRunSpec } from "./chart-containers.js";
import { docker, removeOrphans, RUN_ID, RUN_LABELS, statusOf, waitFor } from "./docker-cli.js";
import { baseImages, ensureDockerEngine } from "./stand-ins.mjs";

const ROOT = resolve(import.meta.dirname, "..");
/** This run's own tags (another run on the same engine builds and removes its own). */
export const IMAGES = {
  backend: `todo-chatbot-backend:system-test-${RUN_ID}`,
  frontend: `todo-chatbot-frontend:system-test-${RUN_ID}`,
};
/**
 * MiB an app image may add to the Node base image: the system tests enforce it, the bench reports it
 * (docs/benchmarks.md).
 */
export const IMAGE_BUDGET_MIB = 40;
/** psql inside the PostgreSQL container, as the app's user, through the stand-in's socket. */
export const PSQL = ["psql", "-h", "/var/run/postgresql", "-U", "todo", "-d", "todo"];
/** The chart's Service names: the app containers find each other by these, as in the cluster. */
const SERVICE = {
  postgres: "todo-chatbot-postgresql",
  backend: "todo-chatbot-backend",
};

/** The base images the app images and the stack start from. */
export type BaseImages = { nodeImage: string; postgresImage: string };
let prepared: Promise<BaseImages> | undefined;

/**
 * Starts the engine if needed, removes what crashed runs left, gets the base images and builds this run's app
 * images: once a process (every system test file calls it).
 */
export function prepareImages(): Promise<BaseImages> {
  prepared ??= (async () => {
    ensureDockerEngine();
    removeOrphans();
    const base = baseImages();
    buildAppImage("backend", base.nodeImage);
    buildAppImage("frontend", base.nodeImage);
    return base;
  })();
  return prepared;
}

/** `docker build` of one app image from its unchanged Dockerfile, repository root as context. */
function buildAppImage(component: keyof typeof IMAGES, nodeImage: string): void {
  docker([
    ...["build", "-q", ...RUN_LABELS, "--build-arg", `NODE_IMAGE=${nodeImage}`],
    ...["-f", `app/${component}/Dockerfile`, "-t", IMAGES[component], ROOT],
  ]);
}

export type Stack = {
  names: { network: string; postgres: string; backend: string; frontend: string };
  backendUrl: string;
  frontendUrl: string;
  /** DATABASE_URL as the app containers on the stack's network reach PostgreSQL. */
  databaseUrl: string;
  specs: Record<"backend" | "frontend", ContainerRunSpec>;
  /** Milliseconds from `docker run` to the container's readiness probe passing. */
  readyMs: Record<"postgres" | "backend" | "frontend", number>;
  /** Runs SQL in the PostgreSQL container as the app's user; returns unaligned, tuples-only output. */
  psql: (sql: string) => string;
  waitReady: (component: "backend" | "frontend", timeoutMs?: number) => Promise<void>;
  waitPostgres: (timeoutMs?: number) => Promise<void>;
  logs: () => string;
  /** Removes the containers, network, volume and secret files. */
  remove: () => void;
};

export type StackOptions = {
  /** Overrides of the backend's chart settings (the benchmark lifts the rate limits). */
  backendEnv?: Record<string, string>;
  /** Chart values passed to helm as --set-string (the benchmark tries other resource limits). */
  chartValues?: Record<string, string>;
  /** Run the app containers under the chart's CPU and memory limits (ContainerRunSpec.limitFlags). */
  limits?: boolean;
};

export async function startStack(
  prefix: string,
  { backendEnv = {}, chartValues = {}, limits = false }: StackOptions = {},
): Promise<Stack> {
  const names = {
    network: `${prefix}-net`,
    postgres: `${prefix}-postgresql`,
    backend: `${prefix}-backend`,
    frontend: `${prefix}-frontend`,
  };
  const volume = `${prefix}-pgdata`;
  const secretsDir = mkdtempSync(join(tmpdir(), `${prefix}-secrets-`));
  const remove = () => {
    // Every step runs even when an earlier one fails (an object that was never created); the first error
    // is reported after all of them.
    const errors: unknown[] = [];
    const attempt = (step: () => void) => {
      try {
        step();
      } catch (error) {
        if (!/No such (container|network|volume)|not found/i.test((error as Error).message))
          errors.push(error);
      }
    };
    for (const name of [names.frontend, names.backend, names.postgres])
      attempt(() => docker(["rm", "-f", "-v", name]));
    attempt(() => docker(["network", "rm", names.network]));
    attempt(() => docker(["volume", "rm", "-f", volume]));
    rmSync(secretsDir, { recursive: true, force: true });
    if (errors.length) throw errors[0];
  };
  // Fixed loopback ports chosen now: the backend must know the frontend's public URL, and a port docker
  // picks itself changes when the container restarts.
  const frontendPort = await freePort();
  const backendPort = await freePort();
  const frontendUrl = `http://127.0.0.1:${frontendPort}`;
  const specs = chartContainers({ ...chartValues, publicUrl: frontendUrl });
  const password = randomBytes(18).toString("hex");
  const readyMs = { postgres: 0, backend: 0, frontend: 0 };
  try {
    docker(["network", "create", ...RUN_LABELS, names.network]);
    docker(["volume", "create", ...RUN_LABELS, volume]);

    let started = performance.now();
    docker([
      ...["run", "-d", "--name", names.postgres, ...RUN_LABELS, `--network=${names.network}`],
      `--network-alias=${SERVICE.postgres}`,
      `--mount=type=volume,source=${volume},destination=/var/lib/postgresql/data`,
      ...["-e", "POSTGRES_USER=todo", "-e", `POSTGRES_PASSWORD=${password}`],
      (await prepareImages()).postgresImage,
    ]);
    const psql = (sql: string) => docker(["exec", names.postgres, ...PSQL, "-tAc", sql]);
    const waitPostgres = async (timeoutMs = 60_000) => {
      await waitFor(
        `PostgreSQL (${names.postgres}) to accept connections`,
        () => psql("select 1") === "1",
        timeoutMs,
      );
    };
    await waitPostgres();
    readyMs.postgres = performance.now() - started;

    // The chart's Secrets, as an env file only root can read (the cluster mounts them as env from a Secret).
    const secrets: Record<string, string> = {
      DATABASE_URL: `postgresql://todo:${password}@${SERVICE.postgres}:5432/todo`,
      BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
    };
    const missing = specs.backend.secretEnv.filter((key) => !(key in secrets));
    if (missing.length)
      throw new Error(`the chart wants secrets the stack does not make: ${missing.join(", ")}`);
    const envFile = join(secretsDir, "backend.env");
    writeFileSync(envFile, specs.backend.secretEnv.map((key) => `${key}=${secrets[key]}\n`).join(""), {
      mode: 0o600,
    });

    const stack: Stack = {
      names,
      backendUrl: `http://127.0.0.1:${backendPort}`,
      frontendUrl,
      databaseUrl: secrets.DATABASE_URL!,
      specs,
      readyMs,
      psql,
      waitPostgres,
      waitReady: async (component, timeoutMs = 60_000) => {
        const url = component === "backend" ? stack.backendUrl : frontendUrl;
        const path = specs[component].probes.readiness;
        await waitFor(
          `${component} ${path} to return 200`,
          async () => (await statusOf(url + path)) === 200,
          timeoutMs,
        );
      },
      logs: () =>
        [names.postgres, names.backend, names.frontend]
          .map((name) => {
            try {
              return `--- ${name} ---\n${docker(["logs", "--tail", "60", name])}`;
            } catch (error) {
              return `--- ${name} ---\n${(error as Error).message}`;
            }
          })
          .join("\n"),
      remove,
    };

    started = performance.now();
    docker([
      ...["run", "-d", "--name", names.backend, ...RUN_LABELS, `--network=${names.network}`],
      `--network-alias=${SERVICE.backend}`,
      ...specs.backend.runFlags,
      ...(limits ? specs.backend.limitFlags : []),
      ...envArgs({ ...specs.backend.env, ...backendEnv }),
      `--env-file=${envFile}`,
      `--publish=127.0.0.1:${backendPort}:8000`,
      IMAGES.backend,
    ]);
    await stack.waitReady("backend");
    readyMs.backend = performance.now() - started;

    started = performance.now();
    docker([
      ...["run", "-d", "--name", names.frontend, ...RUN_LABELS, `--network=${names.network}`],
      ...specs.frontend.runFlags,
      ...(limits ? specs.frontend.limitFlags : []),
      ...envArgs(specs.frontend.env),
      `--publish=127.0.0.1:${frontendPort}:3000`,
      IMAGES.frontend,
    ]);
    await stack.waitReady("frontend");
    readyMs.frontend = performance.now() - started;
    return stack;
  } catch (error) {
    const logs = [names.postgres, names.backend, names.frontend]
      .map((name) => {
        try {
          return `--- ${name} ---\n${docker(["logs", "--tail", "40", name])}`;
        } catch {
          return "";
        }
      })
      .join("\n");
    removeQuietly(remove);
    throw new Error(`${(error as Error).message}\n${logs}`, { cause: error });
  }
}

function envArgs(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([key, value]) => ["-e", `${key}=${value}`]);
}

function removeQuietly(remove: () => void) {
  try {
    remove();
  } catch {
    // The caller reports the original error; leftovers carry the run's labels and go with removeRun().
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const address = probe.address();
  await new Promise((done) => probe.close(done));
  if (!address || typeof address === "string") throw new Error("could not find a free port");
  return address.port;
}
