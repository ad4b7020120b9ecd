// The kagent component under Pulumi's mocks: every resource it registers, checked against kagent's documented
// kagent.dev/v1alpha2 shapes (kagent-dev/kagent go/api/v1alpha2/*_types.go of the pinned 0.9.x line) and the
// things that matter here: pinned OCI charts, slim chart values, the key only as a secret, read-only tools.
import assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import type { KagentOpsArgs } from "../../components/kagent.js";
import {
  findResource,
  installMocks,
  ofType,
  plaintextPaths,
  takeRecorded,
  valueOf,
  type RecordedResource,
} from "./support/mocks.js";

const API_KEY = "sk-test-model-key-5f2c";
const MCP_TOKEN = "session-token-9b1e";
const APP_NAMESPACE = "todo-staging";
const BACKEND_SERVICE = "todo-chatbot-backend";
const MODEL = "gpt-4o-mini";
const BASE_URL = "https://llm.example.test/v1";
const CHART_REPOSITORY = "oci://charts.example.test/kagent-dev/kagent/helm";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const SECRET = "kubernetes:core/v1:Secret";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const AGENT = "kubernetes:kagent.dev/v1alpha2:Agent";
const MODEL_CONFIG = "kubernetes:kagent.dev/v1alpha2:ModelConfig";
const REMOTE_MCP = "kubernetes:kagent.dev/v1alpha2:RemoteMCPServer";

// The kagent chart's built-in agents (its Chart.yaml `<name>.enabled` conditions), written out independently.
const CHART_AGENTS = [
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
];

// Spec fields kagent's v1alpha2 types declare (json tags in go/api/v1alpha2/*_types.go). Anything else would be
// pruned or rejected by the API server, so the component may use only these.
const DOCUMENTED = {
  agentSpec: ["type", "byo", "declarative", "description", "skills", "allowedNamespaces"],
  declarative: [
    "runtime",
    "systemMessage",
    "systemMessageFrom",
    "promptTemplate",
    "modelConfig",
    "stream",
    "tools",
    "a2aConfig",
    "deployment",
    "executeCodeBlocks",
    "memory",
    "context",
  ],
  tool: ["type", "mcpServer", "agent", "headersFrom"],
  mcpServerTool: ["kind", "apiGroup", "name", "namespace", "toolNames", "allowedHeaders"],
  modelConfigSpec: [
    "model",
    "apiKeySecret",
    "apiKeySecretKey",
    "apiKeyPassthrough",
    "defaultHeaders",
    "provider",
    "openAI",
    "anthropic",
    "azureOpenAI",
    "ollama",
    "gemini",
    "geminiVertexAI",
    "anthropicVertexAI",
    "bedrock",
    "tls",
  ],
  openAI: [
    "baseUrl",
    "organization",
    "temperature",
    "maxTokens",
    "topP",
    "frequencyPenalty",
    "presencePenalty",
  ],
  remoteMcpSpec: [
    "description",
    "protocol",
    "url",
    "headersFrom",
    "timeout",
    "sseReadTimeout",
    "terminateOnClose",
    "allowedNamespaces",
    "tls",
  ],
  valueRef: ["name", "value", "valueFrom"],
  valueSource: ["type", "name", "key"],
};

const MUTATING_TOOL =
  /apply|create|delete|patch|scale|label|annotate|execute|exec|rollout|edit|replace|cordon|drain/i;

interface Build {
  resources: RecordedResource[];
  /** resource options by Pulumi name, seen by a transformation on the component (children inherit it) */
  options: Map<string, pulumi.ResourceOptions>;
}

async function build(name: string, overrides: Partial<KagentOpsArgs> = {}): Promise<Build> {
  const pulumiSdk = await import("@pulumi/pulumi");
  const k8s = await import("@pulumi/kubernetes");
  const { KagentOps } = await import("../../components/kagent.js");
  await takeRecorded();
  const provider = new k8s.Provider(`${name}-provider`, { context: "minikube" });
  const options = new Map<string, pulumi.ResourceOptions>();
  const capture: pulumi.ResourceTransformation = ({ name: resourceName, opts }) => {
    options.set(resourceName, opts);
    return undefined;
  };
  new KagentOps(
    name,
    {
      appNamespace: APP_NAMESPACE,
      backendService: BACKEND_SERVICE,
      backendPort: 8000,
      apiKey: pulumiSdk.secret(API_KEY),
      model: MODEL,
      baseUrl: BASE_URL,
      chartRepository: CHART_REPOSITORY,
      mcpToken: pulumiSdk.secret(MCP_TOKEN),
      ...overrides,
    },
    { providers: [provider], transformations: [capture] },
  );
  return { resources: await takeRecorded(), options };
}

/** Pulumi names of the resources in `dependsOn`. */
async function dependencyNames(opts: pulumi.ResourceOptions | undefined): Promise<string[]> {
  const dependsOn = (opts?.dependsOn ?? []) as pulumi.Resource[];
  const urns = await Promise.all(dependsOn.map((resource) => valueOf(resource.urn)));
  return urns.map((urn) => urn.split("::").pop() ?? urn);
}

/** Keys of `value` that are not in `allowed`. */
function undocumented(value: Record<string, unknown>, allowed: string[]): string[] {
  return Object.keys(value).filter((key) => !allowed.includes(key));
}

describe("KagentOps (kagent for the todo app)", function () {
  this.timeout(30_000);
  let full: Build;
  let minimal: Build;

  before(async () => {
    await installMocks();
    full = await build("kagent");
    minimal = await build("kagent-min", { mcpToken: undefined, baseUrl: undefined });
  });

  describe("the charts", () => {
    it("installs the pinned kagent-crds and kagent OCI charts, one version, into the kagent namespace", () => {
      const namespace = findResource(full.resources, NAMESPACE, "kagent-namespace");
      assert.equal(namespace.inputs.metadata.name, "kagent");
      const crds = findResource(full.resources, RELEASE, "kagent-crds");
      const kagent = findResource(full.resources, RELEASE, "kagent-kagent");
      assert.equal(crds.inputs.chart, `${CHART_REPOSITORY}/kagent-crds`);
      assert.equal(kagent.inputs.chart, `${CHART_REPOSITORY}/kagent`);
      for (const release of [crds, kagent]) {
        assert.match(
          release.inputs.version,
          /^0\.\d+\.\d+$/,
          `${release.name} must pin an exact 0.x version`,
        );
        assert.equal(release.inputs.namespace, "kagent");
      }
      assert.equal(crds.inputs.version, kagent.inputs.version);
      assert.deepEqual(
        [crds.inputs.name, kagent.inputs.name],
        ["kagent-crds", "kagent"],
        "helm release names as in kagent's docs (`helm uninstall kagent -n kagent`)",
      );
    });

    it("turns off every built-in agent and the optional MCP servers, keeps the tool server", () => {
      const values = findResource(full.resources, RELEASE, "kagent-kagent").inputs.values;
      for (const agent of CHART_AGENTS) {
        assert.equal(values[agent]?.enabled, false, `${agent} must be disabled`);
      }
      assert.equal(values["grafana-mcp"]?.enabled, false);
      assert.equal(values.querydoc?.enabled, false);
      assert.equal(
        values["kagent-tools"]?.enabled,
        true,
        "the agent's Kubernetes tools come from kagent-tools",
      );
    });

    it("installs the CRDs before kagent, and kagent after the model key's Secret", async () => {
      assert.deepEqual(await dependencyNames(full.options.get("kagent-kagent")), [
        "kagent-crds",
        "kagent-model-key",
      ]);
    });

    it("points the chart's default model config at the Secret by name, never the key itself", () => {
      const openAI = findResource(full.resources, RELEASE, "kagent-kagent").inputs.values.providers.openAI;
      assert.equal(openAI.apiKeySecretRef, "todo-ops-model");
      assert.equal(openAI.apiKeySecretKey, "OPENAI_API_KEY");
      assert.equal(openAI.model, MODEL);
      assert.deepEqual(openAI.config, { baseUrl: BASE_URL });
      assert.equal(openAI.apiKey, undefined);
    });
  });

  describe("the secrets", () => {
    it("stores the model key in a Secret in the kagent namespace", () => {
      const secret = findResource(full.resources, SECRET, "kagent-model-key");
      assert.equal(secret.inputs.metadata.name, "todo-ops-model");
      assert.equal(secret.inputs.metadata.namespace, "kagent");
      assert.equal(secret.inputs.stringData.OPENAI_API_KEY, API_KEY);
    });

    it("sends the model key and the MCP token to Pulumi only as secrets", () => {
      for (const resource of full.resources) {
        assert.deepEqual(plaintextPaths(resource, API_KEY), [], `${resource.type} ${resource.name}`);
        assert.deepEqual(plaintextPaths(resource, MCP_TOKEN), [], `${resource.type} ${resource.name}`);
      }
      const carriers = full.resources.filter((r) => JSON.stringify(r.inputs).includes(API_KEY));
      assert.deepEqual(
        carriers.map((r) => `${r.type} ${r.name}`),
        [`${SECRET} kagent-model-key`],
        "only the Secret carries the key",
      );
    });

    it("stores the whole bearer header for /mcp in its own Secret", () => {
      const secret = findResource(full.resources, SECRET, "kagent-mcp-auth");
      assert.equal(secret.inputs.metadata.name, "todo-backend-mcp-auth");
      assert.equal(secret.inputs.metadata.namespace, "kagent");
      assert.equal(secret.inputs.stringData.Authorization, `Bearer ${MCP_TOKEN}`);
    });
  });

  describe("the ModelConfig", () => {
    it("is a kagent.dev/v1alpha2 ModelConfig on the key's Secret", () => {
      const config = findResource(full.resources, MODEL_CONFIG, "kagent-model-config");
      assert.equal(config.inputs.apiVersion, "kagent.dev/v1alpha2");
      assert.equal(config.inputs.kind, "ModelConfig");
      assert.equal(config.inputs.metadata.namespace, "kagent");
      assert.deepEqual(config.inputs.spec, {
        provider: "OpenAI",
        model: MODEL,
        apiKeySecret: "todo-ops-model",
        apiKeySecretKey: "OPENAI_API_KEY",
        openAI: { baseUrl: BASE_URL },
      });
    });

    it("leaves openAI out when no base URL is configured (kagent's default endpoint)", () => {
      const spec = findResource(minimal.resources, MODEL_CONFIG, "kagent-min-model-config").inputs.spec;
      assert.equal("openAI" in spec, false);
      assert.equal(spec.apiKeySecret, "todo-ops-model");
    });

    it("uses only documented ModelConfig fields", () => {
      const spec = findResource(full.resources, MODEL_CONFIG, "kagent-model-config").inputs.spec;
      assert.deepEqual(undocumented(spec, DOCUMENTED.modelConfigSpec), []);
      assert.deepEqual(undocumented(spec.openAI, DOCUMENTED.openAI), []);
    });
  });

  describe("the Agent todo-ops", () => {
    const agentSpec = (from: Build, name: string) => findResource(from.resources, AGENT, name).inputs.spec;

    it("is a Declarative kagent.dev/v1alpha2 Agent on our ModelConfig", () => {
      const agent = findResource(full.resources, AGENT, "kagent-agent");
      assert.equal(agent.inputs.apiVersion, "kagent.dev/v1alpha2");
      assert.equal(agent.inputs.kind, "Agent");
      assert.equal(agent.inputs.metadata.name, "todo-ops");
      assert.equal(agent.inputs.metadata.namespace, "kagent");
      assert.equal(agent.inputs.spec.type, "Declarative");
      assert.equal(agent.inputs.spec.declarative.modelConfig, "todo-ops-model");
      assert.ok(["python", "go"].includes(agent.inputs.spec.declarative.runtime), "runtime enum: python|go");
    });

    it("has a system message scoped to the app's namespace and naming the backend Service", () => {
      const message: string = agentSpec(full, "kagent-agent").declarative.systemMessage;
      assert.match(message, new RegExp(`namespace "${APP_NAMESPACE}"`));
      assert.match(message, new RegExp(`"${BACKEND_SERVICE}" on port 8000`));
      assert.match(message, /read/i);
      assert.match(message, /Never show the contents of Secrets/);
    });

    it("gets only read-only Kubernetes tools from kagent's tool server", () => {
      const [kubernetes] = agentSpec(full, "kagent-agent").declarative.tools;
      assert.equal(kubernetes.type, "McpServer");
      assert.equal(kubernetes.mcpServer.kind, "RemoteMCPServer");
      assert.equal(kubernetes.mcpServer.apiGroup, "kagent.dev");
      assert.equal(kubernetes.mcpServer.name, "kagent-tool-server");
      assert.deepEqual([...kubernetes.mcpServer.toolNames].sort(), [
        "k8s_describe_resource",
        "k8s_get_events",
        "k8s_get_pod_logs",
        "k8s_get_resources",
      ]);
    });

    it("has no tool that applies, deletes, patches, scales or executes, with or without the todo tools", () => {
      for (const [from, name] of [
        [full, "kagent-agent"],
        [minimal, "kagent-min-agent"],
      ] as const) {
        const names: string[] = agentSpec(from, name).declarative.tools.flatMap(
          (tool: { mcpServer: { toolNames: string[] } }) => tool.mcpServer.toolNames,
        );
        assert.ok(names.length >= 4, `${name} has tools`);
        assert.deepEqual(
          names.filter((toolName) => MUTATING_TOOL.test(toolName)),
          [],
          `${name} must not mutate the cluster or delete tasks`,
        );
      }
    });

    it("also gets the todo tools from the backend's RemoteMCPServer when a token is configured", () => {
      const tools = agentSpec(full, "kagent-agent").declarative.tools;
      assert.equal(tools.length, 2);
      assert.deepEqual(tools[1].mcpServer, {
        apiGroup: "kagent.dev",
        kind: "RemoteMCPServer",
        name: "todo-backend-mcp",
        toolNames: ["list_tasks", "add_task", "complete_task", "update_task"],
      });
    });

    it("without a token gets only the Kubernetes tools and no auth Secret exists", () => {
      const tools = agentSpec(minimal, "kagent-min-agent").declarative.tools;
      assert.deepEqual(
        tools.map((tool: { mcpServer: { name: string } }) => tool.mcpServer.name),
        ["kagent-tool-server"],
      );
      assert.deepEqual(
        ofType(minimal.resources, SECRET).map((secret) => secret.inputs.metadata.name),
        ["todo-ops-model"],
      );
      assert.doesNotMatch(agentSpec(minimal, "kagent-min-agent").declarative.systemMessage, /list_tasks/);
    });

    it("uses only documented Agent fields", () => {
      for (const [from, name] of [
        [full, "kagent-agent"],
        [minimal, "kagent-min-agent"],
      ] as const) {
        const spec = agentSpec(from, name);
        assert.deepEqual(undocumented(spec, DOCUMENTED.agentSpec), [], `${name} spec`);
        assert.deepEqual(undocumented(spec.declarative, DOCUMENTED.declarative), [], `${name} declarative`);
        for (const tool of spec.declarative.tools) {
          assert.deepEqual(undocumented(tool, DOCUMENTED.tool), [], `${name} tool`);
          assert.deepEqual(undocumented(tool.mcpServer, DOCUMENTED.mcpServerTool), [], `${name} mcpServer`);
        }
        assert.ok(spec.declarative.tools.length <= 20, "kagent allows at most 20 tools (MaxItems)");
      }
    });
  });

  describe("the RemoteMCPServer for /mcp", () => {
    it("points at the backend Service's /mcp over Streamable HTTP", () => {
      const server = findResource(full.resources, REMOTE_MCP, "kagent-backend-mcp");
      assert.equal(server.inputs.apiVersion, "kagent.dev/v1alpha2");
      assert.equal(server.inputs.kind, "RemoteMCPServer");
      assert.equal(server.inputs.metadata.name, "todo-backend-mcp");
      assert.equal(server.inputs.metadata.namespace, "kagent");
      assert.equal(
        server.inputs.spec.url,
        `http://${BACKEND_SERVICE}.${APP_NAMESPACE}.svc.cluster.local:8000/mcp`,
      );
      assert.equal(server.inputs.spec.protocol, "STREAMABLE_HTTP");
      assert.ok(server.inputs.spec.description.length > 0, "description is required by the CRD");
      assert.match(server.inputs.spec.timeout, /^\d+s$/);
    });

    it("takes the Authorization header from the auth Secret through headersFrom", () => {
      const spec = findResource(full.resources, REMOTE_MCP, "kagent-backend-mcp").inputs.spec;
      assert.deepEqual(spec.headersFrom, [
        {
          name: "Authorization",
          valueFrom: { type: "Secret", name: "todo-backend-mcp-auth", key: "Authorization" },
        },
      ]);
    });

    it("is registered even without a token, so its status tells what is missing", () => {
      const server = findResource(minimal.resources, REMOTE_MCP, "kagent-min-backend-mcp");
      assert.equal(server.inputs.spec.headersFrom[0].valueFrom.name, "todo-backend-mcp-auth");
    });

    it("uses only documented RemoteMCPServer fields", () => {
      const spec = findResource(full.resources, REMOTE_MCP, "kagent-backend-mcp").inputs.spec;
      assert.deepEqual(undocumented(spec, DOCUMENTED.remoteMcpSpec), []);
      for (const header of spec.headersFrom) {
        assert.deepEqual(undocumented(header, DOCUMENTED.valueRef), []);
        assert.deepEqual(undocumented(header.valueFrom, DOCUMENTED.valueSource), []);
        assert.ok(["Secret", "ConfigMap"].includes(header.valueFrom.type));
      }
    });
  });

  describe("ordering and ownership", () => {
    it("creates every custom resource after the CRDs release (and the controller)", async () => {
      for (const name of ["kagent-model-config", "kagent-agent", "kagent-backend-mcp"]) {
        const dependencies = await dependencyNames(full.options.get(name));
        assert.ok(dependencies.includes("kagent-crds"), `${name} depends on ${dependencies.join(", ")}`);
        assert.ok(dependencies.includes("kagent-kagent"), `${name} must be deleted before the controller`);
      }
      assert.ok((await dependencyNames(full.options.get("kagent-backend-mcp"))).includes("kagent-mcp-auth"));
    });

    it("registers every resource under the component with the given Kubernetes provider", () => {
      const children = full.resources.filter((r) => !r.type.startsWith("pulumi:providers:"));
      const component = findResource(children, "todo-chatbot:kagent:KagentOps", "kagent");
      assert.ok(component);
      const kubernetes = children.filter((r) => r.type.startsWith("kubernetes:"));
      assert.equal(kubernetes.length, 8, kubernetes.map((r) => `${r.type} ${r.name}`).join("\n"));
      for (const resource of kubernetes) {
        assert.match(
          resource.provider ?? "",
          /pulumi:providers:kubernetes::kagent-provider::/,
          resource.name,
        );
      }
    });
  });
});
