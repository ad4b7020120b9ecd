// The node's host networking: the node address on an interface of its own, the pod network's CNI config, and
// the cleanup of everything the node's components added to the host's network (interfaces, iptables chains).
// Minikube's docker driver gets the same from a container on the `minikube` docker network (192.168.49.0/24)
// and its bridge CNI; here the node is this machine, so the pieces are made on the host and removed by `down`.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CNI_BRIDGE, CNI_NETWORK, NODE_INTERFACE, NODE_IP, NODE_POD_CIDR, paths } from "./state.mjs";

function run(command, args, { allowFailure = false } = {}) {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (!allowFailure && (result.error || result.status !== 0)) {
    throw new Error(`${command} ${args.join(" ")} failed: ${result.error?.message ?? result.stderr.trim()}`);
  }
  return result;
}

const linkExists = (name) => run("ip", ["link", "show", name], { allowFailure: true }).status === 0;

/**
 * The node address (192.168.49.2/32, Minikube's) on `todo-node0`, a bridge with no ports: a dummy link would
 * do, but this kernel has no dummy driver. The address is local, so pods reach the API server there through
 * the `kubernetes` Service, and it is never routed off this machine.
 */
export function ensureNodeInterface() {
  if (!linkExists(NODE_INTERFACE)) run("ip", ["link", "add", NODE_INTERFACE, "type", "bridge"]);
  const addresses = run("ip", ["-4", "-o", "addr", "show", "dev", NODE_INTERFACE]).stdout;
  if (!addresses.includes(` ${NODE_IP}/`)) run("ip", ["addr", "add", `${NODE_IP}/32`, "dev", NODE_INTERFACE]);
  run("ip", ["link", "set", NODE_INTERFACE, "up"]);
}

/**
 * The pod network, as a CNI conflist in <state>/cni/net.d (cri-dockerd --cni-conf-dir): Debian's bridge
 * plugin on `todo-cni0` with host-local IPAM over the node's podCIDR, then portmap (hostPort) and firewall.
 * firewall is needed because dockerd sets the FORWARD policy to DROP: it accepts traffic to and from each pod
 * IP in its own CNI-FORWARD chain. No ipMasq: pods talk to this machine and each other only.
 */
export function writeCniConfig() {
  mkdirSync(paths.cniConf, { recursive: true });
  const file = join(paths.cniConf, "10-todo-cluster.conflist");
  writeFileSync(
    file,
    JSON.stringify(
      {
        cniVersion: "1.0.0",
        name: CNI_NETWORK,
        plugins: [
          {
            type: "bridge",
            bridge: CNI_BRIDGE,
            isGateway: true,
            ipMasq: false,
            hairpinMode: true, // a pod reaching itself through its Service
            ipam: {
              type: "host-local",
              ranges: [[{ subnet: NODE_POD_CIDR }]],
              routes: [{ dst: "0.0.0.0/0" }],
              dataDir: paths.cniIpam,
            },
          },
          { type: "portmap", capabilities: { portMappings: true } },
          { type: "firewall", backend: "iptables" },
        ],
      },
      null,
      2,
    ) + "\n",
  );
  return file;
}

/** Deletes the node interface and the CNI bridge (pods' veths vanish with their network namespaces). */
export function removeInterfaces() {
  const removed = [];
  for (const name of [CNI_BRIDGE, NODE_INTERFACE]) {
    if (linkExists(name)) {
      run("ip", ["link", "delete", name]);
      removed.push(name);
    }
  }
  return removed;
}

/** Names of our interfaces still present (for `down`'s check). */
export function leftoverInterfaces() {
  return [CNI_BRIDGE, NODE_INTERFACE].filter(linkExists);
}

const OUR_CHAIN = /^(KUBE-|CNI-)/;
const TABLES = ["filter", "nat", "mangle", "raw"];

/** Chains of ours (KUBE-*, CNI-*) in iptables and ip6tables, as "iptables:nat:KUBE-SERVICES". */
export function leftoverChains() {
  const found = [];
  for (const tool of ["iptables", "ip6tables"]) {
    for (const table of TABLES) {
      const saved = run(`${tool}-save`, ["-t", table], { allowFailure: true }).stdout ?? "";
      for (const line of saved.split("\n")) {
        const chain = line.match(/^:(\S+)/)?.[1];
        if (chain && OUR_CHAIN.test(chain)) found.push(`${tool}:${table}:${chain}`);
      }
    }
  }
  return found;
}

/**
 * Removes what is left of the kubelet's (KUBE-KUBELET-CANARY, KUBE-FIREWALL ...), kube-proxy's and the CNI
 * plugins' (CNI-FORWARD, CNI-HOSTPORT-*, CNI-DN-*) chains after `kube-proxy --cleanup`: first every rule that
 * jumps to one of them, then the chains. Chains of other owners (DOCKER*, a user's) are left alone.
 */
export function removeChains() {
  for (const tool of ["iptables", "ip6tables"]) {
    for (const table of TABLES) {
      const saved = run(`${tool}-save`, ["-t", table], { allowFailure: true }).stdout ?? "";
      const ours = saved
        .split("\n")
        .map((line) => line.match(/^:(\S+)/)?.[1])
        .filter((chain) => chain && OUR_CHAIN.test(chain));
      if (!ours.length) continue;
      // Rules in other chains that jump to ours: delete them by their exact spec ("-A X ..." -> "-D X ...").
      for (const line of saved.split("\n")) {
        const rule = line.match(/^-A (\S+) (.*)$/);
        if (!rule || OUR_CHAIN.test(rule[1] ?? "")) continue;
        const target = line.match(/ -[jg] (\S+)/)?.[1];
        if (target && OUR_CHAIN.test(target)) {
          run(tool, ["-w", "-t", table, "-D", rule[1], ...splitRule(rule[2])], { allowFailure: true });
        }
      }
      for (const chain of ours) run(tool, ["-w", "-t", table, "-F", chain], { allowFailure: true });
      for (const chain of ours) run(tool, ["-w", "-t", table, "-X", chain], { allowFailure: true });
    }
  }
}

/** Splits an iptables-save rule into arguments, keeping "quoted strings" (comments) whole. */
function splitRule(text) {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) =>
    m[1] !== undefined ? m[1].replace(/\\"/g, '"') : m[2],
  );
}
