// A local Pulumi stack of this project, driven the way the README tells a user to: a copy of the project (so
// nothing is written into the checkout: `pulumi stack init` and `pulumi config set` edit Pulumi.<stack>.yaml),
// a file backend (`pulumi login file://...`), a passphrase for the secrets, update checks and plugin downloads
// off. Used by the cluster suite (tests/cluster), `npm run bench:deploy` and the CI rig's `npm run cluster:deploy`.
// `pulumi` and `kubectl` are the ones on PATH (the rig's `cluster env` puts its toolchain first).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..");

/** Copies the committed and working-tree files of the project (what `git ls-files` lists) and links node_modules. */
export function copyProject(destination) {
  rmSync(destination, { recursive: true, force: true });
  mkdirSync(destination, { recursive: true });
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed in ${ROOT}: ${listed.stderr}`);
  for (const file of listed.stdout.split("\0").filter(Boolean)) {
    if (!existsSync(join(ROOT, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(destination, file)), { recursive: true });
    cpSync(join(ROOT, file), join(destination, file));
  }
  symlinkSync(join(ROOT, "node_modules"), join(destination, "node_modules"));
  return destination;
}

/**
 * The environment every pulumi command of a local stack runs with: `path` (the toolchain's bin folders first,
 * when the CI rig's), the file backend in `stateDir`, the passphrase, and no network for updates or plugins.
 * @param {{ stateDir: string, passphrase: string, kubeconfig?: string, path?: string }} options
 */
export function pulumiEnv({
  stateDir,
  passphrase,
  kubeconfig = process.env.KUBECONFIG,
  path = process.env.PATH,
}) {
  mkdirSync(stateDir, { recursive: true });
  return {
    ...process.env,
    // The policy-pack runner `pulumi-analyzer-policy` is a script the @pulumi/pulumi package ships (the CLI's
    // own distribution bundles the same file); the engine looks for it on PATH (analyzer_plugin.go).
    PATH: [join(ROOT, "node_modules/@pulumi/pulumi"), path].join(":"),
    ...(kubeconfig ? { KUBECONFIG: kubeconfig } : {}),
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    NO_COLOR: "1",
  };
}

/**
 * Runs `pulumi <args>` in `cwd`. Returns { status, stdout, stderr }; throws with the output when it fails
 * unless `allowFailure`.
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, allowFailure?: boolean, input?: string, echo?: boolean }} options
 */
export function pulumi(args, { cwd, env, allowFailure = false, input, echo = false }) {
  const result = spawnSync("pulumi", [...args, "--non-interactive"], {
    cwd,
    env,
    input,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["pipe", "pipe", "pipe"],
  });
  if (echo) process.stdout.write(result.stdout + result.stderr);
  if (result.error) throw new Error(`pulumi ${args.join(" ")}: ${result.error.message}`);
  if (result.status !== 0 && !allowFailure) {
    throw new Error(
      `pulumi ${args.join(" ")} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `pulumi stack init <stack>` plus `pulumi config set` for each key; secrets with --secret. */
export function initStack({ cwd, env, stack = "dev", config = {}, secrets = {} }) {
  pulumi(["stack", "init", stack], { cwd, env });
  for (const [key, value] of Object.entries(config))
    pulumi(["config", "set", key, String(value)], { cwd, env });
  for (const [key, value] of Object.entries(secrets)) {
    pulumi(["config", "set", "--secret", key, String(value)], { cwd, env });
  }
}

/** The stack's outputs as an object (secrets shown, for the caller's own checks). */
export function stackOutputs({ cwd, env }) {
  return JSON.parse(pulumi(["stack", "output", "--json", "--show-secrets"], { cwd, env }).stdout);
}
