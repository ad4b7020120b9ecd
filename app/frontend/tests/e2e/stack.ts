// Starts the real stack for the browser tests: the built backend (in-memory PGlite) and the
// built standalone frontend pointing at it. Builds either app first when its build output is
// missing or older than its sources, so a clean tree works and a fresh one starts fast.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const backendDir = join(repoRoot, "app/backend");
const frontendDir = join(repoRoot, "app/frontend");
export const backendServer = join(backendDir, "dist/server.js");
export const standaloneDir = join(frontendDir, ".next/standalone");
/** The production entry point: Next's server.js behind the request sanitizer (server/start.mts). */
export const frontendServer = join(standaloneDir, "app/frontend/server/start.mts");

// Node on PATH may be older than the one running the tests; builds use the same one.
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
  NEXT_TELEMETRY_DISABLED: "1",
};

/** Newest modification time among files under the given paths (skipping build output). */
function newestMtime(paths: string[]): number {
  let newest = 0;
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) {
        if (entry !== "node_modules" && entry !== ".next" && entry !== "dist") visit(join(path, entry));
      }
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  paths.forEach(visit);
  return newest;
}

function isFresh(artifact: string, sources: string[]): boolean {
  return existsSync(artifact) && statSync(artifact).mtimeMs >= newestMtime(sources);
}

function build(workspace: string) {
  console.log(`e2e: building ${workspace} (missing or older than its sources)…`);
  execFileSync("npm", ["run", "build", "-w", workspace], { cwd: repoRoot, env, stdio: "inherit" });
}

export function ensureBuilt() {
  const backendSources = ["src", "package.json", "tsconfig.json", "tsconfig.build.json"].map((p) =>
    join(backendDir, p),
  );
  if (!isFresh(backendServer, backendSources)) build("app/backend");

  const frontendSources = [
    "app",
    "components",
    "lib",
    "public",
    "server",
    "proxy.ts",
    "next.config.ts",
    "package.json",
    "tsconfig.json",
  ].map((p) => join(frontendDir, p));
  const staticCopied = existsSync(join(standaloneDir, "app/frontend/.next/static"));
  if (!isFresh(frontendServer, frontendSources) || !staticCopied) build("app/frontend");
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

type Service = { name: string; child: ChildProcess; log: () => string };

function startService(name: string, script: string, serviceEnv: NodeJS.ProcessEnv): Service {
  let output = "";
  const child = spawn(process.execPath, [script], { env: serviceEnv, stdio: ["ignore", "pipe", "pipe"] });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { name, child, log: () => output };
}

async function waitUntilUp(service: Service, url: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) {
      throw new Error(`${service.name} exited with code ${service.child.exitCode}:\n${service.log()}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${service.name} did not answer ${url} within ${timeoutMs} ms:\n${service.log()}`);
}

export type Stack = {
  frontendUrl: string;
  backendUrl: string;
  logs: () => string;
  /** Stops only the backend, to see how the frontend behaves without it. */
  stopBackend: () => Promise<void>;
  stop: () => Promise<void>;
};

function stopService({ child }: Service): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/**
 * E2E_BASE_URL: test an already running frontend (e.g. the containers of the system tests) instead of
 * starting servers; E2E_STOP_BACKEND is then the shell command that stops its backend.
 */
function externalStack(frontendUrl: string): Stack {
  const stopCommand = process.env.E2E_STOP_BACKEND;
  return {
    frontendUrl,
    backendUrl: "",
    logs: () => `(external stack at ${frontendUrl}: see its own logs)`,
    stopBackend: async () => {
      if (!stopCommand) throw new Error("E2E_BASE_URL is set but E2E_STOP_BACKEND (a shell command) is not");
      execFileSync("sh", ["-c", stopCommand], { stdio: "inherit" });
    },
    stop: async () => {},
  };
}

function frontendEnv(port: number, backendUrl: string): NodeJS.ProcessEnv {
  return { ...env, PORT: String(port), HOSTNAME: "127.0.0.1", BACKEND_URL: backendUrl };
}

export type Frontend = { url: string; logs: () => string; stop: () => Promise<void> };

/** Only the built frontend, in front of any backend (e.g. a recording server standing in for it). */
export async function startFrontend(backendUrl: string): Promise<Frontend> {
  ensureBuilt();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const frontend = startService("frontend", frontendServer, frontendEnv(port, backendUrl));
  const stop = () => stopService(frontend);
  try {
    await waitUntilUp(frontend, `${url}/healthz`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, logs: frontend.log, stop };
}

export async function startStack(): Promise<Stack> {
  if (process.env.E2E_BASE_URL) return externalStack(process.env.E2E_BASE_URL.replace(/\/+$/, ""));
  ensureBuilt();
  const backendPort = await freePort();
  const frontendPort = await freePort();
  const frontendUrl = `http://127.0.0.1:${frontendPort}`;
  const backendUrl = `http://127.0.0.1:${backendPort}`;

  const { LLM_API_KEY: _ignored, DATABASE_URL: _alsoIgnored, ...baseEnv } = env;
  const backend = startService("backend", backendServer, {
    ...baseEnv, // no LLM key and no DATABASE_URL: the offline agent on in-memory PGlite
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(backendPort),
    PGLITE_DATA_DIR: "memory://",
    TRUSTED_ORIGINS: frontendUrl,
    BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
    LOG_LEVEL: "warn",
  });
  const frontend = startService("frontend", frontendServer, frontendEnv(frontendPort, backendUrl));
  const services = [backend, frontend];
  const stop = async () => {
    await Promise.all(services.map(stopService));
  };

  try {
    // /ready, not /health: the tests sign up at once, so the database must be migrated already.
    await waitUntilUp(backend, `${backendUrl}/ready`);
    await waitUntilUp(frontend, `${frontendUrl}/healthz`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    frontendUrl,
    backendUrl,
    logs: () => services.map((service) => `--- ${service.name} ---\n${service.log()}`).join("\n"),
    stopBackend: () => stopService(backend),
    stop,
  };
}

/** `du -sh` of the standalone output, for the report. */
export function standaloneSize(): string {
  return execFileSync("du", ["-sh", standaloneDir]).toString().split("\t")[0]!.trim();
}
