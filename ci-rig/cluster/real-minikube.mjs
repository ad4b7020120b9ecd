// A user's own Minikube: when `kubectl` and `pulumi` are installed (not ours) and their `minikube` context
// answers /readyz, `cluster up` uses it as it is and builds nothing — exactly what the README's user has.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { CONTEXT, paths } from "./state.mjs";

/** `name` on PATH outside `excludeDirs` (our toolchain's bin dirs), or undefined. */
export function which(name, excludeDirs = []) {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (!dir || excludeDirs.includes(dir)) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * { kubectl, pulumi } of a user's real Minikube, or undefined. The caller rules out our own node first (its
 * API server answers under the same context name); KUBECONFIG pointing at our state dir is ignored here.
 */
export function detectRealMinikube(toolchainDirs) {
  const kubectl = which("kubectl", toolchainDirs);
  const pulumi = which("pulumi", toolchainDirs);
  if (!kubectl || !pulumi) return undefined;
  const env = { ...process.env };
  if (env.KUBECONFIG === paths.kubeconfig) delete env.KUBECONFIG;
  const ready = spawnSync(
    kubectl,
    ["--context", CONTEXT, "--request-timeout=5s", "get", "--raw", "/readyz"],
    {
      encoding: "utf8",
      env,
      timeout: 15_000,
    },
  );
  return ready.status === 0 && ready.stdout.trim() === "ok" ? { kubectl, pulumi } : undefined;
}
