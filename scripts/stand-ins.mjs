// The one seam between the scripts and the CI rig (ci-rig/README.md): what a machine with registries gets from
// them (a Docker engine, base images, a throwaway PostgreSQL, a Kubernetes node, helm), asked of the rig's
// commands as processes. Nothing here imports the rig, and no other script outside ci-rig/ names it.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { parse } from "yaml";

const ROOT = resolve(import.meta.dirname, "..");
const RIG = join(ROOT, "ci-rig");
/** postgres-temp.mjs's exit status when its PostgreSQL package is not installed (another platform). */
const POSTGRES_NOT_INSTALLED = 3;

/**
 * @param {string} script a command of the rig, relative to ci-rig/
 * @param {string[]} args
 * @param {import("node:child_process").SpawnSyncOptions} options
 */
function rig(script, args = [], options = {}) {
  return spawnSync(process.execPath, [join(RIG, script), ...args], { encoding: "utf8", ...options });
}

/** @param {import("node:child_process").SpawnSyncReturns<string | Buffer>} result */
const lastLine = (result) =>
  String(result.stderr ?? "")
    .trim()
    .split("\n")
    .pop() || `exit ${result.status}`;

/**
 * Starts dockerd when it is installed but not running.
 * @returns {string | undefined} why no engine answers, or undefined when one does
 */
export function dockerEngineProblem() {
  const result = rig("docker-engine.mjs");
  return result.status === 0 ? undefined : lastLine(result);
}

/** Like dockerEngineProblem, but throws the reason. */
export function ensureDockerEngine() {
  const problem = dockerEngineProblem();
  if (problem) throw new Error(`no Docker engine: ${problem}`);
}

/**
 * The official base images the Dockerfiles and the stack default to: Pulumi.yaml's nodeImage and postgresImage.
 * @returns {{ nodeImage: string, postgresImage: string }}
 */
function officialBaseImages() {
  const config = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")).config;
  return { nodeImage: config.nodeImage.default, postgresImage: config.postgresImage.default };
}

/** @param {string} image */
const inEngine = (image) =>
  spawnSync("docker", ["image", "inspect", image], { stdio: "ignore" }).status === 0;

/**
 * Which base images this run uses, decided once: the official ones when the engine already has both (nothing is
 * ever pulled: tests send traffic only to this machine), else the rig's stand-ins.
 * @param {(image: string) => boolean} present whether the engine has an image
 * @returns {{ images: { nodeImage: string, postgresImage: string } | undefined, reason: string }} images
 *   undefined: build the stand-ins
 */
export function chooseBaseImages(present = inEngine) {
  const official = officialBaseImages();
  const missing = Object.values(official).filter((image) => !present(image));
  if (missing.length === 0) {
    return {
      images: official,
      reason: `the official ${Object.values(official).join(" and ")}, in the engine`,
    };
  }
  return { images: undefined, reason: `the rig's stand-ins: the engine has no ${missing.join(" and no ")}` };
}

/**
 * The base images the Dockerfiles and the stack start from (chooseBaseImages), the stand-ins built when missing
 * (progress on stderr). Says which on stderr.
 * @returns {{ nodeImage: string, postgresImage: string }}
 */
export function baseImages() {
  const choice = chooseBaseImages();
  console.error(`base images: ${choice.reason}`);
  if (choice.images) return choice.images;
  const result = rig("stand-in-images.mjs", [], { stdio: ["ignore", "pipe", "inherit"] });
  if (result.status !== 0) throw new Error(`ci-rig/stand-in-images.mjs exited ${result.status}`);
  return JSON.parse(String(result.stdout).trim().split("\n").pop() ?? "");
}

/**
 * A throwaway PostgreSQL 17 server on a free loopback port, or undefined when its package is not installed.
 * @returns {Promise<{ url: string, stop(): Promise<void> } | undefined>}
 */
export async function throwawayPostgres() {
  const server = spawn(process.execPath, [join(RIG, "postgres-temp.mjs")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  server.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = once(server, "exit");
  const firstLine = once(createInterface({ input: server.stdout }), "line");
  const first = await Promise.race([firstLine, exited]);
  if (server.exitCode === POSTGRES_NOT_INSTALLED) return undefined;
  if (server.exitCode !== null) throw new Error(`throwaway PostgreSQL did not start: ${stderr.trim()}`);
  return {
    url: String(first[0]),
    async stop() {
      if (server.exitCode !== null) return;
      server.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * helm built by the rig's Go toolchain (`toolchain.mjs build helm`: nothing to do when built, a wait when another
 * process is building it), its progress on stderr.
 * @returns {string} the binary's absolute path
 */
export function toolchainHelm() {
  const build = rig("cluster/toolchain.mjs", ["build", "helm"], { stdio: ["ignore", 2, 2] });
  if (build.status !== 0) {
    throw new Error(
      "helm is not on PATH and building it from its Go module failed (ci-rig/cluster/toolchain.mjs build helm, " +
        "above): install helm, or Go 1.26 or newer for the build",
    );
  }
  return JSON.parse(String(rig("cluster/toolchain.mjs", ["paths"]).stdout)).helm;
}

/**
 * One command of the single-node cluster (up, down, status, env), its stdout captured, its stderr shown.
 * @param {"up" | "down" | "status" | "env"} command
 */
export function cluster(command) {
  /** @type {import("node:child_process").SpawnSyncReturns<string>} */
  return rig("cluster/cluster.mjs", [command], { stdio: ["ignore", "pipe", "inherit"] });
}

/**
 * The environment that points a process at the running cluster (the rig's toolchain first on PATH, its
 * kubeconfig), from `cluster env`; empty with a user's own Minikube, whose tools and kubeconfig are already set.
 * @returns {Record<string, string>}
 */
export function clusterEnvironment() {
  const exports = String(cluster("env").stdout ?? "");
  /** @type {Record<string, string>} */
  const env = {};
  for (const match of exports.matchAll(/^export (\w+)=(?:"([^"]*)"|'([^']*)'|(\S*))/gm)) {
    const [, name = "", doubleQuoted, singleQuoted, bare = ""] = match;
    env[name] = (doubleQuoted ?? singleQuoted ?? bare).replaceAll("$PATH", process.env.PATH ?? "");
  }
  return env;
}

/**
 * What `cluster up` would have to build first, one line a part: nothing when the toolchain is complete or a
 * user's own Minikube answers (it is used as it is).
 * @returns {string[]}
 */
export function clusterMissing() {
  const result = rig("cluster/cluster.mjs", ["missing"]);
  if (result.status !== 0) return [`cluster missing: ${lastLine(result)}`];
  return String(result.stdout).split("\n").filter(Boolean);
}
