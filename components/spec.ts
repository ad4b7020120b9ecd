// The app spec: what runs, whatever the deploy mode. Raw manifests (manifests.ts) and the Helm values
// (helm-values.ts) are both derived from it, and a test renders the chart with those values and compares it
// with the raw objects, so the two modes cannot drift. Nothing secret is in here: secrets are referenced by
// Secret name only.
import type { DeployMode, PullPolicy, ServiceType, StackConfig } from "./config.js";
import { splitReference } from "./image-reference.js";

/** A Kubernetes probe (the subset the app uses). */
export interface Probe {
  httpGet: { path: string; port: string };
  periodSeconds: number;
  failureThreshold: number;
  timeoutSeconds?: number;
}

export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

export interface ImageRef {
  repository: string;
  tag: string;
  pullPolicy: PullPolicy;
}

export interface AppComponentSpec {
  image: ImageRef;
  replicas: number;
  port: number;
  /** the image's non-root numeric user */
  runAsUser: number;
  resources: Resources;
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
  /** a PodDisruptionBudget keeping one pod during drains; only with two or more replicas */
  podDisruptionBudget: boolean;
}

export interface AppSpec {
  mode: DeployMode;
  namespace: string;
  /** the app's version (Chart.yaml appVersion): the `app.kubernetes.io/version` label */
  version: string;
  /** the URL users open; BETTER_AUTH_URL and the first trusted origin */
  publicUrl: string;
  backend: AppComponentSpec & {
    logLevel: string;
    chatRateLimitPerMinute: number;
    databasePoolMax: number;
    /** TRUSTED_PROXIES: whose X-Forwarded-* the backend believes (the client address its auth limits count) */
    trustedProxies: string[];
  };
  frontend: AppComponentSpec & { serviceType: ServiceType; servicePort: number };
  /** in-cluster PostgreSQL when the stack has no databaseUrl */
  database:
    | { inCluster: false }
    | {
        inCluster: true;
        image: ImageRef;
        runAsUser: number;
        username: string;
        database: string;
        storage: string;
        resources: Resources;
        waitResources: Resources;
      };
  llm: { hasKey: boolean; baseUrl: string; model: string; timeoutMs: number };
  /** NetworkPolicies: frontend open, backend only from the frontend (and these namespaces), database only from the backend */
  networkPolicy: { enabled: boolean; backendFromNamespaces: string[] };
  secrets: SecretNames;
}

/** Names of the Secrets the program creates (secrets.ts) and the pods read. */
export interface SecretNames {
  /** DATABASE_URL, and `password` for the in-cluster PostgreSQL */
  database: string;
  /** BETTER_AUTH_SECRET */
  auth: string;
  /** LLM_API_KEY, when a key is configured */
  llm: string;
}

export const PORTS = { backend: 8000, frontend: 3000, frontendService: 80, postgresql: 5432 } as const;

// Chosen from docs/benchmarks.md ("Resource requests and limits"): each memory limit is at least 1.5x the peak
// measured under load, each memory request about the idle figure; the backend may use a whole core.
const RESOURCES = {
  backend: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1000m", memory: "640Mi" } },
  frontend: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
  postgresql: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
  waitForDatabase: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
} satisfies Record<string, Resources>;

// /health and /healthz never touch the database or the backend; /ready does (the database is migrated).
function probes(healthPath: string, readyPath: string) {
  return {
    startupProbe: { httpGet: { path: healthPath, port: "http" }, periodSeconds: 2, failureThreshold: 60 },
    livenessProbe: {
      httpGet: { path: healthPath, port: "http" },
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    readinessProbe: {
      httpGet: { path: readyPath, port: "http" },
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
  };
}

// The frontend's pods, whose proxy sets X-Forwarded-For/-Host: the cluster's private address ranges (pod
// networks such as Minikube's 10.244.0.0/16 lie in them). The backend is a ClusterIP Service, and its
// NetworkPolicy admits only the frontend, the test pod and kagent, so no outside client can speak to it.
const TRUSTED_PROXIES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"];

/** The object-name prefix of each mode; the two never share a name, so switching modes needs no deletes first. */
export function namePrefix(mode: DeployMode): string {
  return mode === "helm" ? "todo-chatbot" : "todo";
}

export interface BuiltImages {
  backend: { repository: string; tag: string };
  frontend: { repository: string; tag: string };
}

export function buildAppSpec(config: StackConfig, images: BuiltImages, version: string): AppSpec {
  const prefix = namePrefix(config.deployMode);
  const pullPolicy = config.imagePullPolicy;
  return {
    mode: config.deployMode,
    namespace: config.namespace,
    version,
    // `minikube service --url` and port-forwards reach the frontend through its proxy, which the backend
    // trusts by X-Forwarded-Host; this is the origin of `kubectl port-forward svc/... 3000:80`.
    publicUrl: "http://localhost:3000",
    backend: {
      image: { ...images.backend, pullPolicy },
      replicas: config.backendReplicas,
      port: PORTS.backend,
      runAsUser: 1001,
      resources: RESOURCES.backend,
      ...probes("/health", "/ready"),
      podDisruptionBudget: config.backendReplicas > 1,
      logLevel: "info",
      chatRateLimitPerMinute: 30,
      databasePoolMax: 5,
      trustedProxies: TRUSTED_PROXIES,
    },
    frontend: {
      image: { ...images.frontend, pullPolicy },
      replicas: config.frontendReplicas,
      port: PORTS.frontend,
      runAsUser: 1001,
      resources: RESOURCES.frontend,
      ...probes("/healthz", "/healthz"),
      podDisruptionBudget: config.frontendReplicas > 1,
      serviceType: config.frontendServiceType,
      servicePort: PORTS.frontendService,
    },
    database: config.databaseUrl
      ? { inCluster: false }
      : {
          inCluster: true,
          // The official image by default (postgresImage), pulled by the cluster as the chart does.
          image: { ...splitReference(config.postgresImage), pullPolicy: "IfNotPresent" },
          runAsUser: 70,
          username: "todo",
          database: "todo",
          storage: "1Gi",
          resources: RESOURCES.postgresql,
          waitResources: RESOURCES.waitForDatabase,
        },
    llm: {
      hasKey: config.llmApiKey !== undefined,
      baseUrl: config.llmBaseUrl,
      model: config.llmModel,
      timeoutMs: 30000,
    },
    // kagent's agent calls the backend's /mcp from its own namespace.
    networkPolicy: { enabled: true, backendFromNamespaces: config.enableKagent ? ["kagent"] : [] },
    secrets: { database: `${prefix}-db`, auth: `${prefix}-auth`, llm: `${prefix}-llm` },
  };
}
