// The policy pack's rules as plain functions: (resource type, resource inputs) -> violation messages. They
// read the same resources `pulumi preview` sends to the pack, and the tests run them on the program's own.

import { unfixedTag } from "./image-tag.cjs";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Props = Record<string, any>;

export interface ContainerView {
  workload: string;
  name: string;
  image?: string;
  imagePullPolicy?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext?: Props;
  env?: { name: string; value?: unknown; valueFrom?: unknown }[];
}

const POD_TEMPLATE_KINDS: Record<string, (props: Props) => Props | undefined> = {
  "kubernetes:apps/v1:Deployment": (p) => p.spec?.template?.spec,
  "kubernetes:apps/v1:StatefulSet": (p) => p.spec?.template?.spec,
  "kubernetes:apps/v1:DaemonSet": (p) => p.spec?.template?.spec,
  "kubernetes:batch/v1:Job": (p) => p.spec?.template?.spec,
  "kubernetes:core/v1:Pod": (p) => p.spec,
};

/** Every container (init containers too) of a workload resource, or [] for other types. */
export function containersOf(type: string, props: Props): ContainerView[] {
  const podSpec = POD_TEMPLATE_KINDS[type]?.(props);
  if (!podSpec) return [];
  const workload = `${type.split(":").pop()}/${props.metadata?.name ?? "?"}`;
  const containers: Props[] = [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])];
  return containers.map((c) => ({ ...c, workload, name: String(c.name) }));
}

/** Whether an image reference names a registry host ("registry.example.com/app", "localhost:5000/app"). */
export function hasRegistryHost(image: string): boolean {
  const first = image.split("/")[0] ?? "";
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
}

// Images of the Helm release's values (backend, frontend, postgresql): repository + tag.
function releaseImages(props: Props): { key: string; image: string; pullPolicy?: string }[] {
  const values = props.values ?? {};
  return ["backend", "frontend", "postgresql"]
    .filter((key) => values[key]?.image?.repository)
    .map((key) => ({
      key: `values.${key}.image`,
      image: `${values[key].image.repository}:${values[key].image.tag ?? ""}`,
      pullPolicy: values[key].image.pullPolicy,
    }));
}

export function noLatestTag(type: string, props: Props): string[] {
  const problems: string[] = [];
  const check = (where: string, image: string | undefined) => {
    if (image && unfixedTag(image)) {
      problems.push(
        `${where} uses image "${image}" without a fixed tag: use a content or version tag, never latest.`,
      );
    }
  };
  for (const c of containersOf(type, props)) check(`${c.workload} container ${c.name}`, c.image);
  if (type === "kubernetes:helm.sh/v3:Release") for (const i of releaseImages(props)) check(i.key, i.image);
  return problems;
}

export function pullPolicyFitsImage(type: string, props: Props): string[] {
  const problems: string[] = [];
  const check = (where: string, image: string | undefined, policy: string | undefined) => {
    if (!image) return;
    if (!hasRegistryHost(image) && policy === "Always") {
      problems.push(
        `${where}: image "${image}" has no registry host (a local image) but imagePullPolicy is Always, so the ` +
          `node would try to pull it: use Never (built into Minikube's Docker) or IfNotPresent.`,
      );
    }
    if (hasRegistryHost(image) && policy === "Never") {
      problems.push(
        `${where}: image "${image}" comes from a registry but imagePullPolicy is Never: use IfNotPresent.`,
      );
    }
  };
  for (const c of containersOf(type, props))
    check(`${c.workload} container ${c.name}`, c.image, c.imagePullPolicy);
  if (type === "kubernetes:helm.sh/v3:Release")
    for (const i of releaseImages(props)) check(i.key, i.image, i.pullPolicy);
  return problems;
}

export function requestsAndLimits(type: string, props: Props): string[] {
  const problems: string[] = [];
  for (const c of containersOf(type, props)) {
    for (const kind of ["requests", "limits"] as const) {
      for (const resource of ["cpu", "memory"]) {
        if (c.resources?.[kind]?.[resource] === undefined) {
          problems.push(
            `${c.workload} container ${c.name} has no ${resource} ${kind}: set resources.${kind}.${resource}.`,
          );
        }
      }
    }
  }
  return problems;
}

export function nonRoot(type: string, props: Props): string[] {
  const podSpec = POD_TEMPLATE_KINDS[type]?.(props);
  if (!podSpec) return [];
  const problems: string[] = [];
  const podContext = podSpec.securityContext ?? {};
  for (const c of containersOf(type, props)) {
    const context = c.securityContext ?? {};
    const runAsNonRoot = context.runAsNonRoot ?? podContext.runAsNonRoot;
    const user = context.runAsUser ?? podContext.runAsUser;
    if (runAsNonRoot !== true || user === 0) {
      problems.push(
        `${c.workload} container ${c.name} may run as root: set securityContext.runAsNonRoot: true and a non-zero runAsUser.`,
      );
    }
    if (context.allowPrivilegeEscalation !== false) {
      problems.push(
        `${c.workload} container ${c.name} allows privilege escalation: set securityContext.allowPrivilegeEscalation: false.`,
      );
    }
    if (context.privileged === true)
      problems.push(`${c.workload} container ${c.name} is privileged: remove privileged: true.`);
  }
  return problems;
}

// Names that hold credentials; such values belong in a Secret, referenced by name.
const SECRET_NAME = /(SECRET|PASSWORD|TOKEN|API_?KEY|DATABASE_URL|CREDENTIAL)/i;
const SECRET_VALUE_KEY = /^(url|secret|password|apiKey|token)$/;

export function noPlaintextSecrets(type: string, props: Props): string[] {
  const problems: string[] = [];
  if (type === "kubernetes:core/v1:ConfigMap") {
    for (const key of Object.keys(props.data ?? {})) {
      if (SECRET_NAME.test(key)) {
        problems.push(
          `ConfigMap/${props.metadata?.name} holds ${key}: move it to a Secret and read it with secretKeyRef.`,
        );
      }
    }
  }
  for (const c of containersOf(type, props)) {
    for (const variable of c.env ?? []) {
      if (SECRET_NAME.test(variable.name) && variable.value !== undefined && variable.value !== "") {
        problems.push(
          `${c.workload} container ${c.name} sets ${variable.name} as a plain value: use valueFrom.secretKeyRef.`,
        );
      }
    }
  }
  if (type === "kubernetes:helm.sh/v3:Release") {
    const walk = (value: unknown, path: string): void => {
      if (typeof value !== "object" || value === null) return;
      for (const [key, inner] of Object.entries(value)) {
        const where = `${path}.${key}`;
        if (SECRET_VALUE_KEY.test(key) && typeof inner === "string" && inner !== "") {
          problems.push(
            `Helm value ${where} holds a secret in the release history: pass an existingSecret name instead.`,
          );
        }
        walk(inner, where);
      }
    };
    walk(props.values, "values");
  }
  return problems;
}

export interface Rule {
  name: string;
  description: string;
  check: (type: string, props: Props) => string[];
}

export const RULES: Rule[] = [
  {
    name: "no-latest-image-tag",
    description: "Images have a fixed tag, never latest or none.",
    check: noLatestTag,
  },
  {
    name: "pull-policy-fits-image",
    description: "Local images are never pulled (Never/IfNotPresent); registry images are not set to Never.",
    check: pullPolicyFitsImage,
  },
  {
    name: "requests-and-limits",
    description: "Every container sets CPU and memory requests and limits.",
    check: requestsAndLimits,
  },
  {
    name: "non-root",
    description: "Containers run as a non-root user without privilege escalation.",
    check: nonRoot,
  },
  {
    name: "no-plaintext-secrets",
    description: "Credentials live in Secrets: not in ConfigMaps, plain env values or Helm values.",
    check: noPlaintextSecrets,
  },
];
