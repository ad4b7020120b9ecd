// Helm mode's values for ./helm/todo-chatbot, derived from the app spec: only what the stack chooses. Ports,
// sizes, probes and the other settings the spec reads from the chart's values.yaml are left to the chart's own
// defaults (chart-defaults.ts), so both modes take them from that one file. Secrets are passed by Secret NAME
// only (`*.existingSecret`): no secret value is ever a Helm value, so none lands in the release history.
import type { AppComponentSpec, AppSpec } from "./spec.ts";

export const RELEASE_NAME = "todo-chatbot";
export const CHART_PATH = "./helm/todo-chatbot";

function component(app: AppComponentSpec) {
  return {
    replicaCount: app.replicas,
    image: { repository: app.image.repository, tag: app.image.tag, pullPolicy: app.image.pullPolicy },
    podDisruptionBudget: { enabled: app.podDisruptionBudget, minAvailable: 1 },
  };
}

export function helmValues(spec: AppSpec): Record<string, unknown> {
  return {
    publicUrl: spec.publicUrl,
    backend: { ...component(spec.backend), podAnnotations: spec.backend.podAnnotations },
    frontend: {
      ...component(spec.frontend),
      service: { type: spec.frontend.serviceType, port: spec.frontend.servicePort },
    },
    // The in-cluster PostgreSQL is the program's, shared by both modes (database.ts), so to the chart every
    // database is external: its own postgresql is for a plain `helm install` only.
    database: { external: true, existingSecret: spec.secrets.database, existingSecretKey: "DATABASE_URL" },
    auth: { existingSecret: spec.secrets.auth, existingSecretKey: "BETTER_AUTH_SECRET" },
    llm: {
      ...(spec.llm.hasKey ? { existingSecret: spec.secrets.llm, existingSecretKey: "LLM_API_KEY" } : {}),
      baseUrl: spec.llm.baseUrl,
      model: spec.llm.model,
    },
    networkPolicy: spec.networkPolicy,
  };
}
