// Makes sure a Docker engine answers on the default socket: starts `dockerd` in the background (log in
// .cache/docker/dockerd.log) when none runs. Idempotent; safe to call from CI and from the system tests.
// Usage: node ci-rig/docker-engine.mjs        (exit 0 when the engine is up, 1 with the reason otherwise)
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { join, resolve } from "node:path";
import pWaitFor from "p-wait-for";

const ROOT = resolve(import.meta.dirname, "..");
const LOG = join(ROOT, ".cache/docker/dockerd.log");

/** True when `docker info` reaches a running engine. */
export function dockerEngineUp() {
  return spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { stdio: "ignore" }).status === 0;
}

/** True when both the client and the engine binary are installed. */
export function dockerInstalled() {
  return ["docker", "dockerd"].every((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0);
}

/** Starts dockerd unless an engine already answers; throws with the reason and the fix otherwise. */
export async function ensureDockerEngine({ timeoutMs = 60_000 } = {}) {
  if (dockerEngineUp()) return;
  if (!dockerInstalled()) {
    throw new Error(
      "Docker is not installed (need both `docker` and `dockerd` on PATH): apt-get install -y docker.io",
    );
  }
  if (process.getuid?.() !== 0) throw new Error("dockerd must be started as root (or start it yourself).");
  mkdirSync(join(ROOT, ".cache/docker"), { recursive: true });
  const log = openSync(LOG, "a");
  // overlay2 is the engine's default; it works on ext4 and most sandboxes with a recent kernel.
  const daemon = spawn("dockerd", ["--storage-driver=overlay2"], {
    detached: true,
    stdio: ["ignore", log, log],
  });
  daemon.unref();
  await pWaitFor(
    () => {
      if (daemon.exitCode !== null) {
        throw new Error(`dockerd exited with code ${daemon.exitCode} while starting; see ${LOG}`);
      }
      return dockerEngineUp();
    },
    {
      interval: 250,
      timeout: {
        milliseconds: timeoutMs,
        message: `dockerd did not answer within ${timeoutMs} ms; see ${LOG}`,
      },
    },
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await ensureDockerEngine();
    console.log("docker engine is up");
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
