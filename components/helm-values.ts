// Helm mode's values for ./helm/todo-chatbot, derived from the app spec. Secrets are passed by Secret NAME
// only (`*.existingSecret`): no secret value is ever a Helm value, so none lands in the release history.
import type { AppComponentSpec, AppSpec } from "./spec.js";

export const RELEASE_NAME = "todo-chatbot";
export const CHART_PATH = "./helm/todo-chatbot";

function component(app: AppComponentSpec) {
  return {
    replicaCount: app.replicas,
    image: { repository: app.image.repository, tag: app.image.tag, pullPolicy: app.image.pullPolicy },
    runAsUser: app.runAsUser,
    resources: app.resources,
    startupProbe: app.startupProbe,
    livenessProbe: app.livenessProbe,
    readinessProbe: app.readinessProbe,
    podDisruptionBudget: { enabled: app.podDisruptionBudget, minAvailable: 1 },
  };
}

export function helmValues(spec: AppSpec): Record<string, unknown> {
  const db = spec.database;
  return {
    publicUrl: spec.publicUrl,
    backend: {
      ...component(spec.backend),
      logLevel: spec.backend.logLevel,
      chatRateLimitPerMinute: spec.backend.chatRateLimitPerMinute,
      trustedProxies: spec.backend.trustedProxies,
    },
    frontend: {
      ...component(spec.frontend),
      service: { type: spec.frontend.serviceType, port: spec.frontend.servicePort },
    },
    database: db.inCluster
      ? { external: false, poolMax: spec.backend.databasePoolMax }
      : {
          external: true,
          existingSecret: spec.secrets.database,
          existingSecretKey: "DATABASE_URL",
          poolMax: spec.backend.databasePoolMax,
        },
    ...(db.inCluster
      ? {
          postgresql: {
            image: db.image,
            runAsUser: db.runAsUser,
            auth: {
              username: db.username,
              database: db.database,
              existingSecret: spec.secrets.database,
              passwordKey: "password",
              urlKey: "DATABASE_URL",
            },
            persistence: { enabled: true, size: db.storage },
            resources: db.resources,
            waitForDatabase: { enabled: true, resources: db.waitResources },
          },
        }
      : {}),
    auth: { existingSecret: spec.secrets.auth, existingSecretKey: "BETTER_AUTH_SECRET" },
    llm: {
      ...(spec.llm.hasKey ? { existingSecret: spec.secrets.llm, existingSecretKey: "LLM_API_KEY" } : {}),
      baseUrl: spec.llm.baseUrl,
      model: spec.llm.model,
      timeoutMs: spec.llm.timeoutMs,
    },
    networkPolicy: spec.networkPolicy,
  };
}
