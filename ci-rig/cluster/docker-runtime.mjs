// Only on machines whose processes lack CAP_SYS_RESOURCE (this Firecracker VM: CapBnd has no bit 24): there
// runc cannot lower a container's oom_score_adj, and the node asks for negative ones on every pod sandbox
// (cri-dockerd v0.4.3 core/sandbox_helpers.go: defaultSandboxOOMAdj = -998) and Guaranteed container (-997),
// so every pod would fail with "runc create failed: ... can't get final child's PID from pipe: EOF".
// The fix: dockerd's default runtime becomes a small wrapper of runc that raises a negative oomScoreAdj in the
// OCI spec to 0 (the value these processes run with) and runs runc unchanged otherwise. It is registered in
// /etc/docker/daemon.json and loaded with SIGHUP (dockerd reloads `runtimes` and `default-runtime`: moby
// daemon/reload.go); `down` restores the file and the default runtime `runc`.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import pWaitFor from "p-wait-for";

const DAEMON_JSON = "/etc/docker/daemon.json";
// Outside the state dir: a container made with this runtime needs it until it is removed, even after `down`.
const HOME = join(homedir(), ".cache/todo-chatbot/docker-runtime");
const WRAPPER = join(HOME, "runc");
const SAVED = join(HOME, "daemon.json.before"); // the file as it was ("" when there was none)
export const RUNTIME = "todo-cluster-runc";

/** True when a process here may lower its oom_score_adj (then nothing needs changing). */
export function canLowerOomScore() {
  return spawnSync("sh", ["-c", "echo -1 > /proc/$$/oom_score_adj"], { stdio: "ignore" }).status === 0;
}

function dockerd() {
  const pid = spawnSync("pgrep", ["-x", "dockerd"], { encoding: "utf8" }).stdout.trim().split("\n")[0];
  if (!pid) throw new Error("dockerd is not running (node ci-rig/docker-engine.mjs starts it)");
  return Number(pid);
}

const defaultRuntime = () =>
  spawnSync("docker", ["info", "--format", "{{.DefaultRuntime}}"], { encoding: "utf8" }).stdout.trim();

async function reload(expected) {
  process.kill(dockerd(), "SIGHUP");
  const switched = () => defaultRuntime() === expected;
  await pWaitFor(switched, { interval: 100, timeout: { milliseconds: 5000, fallback: () => undefined } });
  if (!switched()) {
    throw new Error(
      `dockerd did not switch its default runtime to ${expected}; see its log and ${DAEMON_JSON}`,
    );
  }
}

function writeWrapper() {
  const runc = spawnSync("sh", ["-c", "PATH=$PATH:/usr/sbin:/usr/bin command -v runc"], {
    encoding: "utf8",
  }).stdout.trim();
  if (!runc) throw new Error("runc not found (apt-get install -y runc)");
  mkdirSync(HOME, { recursive: true });
  const fix = `/bin/sed -i -E 's/"oomScoreAdj":-[0-9]+/"oomScoreAdj":0/'`;
  writeFileSync(
    WRAPPER,
    `#!/bin/sh
# todo-chatbot cluster (ci-rig/cluster/docker-runtime.mjs): runc, with a negative oomScoreAdj raised to 0,
# because processes on this machine lack CAP_SYS_RESOURCE and cannot lower oom_score_adj.
prev=""
for arg in "$@"; do
  case "$prev" in
    --bundle|-b) [ -f "$arg/config.json" ] && ${fix} "$arg/config.json" ;;
    --process|-p) [ -f "$arg" ] && ${fix} "$arg" ;;
  esac
  case "$arg" in
    --bundle=*) [ -f "\${arg#--bundle=}/config.json" ] && ${fix} "\${arg#--bundle=}/config.json" ;;
    --process=*) [ -f "\${arg#--process=}" ] && ${fix} "\${arg#--process=}" ;;
  esac
  prev="$arg"
done
exec ${runc} "$@"
`,
  );
  chmodSync(WRAPPER, 0o755);
}

/** Makes the wrapper dockerd's default runtime when this machine needs it; idempotent. */
export async function ensureOomTolerantRuntime(log) {
  if (canLowerOomScore()) return;
  writeWrapper();
  if (defaultRuntime() === RUNTIME) return;
  const before = existsSync(DAEMON_JSON) ? readFileSync(DAEMON_JSON, "utf8") : "";
  if (!existsSync(SAVED)) writeFileSync(SAVED, before);
  const config = before.trim() ? JSON.parse(before) : {};
  config.runtimes = { ...config.runtimes, [RUNTIME]: { path: WRAPPER } };
  config["default-runtime"] = RUNTIME;
  mkdirSync("/etc/docker", { recursive: true });
  writeFileSync(DAEMON_JSON, JSON.stringify(config, null, 2) + "\n");
  await reload(RUNTIME);
  log(
    `dockerd: default runtime ${RUNTIME} (runc that tolerates the missing CAP_SYS_RESOURCE; see ${DAEMON_JSON})`,
  );
}

/** `down`: dockerd's default runtime back to runc and daemon.json as it was. */
export async function restoreDockerRuntime() {
  if (!existsSync(SAVED)) return undefined;
  const before = readFileSync(SAVED, "utf8");
  // A reload without `default-runtime` keeps the current one: say runc explicitly, then put the file back.
  const config = before.trim() ? JSON.parse(before) : {};
  writeFileSync(
    DAEMON_JSON,
    JSON.stringify(
      {
        ...config,
        runtimes: { ...config.runtimes, [RUNTIME]: { path: WRAPPER } },
        "default-runtime": config["default-runtime"] ?? "runc",
      },
      null,
      2,
    ) + "\n",
  );
  await reload(config["default-runtime"] ?? "runc");
  if (before) writeFileSync(DAEMON_JSON, before);
  else rmSync(DAEMON_JSON, { force: true });
  rmSync(SAVED);
  return `dockerd: default runtime ${config["default-runtime"] ?? "runc"} again, ${DAEMON_JSON} restored`;
}
