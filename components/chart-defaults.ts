// The chart's values.yaml is the one home of the app's ports, sizes and probes (and the other settings both
// deploy modes share): plain `helm install` reads it, and the app spec (spec.ts) reads it here, so raw mode's
// Deployments and the Helm release run the same numbers. Retuning a request or a limit is one edit there.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";

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

interface ComponentDefaults {
  image: { repository: string };
  runAsUser: number;
  port: number;
  resources: Resources;
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
}

export interface ChartDefaults {
  preStopSleepSeconds: number;
  backend: ComponentDefaults & { logLevel: string; chatRateLimitPerMinute: number; trustedProxies: string[] };
  frontend: ComponentDefaults & { service: { type: string; port: number } };
  database: { poolMax: number };
  postgresql: {
    image: { repository: string; tag: string };
    runAsUser: number;
    port: number;
    auth: { username: string; database: string };
    persistence: { size: string };
    resources: Resources;
  };
  llm: { model: string; timeoutMs: number };
}

export const CHART_DEFAULTS = parseYaml(
  readFileSync(new URL("../helm/todo-chatbot/values.yaml", import.meta.url), "utf8"),
) as ChartDefaults;
