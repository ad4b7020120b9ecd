// Shared helpers of the chart tests: run the real helm binary, parse what it renders, walk pods and containers.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, parse as parseYaml } from "yaml";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const chartDir = path.join(repoRoot, "helm", "todo-chatbot");
export const ciValuesDir = path.join(chartDir, "ci");
export const RELEASE = "todo-chatbot";

export const chartYaml = parseYaml(readFileSync(path.join(chartDir, "Chart.yaml"), "utf8")) as {
  appVersion: string;
  version: string;
};

// scripts/helm.mjs finds helm on PATH or builds it from its Go module; asking it once keeps every test on the same helm.
export const helmPath = execFileSync(process.execPath, [path.join(repoRoot, "scripts", "helm.mjs")], {
  encoding: "utf8",
}).trim();

// No cluster anywhere: an empty kubeconfig makes sure helm never tries one.
const helmEnv = {
  ...process.env,
  KUBECONFIG: "/dev/null",
  HELM_CACHE_HOME: path.join(tmpdir(), "helm-chart-tests-cache"),
};

export interface HelmRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runHelm(args: string[]): HelmRun {
  const run = spawnSync(helmPath, args, { encoding: "utf8", env: helmEnv, maxBuffer: 32 * 1024 * 1024 });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export interface RenderOptions {
  /** values files, relative to the chart's ci/ folder or absolute */
  values?: string[];
  /** --set arguments, "key=value" */
  set?: string[];
  release?: string;
}

function valuesArgs(options: RenderOptions): string[] {
  const args: string[] = [];
  for (const file of options.values ?? []) args.push("--values", path.resolve(ciValuesDir, file));
  for (const set of options.set ?? []) args.push("--set", set);
  return args;
}

/** `helm template` exactly as a user would run it; the caller checks status and stderr. */
export function templateRun(options: RenderOptions = {}): HelmRun {
  return runHelm([
    "template",
    options.release ?? RELEASE,
    chartDir,
    "--namespace",
    "todo",
    ...valuesArgs(options),
  ]);
}

export function lintRun(options: RenderOptions = {}): HelmRun {
  return runHelm(["lint", "--strict", chartDir, "--namespace", "todo", ...valuesArgs(options)]);
}

// The parts of a Kubernetes object the tests read. Everything else is reached through `any`-free lookups.
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, string>;
  [key: string]: unknown;
}

export function parseManifests(text: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]?.message}`);
    const value = doc.toJS() as K8sObject | null;
    if (value !== null) objects.push(value);
  }
  return objects;
}

/** Renders and parses; a failed render fails the test with helm's own message. */
export function render(options: RenderOptions = {}): K8sObject[] {
  const run = templateRun(options);
  if (run.status !== 0) throw new Error(`helm template failed (${run.status}):\n${run.stderr}`);
  return parseManifests(run.stdout);
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    const present = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ");
    throw new Error(`no ${kind}/${name} in the render; present: ${present}`);
  }
  return found;
}

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

export const name = (component: string, release = RELEASE) => `${release}-${component}`;

// Minimal typed views of pod specs, enough for the policy checks.
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
  };
}
export interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number; hostPort?: number }[];
  command?: string[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  startupProbe?: unknown;
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  volumeMounts?: { name: string; mountPath: string }[];
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  automountServiceAccountToken?: boolean;
  volumes?: ({ name: string } & Record<string, unknown>)[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
}

export interface Workload {
  object: K8sObject;
  /** labels of the pods it creates */
  labels: Record<string, string>;
  pod: PodSpec;
  /** long-running app pods (Deployments, StatefulSets) as opposed to the `helm test` pod */
  longRunning: boolean;
}

export function workloads(objects: K8sObject[]): Workload[] {
  const result: Workload[] = [];
  for (const object of objects) {
    if (object.kind === "Deployment" || object.kind === "StatefulSet") {
      result.push({
        object,
        labels: object.spec.template.metadata.labels,
        pod: object.spec.template.spec,
        longRunning: true,
      });
    } else if (object.kind === "Pod") {
      result.push({ object, labels: object.metadata.labels ?? {}, pod: object.spec, longRunning: false });
    }
  }
  return result;
}

export function allContainers(pod: PodSpec): { container: Container; init: boolean }[] {
  return [
    ...(pod.initContainers ?? []).map((container) => ({ container, init: true })),
    ...pod.containers.map((container) => ({ container, init: false })),
  ];
}

export function envOf(container: Container, variable: string): EnvVar | undefined {
  return container.env?.find((e) => e.name === variable);
}

export function containerOf(
  objects: K8sObject[],
  kind: string,
  objectName: string,
  containerName: string,
): Container {
  const workload = workloads(objects).find(
    (w) => w.object.kind === kind && w.object.metadata.name === objectName,
  );
  const container = workload?.pod.containers.find((c) => c.name === containerName);
  if (!container) throw new Error(`no container ${containerName} in ${kind}/${objectName}`);
  return container;
}

export function decodeSecret(secret: K8sObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(secret.data ?? {}))
    out[key] = Buffer.from(value, "base64").toString("utf8");
  for (const [key, value] of Object.entries(
    (secret.stringData as Record<string, string> | undefined) ?? {},
  )) {
    out[key] = value;
  }
  return out;
}

export function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** Every values file in the chart's ci/ folder: each is linted, rendered and policy-checked. */
export function ciValuesFiles(): string[] {
  return readdirSync(ciValuesDir)
    .filter((file) => file.endsWith("-values.yaml"))
    .sort();
}

/** The render cases: the defaults plus one per ci/ values file. */
export function renderCases(): { title: string; options: RenderOptions }[] {
  return [
    { title: "default values", options: {} },
    ...ciValuesFiles().map((file) => ({ title: file, options: { values: [file] } })),
  ];
}

/**
 * NOTES.txt is not printed by `helm template`, and `helm install --dry-run` needs a cluster. So render it through
 * a copy of the chart with one extra template that runs NOTES.txt through `tpl`.
 */
export function renderNotes(options: RenderOptions = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "todo-chatbot-notes-"));
  try {
    const copy = path.join(dir, "todo-chatbot");
    cpSync(chartDir, copy, { recursive: true });
    cpSync(path.join(copy, "templates", "NOTES.txt"), path.join(copy, "notes-source.txt"));
    writeFileSync(
      path.join(copy, "templates", "zz-notes.yaml"),
      'notes: {{ tpl (.Files.Get "notes-source.txt") . | toJson }}\n',
    );
    const run = runHelm([
      "template",
      options.release ?? RELEASE,
      copy,
      "--namespace",
      "todo",
      "--show-only",
      "templates/zz-notes.yaml",
      ...valuesArgs(options),
    ]);
    if (run.status !== 0) throw new Error(`rendering NOTES.txt failed:\n${run.stderr}`);
    return (parseYaml(run.stdout) as { notes: string }).notes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Validates one object against the Kubernetes OpenAPI schema through kubernetes-models: apiVersion "apps/v1" and
 * kind "Deployment" map to the module "kubernetes-models/apps/v1/Deployment" (the core group "v1" to
 * "kubernetes-models/v1/..."), whose class has .validate(). Throws with the schema's message.
 */
export async function validateAgainstKubernetesSchema(object: K8sObject): Promise<void> {
  const modulePath = `kubernetes-models/${object.apiVersion}/${object.kind}`;
  let module: Record<string, unknown>;
  try {
    module = (await import(modulePath)) as Record<string, unknown>;
  } catch {
    throw new Error(
      `${object.kind}/${object.metadata.name}: no schema for apiVersion ${object.apiVersion} (${modulePath})`,
    );
  }
  const Model = module[object.kind] as (new (data: unknown) => { validate(): void }) | undefined;
  if (!Model) throw new Error(`${modulePath} exports no ${object.kind}`);
  try {
    new Model(object).validate();
  } catch (error) {
    throw new Error(
      `${object.kind}/${object.metadata.name} does not match the Kubernetes schema: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
