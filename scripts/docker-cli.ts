// Thin helpers over the docker CLI for the system tests and the container benchmark (TypeScript because the
// mocha system tests import them). Several runs can share one engine (two clones, a developer and CI), so each
// run labels and tags what it creates with its own RUN_ID and removes only that; a run that crashed is recognised
// by its owner process being gone, and its leftovers are removed by the next run on the same machine.
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

/** Every container, network, volume and image a run creates carries LABEL=<its RUN_ID>. */
export const LABEL = "todo-chatbot.system-test";
/** ... and OWNER_LABEL=<host>/<pid>, so a later run can tell a crashed run's objects from a live run's. */
const OWNER_LABEL = "todo-chatbot.system-test.owner";
/**
 * This process's run: unique even across machines sharing an engine (the pid alone repeats in containers). Kept
 * in the environment, so every copy of this module in the process (mocha loads its root hooks apart from the test
 * files) and the processes a run starts agree on it.
 */
export const RUN_ID =
  (process.env.TODO_CHATBOT_SYSTEM_TEST_RUN ??= `${process.pid}-${randomBytes(3).toString("hex")}`);
const OWNER = `${hostname()}/${process.pid}`;
/** The `docker run`/`create`/`build` flags that mark an object as this run's. */
export const RUN_LABELS = [`--label=${LABEL}=${RUN_ID}`, `--label=${OWNER_LABEL}=${OWNER}`];

/** Classic builder: the Dockerfiles must build without BuildKit, and buildx is not installed here. */
const dockerEnv = { ...process.env, DOCKER_BUILDKIT: "0" };

/** Runs `docker args…` and returns stdout; throws with docker's own message when it fails. */
export function docker(args: string[], options: { input?: string; timeoutMs?: number } = {}): string {
  try {
    return execFileSync("docker", args, {
      env: dockerEnv,
      input: options.input,
      timeout: options.timeoutMs ?? 15 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["pipe", "pipe", "pipe"],
    })
      .toString()
      .trim();
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: Buffer; stdout?: Buffer };
    throw new Error(
      `docker ${args.join(" ")} failed:\n${stderr?.toString().trim() || stdout?.toString().trim() || String(error)}`,
      { cause: error },
    );
  }
}

/** The same, without blocking the event loop (for commands that run while requests are in flight). */
export function dockerAsync(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("docker", args, { env: dockerEnv, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
}

type Kind = "container" | "network" | "volume" | "image";
const KINDS = ["container", "network", "volume", "image"] as const; // containers first: they hold the rest
const LIST: Record<Kind, string[]> = {
  container: ["ps", "-a", "--format", "{{.ID}}"],
  network: ["network", "ls", "--format", "{{.ID}}"],
  volume: ["volume", "ls", "--format", "{{.Name}}"],
  image: ["image", "ls", "--format", "{{.ID}}"],
};
const REMOVE: Record<Kind, string[]> = {
  container: ["rm", "-f", "-v"],
  network: ["network", "rm"],
  volume: ["volume", "rm", "-f"],
  image: ["image", "rm", "-f"],
};
// Where `docker inspect` keeps an object's labels.
const LABELS_FIELD: Record<Kind, string> = {
  container: ".Config.Labels",
  network: ".Labels",
  volume: ".Labels",
  image: ".Config.Labels",
};

/** The objects of one kind that carry `label` (`key=value`, or just `key`). */
const labelled = (kind: Kind, label: string) => [
  ...new Set(
    docker([...LIST[kind], "--filter", `label=${label}`])
      .split("\n")
      .filter(Boolean),
  ),
];

function removeLabelled(label: string): void {
  for (const kind of KINDS) {
    const ids = labelled(kind, label);
    if (ids.length) docker([...REMOVE[kind], ...ids]);
  }
}

/** Removes every container, network, volume and image a run (this one by default) created, running or not. */
export function removeRun(runId = RUN_ID): void {
  removeLabelled(`${LABEL}=${runId}`);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // alive, another user's
  }
};

/**
 * Removes what runs on this machine left behind when they crashed (their process is gone). Objects of live runs,
 * and of runs on other machines sharing the engine, are left alone.
 */
export function removeOrphans(): void {
  const host = hostname();
  const dead = new Set<string>();
  for (const kind of KINDS) {
    const ids = labelled(kind, OWNER_LABEL);
    if (!ids.length) continue;
    const format = `{{index ${LABELS_FIELD[kind]} "${OWNER_LABEL}"}}`;
    for (const owner of docker([kind, "inspect", "--format", format, ...ids]).split("\n")) {
      const [ownerHost, pid] = owner.split("/");
      if (ownerHost === host && !alive(Number(pid))) dead.add(owner);
    }
  }
  for (const owner of dead) removeLabelled(`${OWNER_LABEL}=${owner}`);
}

export type ContainerState = { running: boolean; exitCode: number; status: string };

export function containerState(name: string): ContainerState {
  const [status, running, exitCode] = docker([
    "inspect",
    "--format",
    "{{.State.Status}} {{.State.Running}} {{.State.ExitCode}}",
    name,
  ]).split(" ");
  return { status: status!, running: running === "true", exitCode: Number(exitCode) };
}

/** The container's address on a network (reachable from the host without docker's port proxy). */
export function containerIp(name: string, network: string): string {
  return docker(["inspect", "-f", `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, name]);
}

/** Resident memory in MiB: of PID 1 (VmRSS) and of the whole container as its memory cgroup counts it. */
export function memoryMiB(name: string): { processRss: number; container: number } {
  const status = docker(["exec", name, "cat", "/proc/1/status"]);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  const usage = docker(["stats", "--no-stream", "--format", "{{.MemUsage}}", name]).split("/")[0]!.trim();
  return { processRss: rssKb / 1024, container: toMiB(usage) };
}

/** The container's memory as its cgroup counts it, in MiB, without blocking the event loop (for samplers). */
export async function containerMemoryMiB(name: string): Promise<number> {
  const stats = await dockerAsync(["stats", "--no-stream", "--format", "{{.MemUsage}}", name]);
  if (stats.code !== 0) throw new Error(`docker stats ${name} failed: ${stats.stderr}`);
  return toMiB(stats.stdout.split("/")[0]!.trim());
}

function toMiB(size: string): number {
  const match = /^([\d.]+)\s*([KMG]i?B|B)$/.exec(size);
  if (!match) throw new Error(`unexpected docker stats memory value "${size}"`);
  const factor: Record<string, number> = { B: 1 / 2 ** 20, KiB: 1 / 1024, MiB: 1, GiB: 1024, kB: 1 / 1024 };
  return Number(match[1]) * (factor[match[2]!] ?? 1);
}

/** Polls `check` until it returns a truthy value; throws naming `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((done) => setTimeout(done, intervalMs));
  }
}

/** GET status of a URL, or 0 when nothing answers. */
export async function statusOf(url: string, timeoutMs = 3_000): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}
