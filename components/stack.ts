// Builds the whole stack from a validated configuration and returns the stack outputs. index.ts calls it with
// the stack's config; tests call it with any config, so both modes are tested in one process.
import { readFileSync } from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { declaredDefault, type StackConfig } from "./config.ts";
import { TodoChatbot } from "./todo-chatbot.ts";

/** The repository root: Pulumi.yaml, the build context and ./helm live here. */
export const PROJECT_DIR = path.resolve(import.meta.dirname, "..");

/** The app version is the chart's appVersion: one number for the images, labels and the chart. */
export function appVersion(projectDir = PROJECT_DIR): string {
  const chart = parseYaml(
    readFileSync(path.join(projectDir, "helm", "todo-chatbot", "Chart.yaml"), "utf8"),
  ) as {
    appVersion: string;
  };
  return String(chart.appVersion);
}

/** `kubectl port-forward`'s local port when publicUrl names none: the port of publicUrl's default. */
const DEFAULT_LOCAL_PORT = new URL(declaredDefault("publicUrl")!).port;

export interface StackOutputs {
  namespace: pulumi.Output<string>;
  /** the kubeconfig context the stack deploys to (`npm run dev:cluster` rolls images there) */
  kubeContext: string;
  deployMode: string;
  database: string;
  agent: string;
  backendImage: pulumi.Output<string>;
  frontendImage: pulumi.Output<string>;
  backendService: string;
  frontendService: string;
  frontendNodePort: pulumi.Output<number | undefined>;
  /** how to open the app */
  openCommand: string;
  portForwardCommand: string;
}

export function deploy(config: StackConfig, projectDir = PROJECT_DIR): StackOutputs {
  const app = new TodoChatbot("todo-chatbot", { config, projectDir, version: appVersion(projectDir) });
  const ns = config.namespace;
  // The local port is the one in the app's public URL (what the backend trusts) when it names one; the remote
  // one is the Service's.
  const localPort = new URL(app.spec.publicUrl).port || DEFAULT_LOCAL_PORT;
  const ports = `${localPort}:${app.spec.frontend.servicePort}`;
  const portForward = `kubectl --context ${config.kubeContext} -n ${ns} port-forward svc/${app.frontendService} ${ports}`;
  // `minikube service --url` only for Minikube's own context and a Service with a node port; elsewhere (and
  // for ClusterIP) the port-forward, which works on every cluster.
  const minikubeService =
    config.kubeContext === "minikube" && config.frontendServiceType !== "ClusterIP"
      ? `minikube service ${app.frontendService} -n ${ns} --url`
      : undefined;
  return {
    namespace: app.namespace,
    kubeContext: config.kubeContext,
    deployMode: config.deployMode,
    database: app.spec.database.inCluster ? "in-cluster PostgreSQL" : "external (databaseUrl)",
    agent: app.spec.llm.hasKey ? `LLM (${config.llmModel})` : "built-in offline agent",
    backendImage: app.backendImage,
    frontendImage: app.frontendImage,
    backendService: app.backendService,
    frontendService: app.frontendService,
    frontendNodePort: app.frontendNodePort,
    openCommand: minikubeService ?? portForward,
    portForwardCommand: portForward,
  };
}
