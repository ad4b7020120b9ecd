// kagent for the todo app (config `enableKagent`): kagent's two Helm charts, a ModelConfig on the model key, a
// read-only operations Agent `todo-ops` scoped to the app's namespace, and a RemoteMCPServer for the backend's
// /mcp so the agent can also work on todos.
//
// Pinned to kagent 0.9.9: a 0.x release whose CRDs serve kagent.dev/v1alpha2 (0.6+), published as OCI charts
// for both `kagent-crds` and `kagent`, and whose chart lets every built-in agent and the optional MCP servers
// be switched off (its Chart.yaml `dependencies[].condition`), which keeps it Minikube-sized. kagent 1.0 moves
// agents to new v1alpha3 kinds and needs a newer cluster, so it is not a drop-in upgrade.
//
// Field shapes, all kagent.dev/v1alpha2, from kagent's sources of the 0.9.x line (kagent-dev/kagent):
//   Agent           go/api/v1alpha2/agent_types.go: spec.{type, description, declarative.{runtime,
//                   systemMessage, modelConfig, tools[].{type, mcpServer.{apiGroup, kind, name, toolNames}},
//                   deployment.resources}}
//   ModelConfig     go/api/v1alpha2/modelconfig_types.go: spec.{provider, model, apiKeySecret,
//                   apiKeySecretKey, openAI.baseUrl}
//   RemoteMCPServer go/api/v1alpha2/remotemcpserver_types.go and helm/kagent-crds/templates/
//                   kagent.dev_remotemcpservers.yaml: spec.{description, protocol, url, headersFrom, timeout}
//   headersFrom     go/api/v1alpha2/common_types.go ValueRef: {name, valueFrom: {type: Secret, name, key}}
//   tool server     helm/agents/k8s/templates/agent.yaml: RemoteMCPServer `kagent-tool-server` (kagent.dev)
//                   in the release namespace, tool names `k8s_get_resources`, `k8s_get_pod_logs`, ...
//   chart values    helm/kagent/values.yaml + the packaged chart's Chart.yaml conditions (`<agent>.enabled`,
//                   `grafana-mcp.enabled`, `querydoc.enabled`, `kagent-tools.enabled`, `kmcp.enabled`) and
//                   helm/kagent/templates/modelconfig.yaml (`providers.<default>.{apiKeySecretRef, config}`)
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** One version for both charts: kagent publishes `kagent-crds` and `kagent` together. */
export const KAGENT_VERSION = "0.9.9";
export const KAGENT_API_VERSION = "kagent.dev/v1alpha2";
export const KAGENT_NAMESPACE = "kagent";

/** Object names inside the kagent namespace. */
export const KAGENT_NAMES = {
  agent: "todo-ops",
  modelConfig: "todo-ops-model",
  modelSecret: "todo-ops-model",
  remoteMcpServer: "todo-backend-mcp",
  mcpAuthSecret: "todo-backend-mcp-auth",
} as const;

/** Key of the model key inside its Secret (the name kagent's own chart uses for OpenAI). */
export const MODEL_SECRET_KEY = "OPENAI_API_KEY";
/** Key of the MCP auth header inside its Secret; the value is the whole header, `Bearer <token>`. */
export const MCP_AUTH_SECRET_KEY = "Authorization";

/** The MCP server kagent's `kagent-tools` subchart registers in the release namespace. */
export const KAGENT_TOOL_SERVER = "kagent-tool-server";

/**
 * Read-only tools of kagent's tool server: get resources, logs, events, describe. Nothing that applies,
 * patches, deletes, scales, labels or executes: the agent diagnoses, a person changes the cluster.
 */
export const READ_ONLY_K8S_TOOLS = [
  "k8s_get_resources",
  "k8s_get_pod_logs",
  "k8s_get_events",
  "k8s_describe_resource",
] as const;

/** The backend's task tools the agent may use; `delete_task` is left out (it cannot be undone). */
export const TODO_TOOLS = ["list_tasks", "add_task", "complete_task", "update_task"] as const;

/** Built-in agents of the kagent chart; all off, our one agent is enough and each costs a pod. */
export const KAGENT_BUILTIN_AGENTS = [
  "k8s-agent",
  "kgateway-agent",
  "istio-agent",
  "promql-agent",
  "observability-agent",
  "argo-rollouts-agent",
  "helm-agent",
  "cilium-policy-agent",
  "cilium-manager-agent",
  "cilium-debug-agent",
] as const;

export interface KagentOpsArgs {
  /** namespace of the todo app, the agent's whole scope */
  appNamespace: pulumi.Input<string>;
  /** the backend's Service name (`todo-backend` or `todo-chatbot-backend`) */
  backendService: pulumi.Input<string>;
  /** the backend Service's port (8000) */
  backendPort: pulumi.Input<number>;
  /** the model key (secret); lands only in a Secret */
  apiKey: pulumi.Output<string>;
  /** model name, e.g. gpt-4o-mini */
  model: pulumi.Input<string>;
  /** OpenAI-compatible base URL; undefined keeps kagent's default (OpenAI) */
  baseUrl?: pulumi.Input<string>;
  /** the OCI repository kagent publishes `kagent-crds` and `kagent` to (config kagentChartRepository) */
  chartRepository: string;
  /** a Better Auth session token for /mcp (secret); undefined -> the agent gets no todo tools */
  mcpToken?: pulumi.Output<string>;
  /** kagent's namespace; default `kagent` (the kagent CLI's default too) */
  namespace?: string;
}

export class KagentOps extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly agentName: pulumi.Output<string>;
  readonly remoteMcpServerName: pulumi.Output<string>;

  constructor(name: string, args: KagentOpsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("todo-chatbot:kagent:KagentOps", name, {}, opts);

    const labels = {
      "app.kubernetes.io/part-of": "todo-chatbot",
      "app.kubernetes.io/component": "aiops",
      "app.kubernetes.io/managed-by": "pulumi",
    };

    // Our own Namespace (not the release's createNamespace) so the Secrets exist before the charts need them.
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: args.namespace ?? KAGENT_NAMESPACE, labels } },
      { parent: this },
    );
    const ns = namespace.metadata.name;

    const modelSecret = new k8s.core.v1.Secret(
      `${name}-model-key`,
      {
        metadata: { name: KAGENT_NAMES.modelSecret, namespace: ns, labels },
        type: "Opaque",
        stringData: { [MODEL_SECRET_KEY]: pulumi.secret(args.apiKey) },
      },
      { parent: this },
    );

    const crds = new k8s.helm.v3.Release(
      `${name}-crds`,
      {
        name: "kagent-crds",
        chart: `${args.chartRepository}/kagent-crds`,
        version: KAGENT_VERSION,
        namespace: ns,
        createNamespace: false,
        // kmcp's MCPServer CRD: the kagent controller watches it, so both charts keep kmcp on.
        values: { kmcp: { enabled: true } },
      },
      { parent: this },
    );

    const kagent = new k8s.helm.v3.Release(
      `${name}-kagent`,
      {
        name: "kagent",
        chart: `${args.chartRepository}/kagent`,
        version: KAGENT_VERSION,
        namespace: ns,
        createNamespace: false,
        // Images are pulled on first install; helm waits for the controller, UI and tool server.
        timeout: 900,
        values: {
          ...Object.fromEntries(KAGENT_BUILTIN_AGENTS.map((agent) => [agent, { enabled: false }])),
          "grafana-mcp": { enabled: false },
          querydoc: { enabled: false },
          // The tool server's own RBAC and mode (kagent-tools chart 0.2.1, the version kagent 0.9.9's
          // helm/kagent/Chart-template.yaml pins; github.com/kagent-dev/tools helm/kagent-tools/values.yaml
          // `rbac.readOnly`, templates/clusterrole.yaml): without readOnly the chart binds its service account to a
          // `*-cluster-admin-role` (all verbs on all resources). Read-only is get/list/watch on workloads, logs and
          // events, no Secrets (`rbac.allowSecrets`); `--read-only` (cmd/main.go) also leaves out the write tools.
          "kagent-tools": {
            enabled: true,
            rbac: { create: true, readOnly: true, allowSecrets: false },
            tools: { args: ["--read-only"] },
          },
          kmcp: { enabled: true },
          // The chart's own `default-model-config` points at our Secret too, so kagent's UI works out of the box.
          providers: {
            default: "openAI",
            openAI: {
              provider: "OpenAI",
              model: args.model,
              apiKeySecretRef: KAGENT_NAMES.modelSecret,
              apiKeySecretKey: MODEL_SECRET_KEY,
              ...(args.baseUrl === undefined ? {} : { config: { baseUrl: args.baseUrl } }),
            },
          },
        },
      },
      { parent: this, dependsOn: [crds, modelSecret] },
    );

    // Custom resources wait for the CRDs and the controller; on destroy they go first, while the controller can
    // still run their finalizers.
    const crOptions: pulumi.CustomResourceOptions = { parent: this, dependsOn: [crds, kagent] };

    const modelConfig = new k8s.apiextensions.CustomResource(
      `${name}-model-config`,
      {
        apiVersion: KAGENT_API_VERSION,
        kind: "ModelConfig",
        metadata: { name: KAGENT_NAMES.modelConfig, namespace: ns, labels },
        spec: {
          provider: "OpenAI",
          model: args.model,
          apiKeySecret: modelSecret.metadata.name,
          apiKeySecretKey: MODEL_SECRET_KEY,
          ...(args.baseUrl === undefined ? {} : { openAI: { baseUrl: args.baseUrl } }),
        },
      },
      crOptions,
    );

    // The backend's /mcp needs `Authorization: Bearer <token>`; kagent reads the whole header from a Secret.
    const mcpAuthSecret =
      args.mcpToken === undefined
        ? undefined
        : new k8s.core.v1.Secret(
            `${name}-mcp-auth`,
            {
              metadata: { name: KAGENT_NAMES.mcpAuthSecret, namespace: ns, labels },
              type: "Opaque",
              stringData: {
                [MCP_AUTH_SECRET_KEY]: pulumi.secret(pulumi.interpolate`Bearer ${args.mcpToken}`),
              },
            },
            { parent: this },
          );

    // Always registered: without the Secret its status says the header cannot be resolved, which is the hint to
    // set `kagentMcpToken` (or create the Secret by hand, see docs/aiops.md).
    const remoteMcpServer = new k8s.apiextensions.CustomResource(
      `${name}-backend-mcp`,
      {
        apiVersion: KAGENT_API_VERSION,
        kind: "RemoteMCPServer",
        metadata: { name: KAGENT_NAMES.remoteMcpServer, namespace: ns, labels },
        spec: {
          description: "Todo chatbot task tools: the backend's MCP server (Streamable HTTP, stateless)",
          protocol: "STREAMABLE_HTTP",
          url: pulumi.interpolate`http://${args.backendService}.${args.appNamespace}.svc.cluster.local:${args.backendPort}/mcp`,
          headersFrom: [
            {
              name: "Authorization",
              valueFrom: { type: "Secret", name: KAGENT_NAMES.mcpAuthSecret, key: MCP_AUTH_SECRET_KEY },
            },
          ],
          timeout: "30s",
        },
      },
      { ...crOptions, dependsOn: mcpAuthSecret ? [crds, kagent, mcpAuthSecret] : [crds, kagent] },
    );

    const tools: Record<string, unknown>[] = [
      {
        type: "McpServer",
        mcpServer: {
          apiGroup: "kagent.dev",
          kind: "RemoteMCPServer",
          name: KAGENT_TOOL_SERVER,
          toolNames: [...READ_ONLY_K8S_TOOLS],
        },
      },
    ];
    if (mcpAuthSecret) {
      tools.push({
        type: "McpServer",
        mcpServer: {
          apiGroup: "kagent.dev",
          kind: "RemoteMCPServer",
          name: remoteMcpServer.metadata.name,
          toolNames: [...TODO_TOOLS],
        },
      });
    }

    const agent = new k8s.apiextensions.CustomResource(
      `${name}-agent`,
      {
        apiVersion: KAGENT_API_VERSION,
        kind: "Agent",
        metadata: { name: KAGENT_NAMES.agent, namespace: ns, labels },
        spec: {
          type: "Declarative",
          description: pulumi.interpolate`Read-only operations assistant for the Todo chatbot in namespace ${args.appNamespace}`,
          declarative: {
            // The Go runtime starts faster and needs less memory than the Python one (agent_types.go).
            runtime: "go",
            modelConfig: modelConfig.metadata.name,
            systemMessage: systemMessage(args, mcpAuthSecret !== undefined),
            tools,
            deployment: {
              resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
            },
          },
        },
      },
      crOptions,
    );

    this.namespace = ns;
    this.agentName = agent.metadata.name;
    this.remoteMcpServerName = remoteMcpServer.metadata.name;
    this.registerOutputs({
      namespace: this.namespace,
      agentName: this.agentName,
      remoteMcpServerName: this.remoteMcpServerName,
      kagentVersion: KAGENT_VERSION,
    });
  }
}

/** The agent's instructions: our namespace and objects, read-only, and how to diagnose. */
function systemMessage(args: KagentOpsArgs, hasTodoTools: boolean): pulumi.Output<string> {
  return pulumi
    .all([args.appNamespace, args.backendService, args.backendPort])
    .apply(([namespace, backendService, backendPort]) =>
      [
        `You are todo-ops, the operations assistant of the Todo chatbot: a Next.js frontend, a Fastify backend ` +
          `with an MCP server, and PostgreSQL, running in the Kubernetes namespace "${namespace}".`,
        ``,
        `## Scope`,
        `- Work only in the namespace "${namespace}": pass it to every Kubernetes tool call. Look at another ` +
          `namespace only when the user names it.`,
        `- The app's objects are named <prefix>-backend, <prefix>-frontend and <prefix>-postgresql, where the ` +
          `prefix is "todo" (raw manifests) or "todo-chatbot" (the Helm release). The backend Service is ` +
          `"${backendService}" on port ${backendPort}.`,
        `- Health endpoints: backend /health (liveness, never touches the database) and /ready (readiness, ` +
          `checks the database); frontend /healthz.`,
        ``,
        `## Rules`,
        `- Your Kubernetes tools only read: get resources, pod logs, events, describe. You cannot change the ` +
          `cluster. When a change is needed (scale, restart, resources), give the exact kubectl, helm or pulumi ` +
          `command for a person to run and say why.`,
        `- Never show the contents of Secrets; name them instead.`,
        `- Diagnose in this order: pods and their status, recent events, describe the failing pod, its logs ` +
          `(the previous container too when it restarts).`,
        ...(hasTodoTools
          ? [
              `- You can also manage the todos of the service user with list_tasks, add_task, complete_task ` +
                `and update_task. Deleting tasks is not available.`,
            ]
          : []),
        ``,
        `Answer in Markdown: what you checked, what you found, what to do next.`,
      ].join("\n"),
    );
}
