// The app spec: what runs, whatever the deploy mode. Ports, sizes, probes and the app's settings come from the
// chart's values.yaml (chart-defaults.ts); the stack's choices from its config. Raw manifests (manifests.ts) and the Helm values
// (helm-values.ts) are both derived from it, and a test renders the chart with those values and compares it
// with the raw objects, so the two modes cannot drift. Nothing secret is in here: secrets are referenced by
// Secret name only.
import { CHART_DEFAULTS as CHART, type ChartDefaults, type Probe, type Resources } from "./chart-defaults.ts";
import type { DeployMode, PullPolicy, ServiceType, StackConfig } from "./config.ts";
import { splitReference } from "./image-reference.ts";

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
  /** seconds the pod keeps serving before SIGTERM (preStop sleep), so endpoints stop sending to it first */
  preStopSleepSeconds: number;
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
    /**
     * Pod annotations that roll the backend when its database changes: both modes read DATABASE_URL from a
     * Secret whose name stays the same, and env from a Secret is read only at start.
     */
    podAnnotations: Record<string, string>;
  };
  frontend: AppComponentSpec & { serviceType: ServiceType; servicePort: number };
  /** in-cluster PostgreSQL when the stack has no databaseUrl: the program's, one for both modes (database.ts) */
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

export const PORTS = {
  backend: CHART.backend.port,
  frontend: CHART.frontend.port,
  frontendService: CHART.frontend.service.port,
  postgresql: CHART.postgresql.port,
};

/** The object-name prefix of each mode; the two never share a name, so switching modes needs no deletes first. */
export function namePrefix(mode: DeployMode): string {
  return mode === "helm" ? "todo-chatbot" : "todo";
}

/** What a component takes from the chart's defaults: port, user, sizes and probes. */
function component(defaults: ChartDefaults["backend" | "frontend"]) {
  const { port, runAsUser, resources, startupProbe, livenessProbe, readinessProbe } = defaults;
  const { preStopSleepSeconds } = CHART;
  return { port, runAsUser, resources, startupProbe, livenessProbe, readinessProbe, preStopSleepSeconds };
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
    // trusts by X-Forwarded-Host; the default is the origin of `kubectl port-forward svc/... 3000:80`.
    publicUrl: config.publicUrl,
    backend: {
      image: { ...images.backend, pullPolicy },
      replicas: config.backendReplicas,
      ...component(CHART.backend),
      podDisruptionBudget: config.backendReplicas > 1,
      logLevel: CHART.backend.logLevel,
      chatRateLimitPerMinute: CHART.backend.chatRateLimitPerMinute,
      databasePoolMax: CHART.database.poolMax,
      trustedProxies: CHART.backend.trustedProxies,
      podAnnotations: { "todo-chatbot/database": config.databaseUrl ? "external" : "in-cluster" },
    },
    frontend: {
      image: { ...images.frontend, pullPolicy },
      replicas: config.frontendReplicas,
      ...component(CHART.frontend),
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
          runAsUser: CHART.postgresql.runAsUser,
          username: CHART.postgresql.auth.username,
          database: CHART.postgresql.auth.database,
          storage: CHART.postgresql.persistence.size,
          resources: CHART.postgresql.resources,
        },
    llm: {
      hasKey: config.llmApiKey !== undefined,
      baseUrl: config.llmBaseUrl,
      model: config.llmModel,
      timeoutMs: CHART.llm.timeoutMs,
    },
    // kagent's agent calls the backend's /mcp from its own namespace.
    networkPolicy: { enabled: true, backendFromNamespaces: config.enableKagent ? ["kagent"] : [] },
    secrets: { database: `${prefix}-db`, auth: `${prefix}-auth`, llm: `${prefix}-llm` },
  };
}
