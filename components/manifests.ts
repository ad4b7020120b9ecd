// Raw mode's Kubernetes objects, built from the app spec as plain data (no Pulumi resources here, so tests can
// compare them field by field with `helm template` of the chart). Each builder mirrors one chart template.
import { createHash } from "node:crypto";
// Plain (not Pulumi Input) types of the Kubernetes API, so the builders return data.
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { IService } from "kubernetes-models/v1/Service";
import {
  ANY_MODE_BACKEND,
  DATABASE_NAME,
  databaseNaming,
  namingFor,
  type Component,
  type Naming,
} from "./naming.ts";
import type { Probe, Resources } from "./chart-defaults.ts";
import { PORTS, type AppComponentSpec, type AppSpec } from "./spec.ts";

/** Every object of the app in raw mode, in apply order. */
export interface AppManifests {
  configMap: ConfigMapObject;
  backend: { deployment: DeploymentObject; service: ServiceObject; pdb?: PdbObject };
  frontend: { deployment: DeploymentObject; service: ServiceObject; pdb?: PdbObject };
  networkPolicies: NetworkPolicyObject[];
}

export interface DatabaseManifests {
  service: ServiceObject;
  statefulSet: StatefulSetObject;
  networkPolicies: NetworkPolicyObject[];
}

// Named objects with a spec: what the builders always produce.
type Named = { metadata: { name: string; namespace: string } };
type WithSpec<T extends { spec?: unknown }> = T & Named & { spec: NonNullable<T["spec"]> };
export type ConfigMapObject = IConfigMap & Named;
export type DeploymentObject = WithSpec<IDeployment>;
export type ServiceObject = WithSpec<IService>;
export type StatefulSetObject = WithSpec<IStatefulSet>;
export type PdbObject = WithSpec<IPodDisruptionBudget>;
export type NetworkPolicyObject = WithSpec<INetworkPolicy>;
type Container = IContainer;
type PodSpec = IPodSpec;
type EnvVar = IEnvVar;

function meta(naming: Naming, spec: AppSpec, component: Component, objectComponent: Component = component) {
  return { name: naming.name(objectComponent), namespace: spec.namespace, labels: naming.labels(component) };
}

/** The backend's non-secret settings (configmap.yaml). */
export function configMapData(spec: AppSpec): Record<string, string> {
  return {
    NODE_ENV: "production",
    HOST: "0.0.0.0",
    PORT: String(PORTS.backend),
    BETTER_AUTH_URL: spec.publicUrl,
    TRUSTED_ORIGINS: spec.publicUrl,
    DATABASE_POOL_MAX: String(spec.backend.databasePoolMax),
    LLM_BASE_URL: spec.llm.baseUrl,
    LLM_MODEL: spec.llm.model,
    LLM_TIMEOUT_MS: String(spec.llm.timeoutMs),
    LOG_LEVEL: spec.backend.logLevel,
    CHAT_RATE_LIMIT_PER_MINUTE: String(spec.backend.chatRateLimitPerMinute),
    TRUSTED_PROXIES: spec.backend.trustedProxies.join(","),
  };
}

// Pod and container security (the restricted Pod Security Standard), as in the chart's _app.tpl.
function podSecurityContext(user: number) {
  return {
    runAsNonRoot: true,
    runAsUser: user,
    runAsGroup: user,
    fsGroup: user,
    seccompProfile: { type: "RuntimeDefault" as const },
  };
}
function containerSecurityContext(user: number) {
  return {
    runAsNonRoot: true,
    runAsUser: user,
    runAsGroup: user,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" as const },
  };
}
function podDefaults(
  user: number,
): Pick<PodSpec, "automountServiceAccountToken" | "enableServiceLinks" | "securityContext"> {
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: podSecurityContext(user),
  };
}

function secretEnv(name: string, secret: string, key: string): EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

function copyProbe(probe: Probe): Probe {
  return { ...probe, httpGet: { ...probe.httpGet } };
}
function copyResources(resources: Resources): Resources {
  return { requests: { ...resources.requests }, limits: { ...resources.limits } };
}

interface AppDeploymentParts {
  env: Pick<Container, "env" | "envFrom">;
  annotations?: Record<string, string>;
  initContainers?: Container[];
  extraMounts?: { name: string; mountPath: string }[];
  extraVolumes?: NonNullable<PodSpec["volumes"]>;
}

// appDeployment in _app.tpl: what the backend and the frontend share (rollout, security, probes, resources).
function appDeployment(
  spec: AppSpec,
  naming: Naming,
  component: "backend" | "frontend",
  app: AppComponentSpec,
  parts: AppDeploymentParts,
): DeploymentObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(naming, spec, component),
    spec: {
      replicas: app.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: naming.selector(component) },
      // Start every new pod before stopping an old one: no moment with fewer ready pods, and the pods start
      // together (two replicas rolled in 3.4 s instead of 6.2 s with one at a time: docs/benchmarks.md). A node
      // without room for them all schedules the rest as old pods leave.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "100%" } },
      template: {
        metadata: {
          labels: naming.labels(component),
          ...(parts.annotations ? { annotations: parts.annotations } : {}),
        },
        spec: {
          ...podDefaults(app.runAsUser),
          ...(parts.initContainers ? { initContainers: parts.initContainers } : {}),
          containers: [
            {
              name: component,
              image: `${app.image.repository}:${app.image.tag}`,
              imagePullPolicy: app.image.pullPolicy,
              ports: [{ name: "http", containerPort: app.port, protocol: "TCP" }],
              ...parts.env,
              startupProbe: copyProbe(app.startupProbe),
              livenessProbe: copyProbe(app.livenessProbe),
              readinessProbe: copyProbe(app.readinessProbe),
              // Keep serving while the endpoints update, then SIGTERM (_app.tpl; Kubernetes' sleep action,
              // https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations).
              ...(app.preStopSleepSeconds > 0
                ? { lifecycle: { preStop: { sleep: { seconds: app.preStopSleepSeconds } } } }
                : {}),
              resources: copyResources(app.resources),
              securityContext: containerSecurityContext(app.runAsUser),
              // The root filesystem is read-only; these are the only writable paths.
              volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...(parts.extraMounts ?? [])],
            },
          ],
          volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }, ...(parts.extraVolumes ?? [])],
        },
      },
    },
  };
}

function pdb(spec: AppSpec, naming: Naming, component: "backend" | "frontend"): PdbObject {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: meta(naming, spec, component),
    spec: { minAvailable: 1, selector: { matchLabels: naming.selector(component) } },
  };
}

export function appManifests(spec: AppSpec): AppManifests {
  const naming = namingFor(spec);
  const data = configMapData(spec);
  const configMap: ConfigMapObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta(naming, spec, "backend", "config"),
    data,
  };

  const backendEnv: EnvVar[] = [
    secretEnv("DATABASE_URL", spec.secrets.database, "DATABASE_URL"),
    secretEnv("BETTER_AUTH_SECRET", spec.secrets.auth, "BETTER_AUTH_SECRET"),
    ...(spec.llm.hasKey ? [secretEnv("LLM_API_KEY", spec.secrets.llm, "LLM_API_KEY")] : []),
  ];
  const backendDeployment = appDeployment(spec, naming, "backend", spec.backend, {
    env: { envFrom: [{ configMapRef: { name: naming.name("config") } }], env: backendEnv },
    // Roll the pods when the settings change (env from a ConfigMap is only read at start).
    annotations: { ...spec.backend.podAnnotations, "checksum/config": sha256(JSON.stringify(data)) },
  });

  const frontendDeployment = appDeployment(spec, naming, "frontend", spec.frontend, {
    env: {
      env: [
        { name: "NODE_ENV", value: "production" },
        { name: "PORT", value: String(PORTS.frontend) },
        { name: "HOSTNAME", value: "0.0.0.0" },
        // Read at request time by the /api proxy.
        { name: "BACKEND_URL", value: `http://${naming.name("backend")}:${PORTS.backend}` },
        { name: "NEXT_TELEMETRY_DISABLED", value: "1" },
      ],
    },
    // Next.js writes its image and fetch cache here.
    extraMounts: [{ name: "next-cache", mountPath: "/app/.next/cache" }],
    extraVolumes: [{ name: "next-cache", emptyDir: { sizeLimit: "256Mi" } }],
  });

  const backendService: ServiceObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(naming, spec, "backend"),
    spec: {
      // Only the frontend's proxy calls the backend: never exposed outside the cluster.
      type: "ClusterIP",
      selector: naming.selector("backend"),
      ports: [{ name: "http", port: PORTS.backend, targetPort: "http", protocol: "TCP" }],
    },
  };
  const frontendService: ServiceObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(naming, spec, "frontend"),
    spec: {
      type: spec.frontend.serviceType,
      selector: naming.selector("frontend"),
      ports: [{ name: "http", port: spec.frontend.servicePort, targetPort: "http", protocol: "TCP" }],
    },
  };

  return {
    configMap,
    backend: {
      deployment: backendDeployment,
      service: backendService,
      pdb: spec.backend.podDisruptionBudget ? pdb(spec, naming, "backend") : undefined,
    },
    frontend: {
      deployment: frontendDeployment,
      service: frontendService,
      pdb: spec.frontend.podDisruptionBudget ? pdb(spec, naming, "frontend") : undefined,
    },
    networkPolicies: spec.networkPolicy.enabled ? networkPolicies(spec, naming) : [],
  };
}

// networkpolicy.yaml with `database.external` (the in-cluster PostgreSQL is the program's, outside the app's
// objects: databaseManifests): frontend open on its port; backend only from the frontend.
function networkPolicies(spec: AppSpec, naming: Naming): NetworkPolicyObject[] {
  const dns = {
    to: [{ namespaceSelector: {} }],
    ports: [
      { port: 53, protocol: "UDP" },
      { port: 53, protocol: "TCP" },
    ],
  };
  const anywhere = (ports: number[]) => ({
    to: [{ ipBlock: { cidr: "0.0.0.0/0" } }],
    ports: ports.map((port) => ({ port, protocol: "TCP" })),
  });
  const policy = (component: "frontend" | "backend", body: object): NetworkPolicyObject => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(naming, spec, component),
    spec: {
      podSelector: { matchLabels: naming.selector(component) },
      policyTypes: ["Ingress", "Egress"],
      ...body,
    },
  });
  return [
    policy("frontend", {
      ingress: [{ ports: [{ port: "http", protocol: "TCP" }] }],
      egress: [
        dns,
        {
          to: [{ podSelector: { matchLabels: naming.selector("backend") } }],
          ports: [{ port: PORTS.backend, protocol: "TCP" }],
        },
      ],
    }),
    policy("backend", {
      ingress: [
        {
          from: [
            { podSelector: { matchLabels: naming.selector("frontend") } },
            { podSelector: { matchLabels: naming.selector("test") } },
            ...spec.networkPolicy.backendFromNamespaces.map((namespace) => ({
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
            })),
          ],
          ports: [{ port: "http", protocol: "TCP" }],
        },
      ],
      egress: [dns, anywhere([PORTS.postgresql]), anywhere([443])],
    }),
  ];
}

/**
 * The in-cluster PostgreSQL, one for both deploy modes (postgresql.yaml's objects under databaseNaming): a
 * headless Service, a one-pod StatefulSet with a volume, and two policies: only backend pods (of either mode)
 * reach it, and they may (NetworkPolicies add up, so this opens the backend's egress to it in both modes).
 */
export function databaseManifests(spec: AppSpec): DatabaseManifests {
  if (!spec.database.inCluster) throw new Error("databaseManifests: the stack uses an external database");
  const db = spec.database;
  const naming = databaseNaming(spec);
  const name = DATABASE_NAME;
  const ready = [
    "sh",
    "-c",
    'pg_isready --quiet --host=127.0.0.1 --username="$POSTGRES_USER" --dbname="$POSTGRES_DB"',
  ];
  return {
    service: {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(naming, spec, "postgresql"),
      spec: {
        // Headless: the pod gets a stable DNS name; the backend connects to DATABASE_NAME on PORTS.postgresql.
        clusterIP: "None",
        selector: naming.selector("postgresql"),
        ports: [{ name: "postgresql", port: PORTS.postgresql, targetPort: "postgresql", protocol: "TCP" }],
      },
    },
    statefulSet: {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: meta(naming, spec, "postgresql"),
      spec: {
        serviceName: name,
        replicas: 1,
        selector: { matchLabels: naming.selector("postgresql") },
        template: {
          metadata: { labels: naming.labels("postgresql") },
          spec: {
            ...podDefaults(db.runAsUser),
            containers: [
              {
                name: "postgresql",
                image: `${db.image.repository}:${db.image.tag}`,
                imagePullPolicy: db.image.pullPolicy,
                ports: [{ name: "postgresql", containerPort: PORTS.postgresql, protocol: "TCP" }],
                env: [
                  { name: "POSTGRES_USER", value: db.username },
                  { name: "POSTGRES_DB", value: db.database },
                  secretEnv("POSTGRES_PASSWORD", DATABASE_NAME, "password"),
                  // A subdirectory: the volume's root may hold lost+found, which initdb refuses.
                  { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
                ],
                startupProbe: { exec: { command: ready }, periodSeconds: 2, failureThreshold: 60 },
                livenessProbe: {
                  exec: { command: ready },
                  periodSeconds: 10,
                  timeoutSeconds: 5,
                  failureThreshold: 6,
                },
                readinessProbe: {
                  exec: { command: ready },
                  periodSeconds: 5,
                  timeoutSeconds: 3,
                  failureThreshold: 3,
                },
                resources: copyResources(db.resources),
                securityContext: containerSecurityContext(db.runAsUser),
                volumeMounts: [
                  { name: "data", mountPath: "/var/lib/postgresql/data" },
                  { name: "run", mountPath: "/var/run/postgresql" },
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
            ],
            volumes: [
              { name: "run", emptyDir: { sizeLimit: "16Mi" } },
              { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: "data", labels: naming.selector("postgresql") },
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: db.storage } } },
          },
        ],
      },
    },
    networkPolicies: [
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: meta(naming, spec, "postgresql"),
        spec: {
          podSelector: { matchLabels: naming.selector("postgresql") },
          policyTypes: ["Ingress", "Egress"],
          ingress: [
            {
              from: [{ podSelector: { matchLabels: ANY_MODE_BACKEND } }],
              ports: [{ port: "postgresql", protocol: "TCP" }],
            },
          ],
          egress: [],
        },
      },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { ...meta(naming, spec, "postgresql"), name: `${DATABASE_NAME}-client` },
        spec: {
          podSelector: { matchLabels: ANY_MODE_BACKEND },
          policyTypes: ["Egress"],
          egress: [
            {
              to: [{ podSelector: { matchLabels: naming.selector("postgresql") } }],
              ports: [{ port: PORTS.postgresql, protocol: "TCP" }],
            },
          ],
        },
      },
    ],
  };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A builder's plain object as Pulumi resource args: the same Kubernetes API, typed by two libraries. */
export function asArgs<Args>(object: { metadata: { name: string } }): Args {
  return object as unknown as Args;
}
