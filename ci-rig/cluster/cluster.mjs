// `npm run cluster:up | cluster:down | cluster:status | cluster:env`: a single-node Kubernetes on this machine
// that behaves like `minikube start --driver=docker` followed by `eval $(minikube docker-env)`: context
// `minikube`, node `minikube` at 192.168.49.2, and the node's container runtime is this machine's dockerd, so
// an image built with `docker build` is what a pod runs (imagePullPolicy: Never). docs/cluster.md, "Cluster".
// A user's own Minikube, when it answers, is used instead and nothing is built or started.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import pWaitFor from "p-wait-for";
import { ensureDockerEngine } from "../docker-engine.mjs";
import { applyAddons, kubectl, labelNode } from "./addons.mjs";
import { ensureCertificates, writeKubeconfigs } from "./certs.mjs";
import { ensureOomTolerantRuntime, restoreDockerRuntime } from "./docker-runtime.mjs";
import { ensureNodeImages } from "./images.mjs";
import {
  podContainers,
  removeContainerLogLinks,
  removeKubepodsCgroups,
  removePodContainers,
  stateMounts,
  unmountState,
} from "./leftovers.mjs";
import {
  ensureNodeInterface,
  leftoverChains,
  leftoverInterfaces,
  removeChains,
  removeInterfaces,
  writeCniConfig,
} from "./network.mjs";
import { COMPONENT_NAMES, componentEnv, components } from "./node-config.mjs";
import { logFile, runningPid, startProcess, stopProcess, waitHealthy } from "./processes.mjs";
import { detectRealMinikube } from "./real-minikube.mjs";
import { CNI_BIN_DIR, CONTEXT, NODE_NAME, paths } from "./state.mjs";
import { binDirs, binPath, buildToolchain, missingParts } from "./toolchain.mjs";
import { mergeUserKubeconfig, removeFromUserKubeconfig } from "./user-kubeconfig.mjs";

/** The export lines that point a shell at the cluster (toolchain first on PATH, our kubeconfig). */
export function envLines() {
  return [`export PATH="${binDirs().join(":")}:$PATH"`, `export KUBECONFIG="${paths.kubeconfig}"`];
}

/** The same, as an object to merge into a child process's environment. */
export function clusterEnv() {
  return { PATH: [...binDirs(), process.env.PATH].join(":"), KUBECONFIG: paths.kubeconfig };
}

/** A user's real Minikube (never while our own API server runs: it answers as `minikube` too). */
function realMinikube() {
  if (runningPid("kube-apiserver")) return undefined;
  return detectRealMinikube(binDirs());
}

/** What the node needs from the machine besides the toolchain; throws naming the missing parts and the fix. */
function checkHost() {
  if (process.getuid?.() !== 0) {
    throw new Error(
      "the node runs as root (kubelet, iptables, mounts, interfaces): run `npm run cluster:up` as root",
    );
  }
  const missing = ["bridge", "host-local", "portmap", "firewall", "loopback"]
    .filter((plugin) => !existsSync(`${CNI_BIN_DIR}/${plugin}`))
    .map((plugin) => `${CNI_BIN_DIR}/${plugin} (apt-get install -y containernetworking-plugins)`);
  for (const [tool, pkg] of [
    ["iptables", "iptables"],
    ["conntrack", "conntrack"],
    ["socat", "socat"],
    ["nsenter", "util-linux"],
    ["ip", "iproute2"],
    ["openssl", "openssl"],
  ]) {
    const found = spawnSync("sh", ["-c", `PATH="$PATH:/usr/sbin:/sbin" command -v ${tool}`]).status === 0;
    if (!found) missing.push(`${tool} (apt-get install -y ${pkg})`);
  }
  if (missing.length) throw new Error(`the node needs: ${missing.join(", ")}`);
}

/** Polls `probe` (truthy = done) every second; throws `message()` (read then: it may quote a log) after `timeoutMs`. */
function until(probe, timeoutMs, message) {
  const fallback = () => {
    throw new Error(message());
  };
  return pWaitFor(async () => Boolean(await probe()), {
    interval: 1000,
    timeout: { milliseconds: timeoutMs, fallback },
  });
}

/** Waits until the kubelet has registered the node. */
function nodeRegistered() {
  return until(
    () => kubectl(["get", "node", NODE_NAME], { allowFailure: true }).status === 0,
    120_000,
    () => `node ${NODE_NAME} did not register within 120 s: see ${logFile("kubelet")}`,
  );
}

function nodeReady() {
  const result = kubectl(
    ["get", "node", NODE_NAME, "-o", `jsonpath={.status.conditions[?(@.type=="Ready")].status}`],
    { allowFailure: true },
  );
  return result.status === 0 && result.stdout.trim() === "True";
}

function corednsReady() {
  const result = kubectl(
    ["-n", "kube-system", "get", "deployment", "coredns", "-o", "jsonpath={.status.readyReplicas}"],
    { allowFailure: true },
  );
  return result.status === 0 && Number(result.stdout.trim()) >= 1;
}

/**
 * Starts whatever is not running and waits until the node and CoreDNS are Ready. Idempotent. Returns
 * { real, env }: `env` is what a child process needs (PATH, KUBECONFIG); empty with a user's real Minikube.
 */
export async function up({ log = console.log } = {}) {
  const started = Date.now();
  const real = realMinikube();
  if (real) {
    log(`Using your Minikube: context "${CONTEXT}" answers, with ${real.kubectl} and ${real.pulumi}.`);
    log("Nothing was built or started; `npm run cluster:env` prints nothing to change.");
    return { real: true, env: {} };
  }
  checkHost();
  await buildToolchain();
  await ensureDockerEngine();
  await ensureOomTolerantRuntime(log);
  for (const dir of [paths.logs, paths.run, paths.config, paths.etcd, paths.kubelet, paths.podLogs]) {
    mkdirSync(dir, { recursive: true });
  }
  ensureCertificates();
  writeKubeconfigs();
  ensureNodeInterface();
  writeCniConfig();
  for (const image of ensureNodeImages()) log(`image ${image.tag}: ${image.built ? "built" : "up to date"}`);

  const env = componentEnv();
  for (const component of components()) {
    const { name, binary, args, health, hint, timeoutMs, needsNode } = component;
    if (needsNode) await nodeRegistered();
    let pid = runningPid(name);
    if (!pid) {
      component.prepare?.(); // config files only for a process about to start: running ones keep theirs
      pid = startProcess(name, binary, args, { env });
      await waitHealthy(name, health, { timeoutMs, hint });
      log(`${name}: started (pid ${pid})`);
    } else {
      await waitHealthy(name, health, { timeoutMs, hint });
      log(`${name}: running (pid ${pid})`);
    }
    // The addons as soon as the API answers: RBAC of the provisioner before it starts, CoreDNS queued for the node.
    if (name === "kube-apiserver") applyAddons();
  }

  await nodeRegistered();
  labelNode();
  await until(
    nodeReady,
    180_000,
    () => `node ${NODE_NAME} is not Ready after 180 s: see ${logFile("kubelet")}`,
  );
  await until(
    corednsReady,
    240_000,
    () =>
      "CoreDNS is not Ready after 240 s: `kubectl -n kube-system describe pod -l k8s-app=kube-dns`; " +
      `see ${logFile("kubelet")} and ${logFile("cri-dockerd")}`,
  );
  log(mergeUserKubeconfig(binPath("kubectl")));
  log(
    `\nCluster ready in ${((Date.now() - started) / 1000).toFixed(0)} s: node ${NODE_NAME}, context ${CONTEXT}.`,
  );
  log(`kubeconfig: ${paths.kubeconfig}`);
  log(`logs:       ${paths.logs}`);
  log(`Point this shell at it (eval "$(npm run -s cluster:env)"):`);
  for (const line of envLines()) log(`  ${line}`);
  return { real: false, env: clusterEnv() };
}

/** Each component's pid, liveness and health, then the node's and CoreDNS's readiness. */
export async function status() {
  const real = realMinikube();
  if (real) {
    return { real: true, healthy: true, lines: [`using your Minikube (context ${CONTEXT}): /readyz ok`] };
  }
  const lines = [];
  let healthy = true;
  let list;
  try {
    list = components();
  } catch (error) {
    return {
      real: false,
      healthy: false,
      lines: [`toolchain not ready: ${error instanceof Error ? error.message : error}`],
    };
  }
  for (const { name, health } of list) {
    const pid = runningPid(name);
    const ok = pid ? await health().catch(() => false) : false;
    healthy &&= ok;
    lines.push(
      `${ok ? "ok  " : "FAIL"} ${name.padEnd(24)} ${pid ? `pid ${pid}` : "not running"}` +
        `${pid && !ok ? " (unhealthy)" : ""}  log ${logFile(name)}`,
    );
  }
  const apiUp = Boolean(runningPid("kube-apiserver"));
  const node = apiUp && nodeReady();
  const dns = apiUp && corednsReady();
  healthy &&= node && dns;
  lines.push(`${node ? "ok  " : "FAIL"} node ${NODE_NAME} Ready`);
  lines.push(`${dns ? "ok  " : "FAIL"} CoreDNS Ready`);
  return { real: false, healthy, lines };
}

/** Stops everything `up` started, in reverse order, and removes what it left on the host; reports leftovers. */
export async function down({ log = console.log } = {}) {
  const kubectlBin = (() => {
    try {
      return binPath("kubectl");
    } catch {
      return undefined;
    }
  })();
  const stop = async (name) => {
    if (await stopProcess(name)) log(`${name}: stopped`);
  };
  const reverse = [...COMPONENT_NAMES].reverse();
  // The kubelet first (so it restarts no container), then its containers while dockerd still has them.
  for (const name of reverse.slice(0, reverse.indexOf("kubelet") + 1)) await stop(name);
  const removed = removePodContainers();
  if (removed) log(`removed ${removed} pod containers`);
  for (const name of reverse.slice(reverse.indexOf("kubelet") + 1)) await stop(name);

  // kube-proxy's own cleanup of its iptables/nftables rules (cmd/kube-proxy --cleanup), then any chain left.
  try {
    spawnSync(binPath("kube-proxy"), ["--cleanup"], { stdio: "ignore", env: componentEnv() });
  } catch {
    // toolchain gone: removeChains below does the same
  }
  removeChains();
  const interfaces = removeInterfaces();
  if (interfaces.length) log(`removed interfaces ${interfaces.join(", ")}`);
  const stuck = unmountState();
  removeContainerLogLinks();
  const cgroupsLeft = removeKubepodsCgroups();
  const note = removeFromUserKubeconfig(kubectlBin);
  if (note) log(note);
  const runtimeNote = await restoreDockerRuntime();
  if (runtimeNote) log(runtimeNote);
  if (!stuck.length) rmSync(paths.state, { recursive: true, force: true });

  // Verify: nothing of ours may be left.
  const left = [
    ...COMPONENT_NAMES.filter((name) => runningPid(name)).map((name) => `process ${name}`),
    ...podContainers().map((id) => `container ${id.slice(0, 12)}`),
    ...leftoverInterfaces().map((name) => `interface ${name}`),
    ...leftoverChains().map((chain) => `iptables chain ${chain}`),
    ...stateMounts().map((point) => `mount ${point}`),
    ...cgroupsLeft.map((dir) => `cgroup ${dir}`),
    ...(existsSync(paths.state) ? [`folder ${paths.state}`] : []),
  ];
  if (left.length) throw new Error(`cluster down left:\n  ${left.join("\n  ")}`);
  log(`cluster stopped; nothing of it is left (state ${paths.state} removed).`);
}

async function main(command) {
  switch (command) {
    case "up":
      await up();
      return 0;
    case "down":
      await down();
      return 0;
    case "status": {
      const result = await status();
      for (const line of result.lines) console.log(line);
      if (!result.real) console.log(`logs: ${paths.logs}`);
      return result.healthy ? 0 : 1;
    }
    case "missing":
      // What `up` would build first, one line a part; nothing when a user's real Minikube answers.
      if (!realMinikube()) for (const part of missingParts()) console.log(part);
      return 0;
    case "env":
      // Nothing to change with a user's real Minikube: their kubectl, pulumi and kubeconfig are already set.
      if (!realMinikube()) for (const line of envLines()) console.log(line);
      return 0;
    default:
      console.error("usage: node ci-rig/cluster/cluster.mjs up|down|status|env|missing");
      return 2;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = await main(process.argv[2]);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
