// Turns the chart's rendered Deployments into `docker run` settings, so the system tests run each container
// the way the cluster will: same env (ConfigMap + plain values + Secret keys), same user, read-only root
// filesystem with only the chart's emptyDir mounts writable, same dropped capabilities and probe paths.
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

const ROOT = resolve(import.meta.dirname, "..");

type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { key: string } } };
type Container = {
  name: string;
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string } }[];
  securityContext?: {
    runAsUser?: number;
    runAsGroup?: number;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
  resources?: { limits?: { cpu?: string; memory?: string } };
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  startupProbe?: { httpGet?: { path: string } };
};
type Manifest = {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: {
    template?: {
      spec: {
        containers: Container[];
        volumes?: { name: string; emptyDir?: { sizeLimit?: string } }[];
        terminationGracePeriodSeconds?: number;
        securityContext?: { runAsUser?: number; runAsGroup?: number };
      };
    };
  };
};

export type ContainerRunSpec = {
  /** Plain settings (ConfigMap and `value:` entries). */
  env: Record<string, string>;
  /** Names of the variables the chart takes from Secrets; the caller supplies their values. */
  secretEnv: string[];
  /** `docker run` flags for user, read-only root filesystem, writable mounts and capabilities. */
  runFlags: string[];
  /**
   * `docker run` flags for the chart's CPU and memory limits (a memory limit also sizes V8's heap). Apart from
   * runFlags: docker counts a tmpfs (the emptyDir stand-in) against the memory limit, and a pod's disk-backed
   * emptyDir does not, so PGlite's data in /tmp would be OOM-killed under a limit the pod never meets.
   */
  limitFlags: string[];
  probes: { startup: string; liveness: string; readiness: string };
  /** Kubernetes' default when the chart sets none. */
  terminationGraceSeconds: number;
};

/** Renders the chart (real helm, no cluster) with the given `--set` values and reads both app Deployments. */
export function chartContainers(
  set: Record<string, string>,
): Record<"backend" | "frontend", ContainerRunSpec> {
  const helm = execFileSync(process.execPath, [join(ROOT, "scripts/helm.mjs")])
    .toString()
    .trim();
  const args = ["template", "todo-chatbot", join(ROOT, "helm/todo-chatbot")];
  for (const [key, value] of Object.entries(set)) args.push("--set-string", `${key}=${value}`);
  const rendered = execFileSync(helm, args, { env: { ...process.env, KUBECONFIG: "/dev/null" } }).toString();
  const manifests = parseAllDocuments(rendered)
    .map((document) => document.toJSON() as Manifest | null)
    .filter((manifest): manifest is Manifest => Boolean(manifest));
  const configMaps = new Map(
    manifests.filter((m) => m.kind === "ConfigMap").map((m) => [m.metadata.name, m.data ?? {}]),
  );
  const runSpec = (component: string): ContainerRunSpec => {
    const deployment = manifests.find(
      (m) => m.kind === "Deployment" && m.metadata.name === `todo-chatbot-${component}`,
    );
    const pod = deployment?.spec?.template?.spec;
    const container = pod?.containers.find((c) => c.name === component);
    if (!pod || !container) throw new Error(`the chart rendered no ${component} Deployment/container`);
    const env: Record<string, string> = {};
    for (const source of container.envFrom ?? []) {
      Object.assign(env, configMaps.get(source.configMapRef?.name ?? "") ?? {});
    }
    const secretEnv: string[] = [];
    for (const variable of container.env ?? []) {
      if (variable.value !== undefined) env[variable.name] = variable.value;
      else if (variable.valueFrom?.secretKeyRef) secretEnv.push(variable.name);
    }
    const security = { ...pod.securityContext, ...container.securityContext };
    const runFlags = [`--user=${security.runAsUser}:${security.runAsGroup ?? security.runAsUser}`];
    if (security.readOnlyRootFilesystem) runFlags.push("--read-only");
    if (security.allowPrivilegeEscalation === false) runFlags.push("--security-opt=no-new-privileges");
    for (const capability of security.capabilities?.drop ?? []) runFlags.push(`--cap-drop=${capability}`);
    const limits = container.resources?.limits;
    const limitFlags: string[] = [];
    if (limits?.cpu) limitFlags.push(`--cpus=${toCpus(limits.cpu)}`);
    if (limits?.memory) limitFlags.push(`--memory=${toBytes(limits.memory)}`);
    for (const mount of container.volumeMounts ?? []) {
      const volume = pod.volumes?.find((v) => v.name === mount.name);
      if (!volume?.emptyDir) throw new Error(`${component}: volume ${mount.name} is not an emptyDir`);
      // An emptyDir is a fresh, empty, writable directory per pod; a tmpfs of the same size limit is docker's.
      const size = volume.emptyDir.sizeLimit ? `,tmpfs-size=${toBytes(volume.emptyDir.sizeLimit)}` : "";
      runFlags.push(`--mount=type=tmpfs,destination=${mount.mountPath}${size},tmpfs-mode=1777`);
    }
    const path = (probe?: { httpGet?: { path: string } }) => {
      if (!probe?.httpGet) throw new Error(`${component}: a probe without httpGet`);
      return probe.httpGet.path;
    };
    return {
      env,
      secretEnv,
      runFlags,
      limitFlags,
      probes: {
        startup: path(container.startupProbe),
        liveness: path(container.livenessProbe),
        readiness: path(container.readinessProbe),
      },
      terminationGraceSeconds: pod.terminationGracePeriodSeconds ?? 30,
    };
  };
  return { backend: runSpec("backend"), frontend: runSpec("frontend") };
}

function toCpus(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(m)?$/.exec(quantity);
  if (!match) throw new Error(`unsupported CPU quantity "${quantity}"`);
  return Number(match[1]) / (match[2] ? 1000 : 1);
}

function toBytes(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(quantity);
  if (!match) throw new Error(`unsupported size "${quantity}" (expected e.g. 64Mi)`);
  const power = { Ki: 10, Mi: 20, Gi: 30 }[match[2] ?? ""] ?? 0;
  return Number(match[1]) * 2 ** power;
}
