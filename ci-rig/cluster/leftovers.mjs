// What the kubelet and cri-dockerd leave on the host besides networking (network.mjs): the pods' docker
// containers, mounts under the kubelet's root dir (it makes the dir rshared and mounts secrets as tmpfs), the
// kubepods cgroups and /var/log/containers symlinks (a path the 1.34 kubelet hard-codes:
// pkg/kubelet/kubelet.go ContainerLogsDir). `down` removes them; these functions also report what is left.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { paths } from "./state.mjs";

const CONTAINER_LOGS = "/var/log/containers";

/**
 * Ids of docker containers made by cri-dockerd: label io.kubernetes.docker.type or a k8s_ name.
 * @returns {string[]}
 */
export function podContainers() {
  const result = spawnSync(
    "docker",
    ["ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.Labels}}"],
    {
      encoding: "utf8",
    },
  );
  if (result.status !== 0) return [];
  return result.stdout
    .split("\n")
    .filter(Boolean)
    .filter((line) => line.split(" ")[1]?.startsWith("k8s_") || line.includes("io.kubernetes.docker.type="))
    .map((line) => line.split(" ")[0] ?? "");
}

export function removePodContainers() {
  const ids = podContainers();
  if (ids.length) spawnSync("docker", ["rm", "-f", "-v", ...ids], { stdio: "ignore" });
  return ids.length;
}

/** Mount points at or under the state dir, deepest first. */
export function stateMounts() {
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4]?.replace(/\\040/g, " ") ?? "")
    .filter((point) => point === paths.state || point.startsWith(`${paths.state}/`));
  return [...new Set(mounts)].sort((a, b) => b.length - a.length);
}

export function unmountState() {
  for (let round = 0; round < 5 && stateMounts().length; round++) {
    for (const point of stateMounts()) {
      if (spawnSync("umount", [point], { stdio: "ignore" }).status !== 0) {
        spawnSync("umount", ["-l", point], { stdio: "ignore" });
      }
    }
  }
  return stateMounts();
}

/** /var/log/containers symlinks pointing into our pod logs; the folder too when it is then empty. */
export function removeContainerLogLinks() {
  if (!existsSync(CONTAINER_LOGS)) return;
  for (const entry of readdirSync(CONTAINER_LOGS)) {
    const link = join(CONTAINER_LOGS, entry);
    try {
      if (readlinkSync(link).startsWith(paths.podLogs)) rmSync(link);
    } catch {
      // not a link
    }
  }
  if (!readdirSync(CONTAINER_LOGS).length) rmdirSync(CONTAINER_LOGS);
}

/** The kubelet's cgroup tree (cgroupfs driver: /kubepods under each v1 hierarchy and the unified one). */
export function kubepodsCgroups() {
  const roots = existsSync("/sys/fs/cgroup")
    ? readdirSync("/sys/fs/cgroup").map((name) => join("/sys/fs/cgroup", name, "kubepods"))
    : [];
  return roots.filter((dir) => existsSync(dir));
}

/** rmdir the (by now empty) kubepods cgroups, deepest first; returns the ones that would not go. */
export function removeKubepodsCgroups() {
  const left = [];
  for (const root of kubepodsCgroups()) {
    const dirs = [];
    const walk = (dir) => {
      dirs.push(dir);
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
      }
    };
    try {
      walk(root);
    } catch {
      continue;
    }
    for (const dir of dirs.reverse()) {
      try {
        rmdirSync(dir);
      } catch {
        left.push(dir);
      }
    }
  }
  return left;
}
