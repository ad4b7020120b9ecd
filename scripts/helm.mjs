// Finds a helm binary without downloading anything.
//
//   node scripts/helm.mjs                             -> prints its path:  "$(node scripts/helm.mjs)" lint ...
//   node scripts/helm.mjs lint --strict helm/todo-chatbot   -> runs helm with those arguments
//
// Order: `helm` on PATH (a machine with helm installed builds nothing); else the CI rig's toolchain builds
// helm.sh/helm/v3/cmd/helm from the Go module proxy (ci-rig/cluster/go/helm, once per machine, cached in
// ~/.cache/todo-chatbot; a build already under way, such as .ci/run's background one, is waited for).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { toolchainHelm } from "./stand-ins.mjs";

/** "helm" when it is on PATH, else the absolute path of the toolchain's helm (built first when missing). */
export function helmBinary() {
  if (spawnSync("sh", ["-c", "command -v helm"]).status === 0) return "helm";
  return toolchainHelm();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const helm = helmBinary();
  const args = process.argv.slice(2);
  if (args.length === 0) {
    console.log(helm);
  } else {
    const run = spawnSync(helm, args, { stdio: "inherit" });
    process.exit(run.status ?? 1);
  }
}
