// The kagent component under Pulumi's mocks: every custom resource it registers must match the pinned kagent's
// own CRD schemas, and its chart values must switch off the pinned chart's optional dependencies; plus what
// matters here: pinned OCI charts, the key only as a secret, read-only tools, ordering.
//
// kagent-v0.9.9.json.gz is vendored from kagent's repository (github.com/kagent-dev/kagent, tag v0.9.9, the
// version components/kagent.ts pins): the v1alpha2 `openAPIV3Schema` of helm/kagent-crds/templates/
// kagent.dev_{agents,modelconfigs,remotemcpservers}.yaml (the CRDs the kagent-crds chart installs) and the
// `dependencies` of helm/kagent/Chart-template.yaml. To move to another version, rebuild it from that tag:
// { source, note, schemas: { Agent, ModelConfig, RemoteMCPServer }, chartDependencies: [{ name, repository,
// condition }] }, gzipped JSON (gzip keeps the 430 kB of schema out of the formatter's and reviewers' way).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type * as pulumi from "@pulumi/pulumi";
import { Ajv, type ValidateFunction } from "ajv";
import { KAGENT_VERSION, type KagentOpsArgs } from "../../components/kagent.js";
import {
  findResource,
  installMocks,
  ofType,
  plaintextPaths,
  takeRecorded,
  valueOf,
  type RecordedResource,
} from "../support/pulumi-mocks.js";

const API_KEY = "sk-test-model-key-5f2c";
const MCP_TOKEN = "session-token-9b1e";
const APP_NAMESPACE = "todo-staging";
const BACKEND_SERVICE = "todo-chatbot-backend";
const BACKEND_PORT = 8123;
const MODEL = "gpt-4o-mini";
const BASE_URL = "https://llm.example.test/v1";
const CHART_REPOSITORY = "oci://charts.example.test/kagent-dev/kagent/helm";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const SECRET = "kubernetes:core/v1:Secret";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const AGENT = "kubernetes:kagent.dev/v1alpha2:Agent";
const MODEL_CONFIG = "kubernetes:kagent.dev/v1alpha2:ModelConfig";
const REMOTE_MCP = "kubernetes:kagent.dev/v1alpha2:RemoteMCPServer";

interface Vendored {
  source: string;
  schemas: Record<"Agent" | "ModelConfig" | "RemoteMCPServer", Record<string, unknown>>;
  chartDependencies: { name: string; repository: string; condition: string }[];
}
const KAGENT = JSON.parse(
  gunzipSync(readFileSync(new URL(`kagent-v${KAGENT_VERSION}.json.gz`, import.meta.url))).toString("utf8"),
) as Vendored;

/**
 * A CRD's structural schema as the API server applies it: a field the schema does not declare is pruned
 * (silently lost), so here it is an error (additionalProperties: false wherever the schema lists properties
 * and does not say x-kubernetes-preserve-unknown-fields). CEL rules (x-kubernetes-validations) are not run.
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] =
      key === "properties"
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, closed(v)]))
        : closed(value);
  }
  if (
    out.properties &&
    out.additionalProperties === undefined &&
    !out["x-kubernetes-preserve-unknown-fields"]
  ) {
    out.additionalProperties = false;
  }
  return out;
}

// strict: false, because the schemas carry Kubernetes' x-kubernetes-* keywords; formats are Kubernetes' own.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const VALIDATORS = Object.fromEntries(
  Object.entries(KAGENT.schemas).map(([kind, schema]) => [kind, ajv.compile(closed(schema) as object)]),
) as Record<keyof Vendored["schemas"], ValidateFunction>;

/** The schema's complaints about a custom resource's inputs, one line each ([] when it matches). */
function schemaErrors(resource: RecordedResource): string[] {
  const validate = VALIDATORS[resource.inputs.kind as keyof Vendored["schemas"]];
  if (!validate) return [`no vendored schema for ${resource.inputs.kind}`];
  const { apiVersion, kind, metadata, spec } = resource.inputs;
  return validate({ apiVersion, kind, metadata, spec })
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

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
      backendPort: BACKEND_PORT,
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

    it("turns off every built-in agent and optional MCP server of the pinned chart, keeps tools and kmcp", () => {
      const values = findResource(full.resources, RELEASE, "kagent-kagent").inputs.values;
      const kept = ["kagent-tools", "kmcp"]; // the agent's Kubernetes tools; the MCPServer CRD's controller
      const optional = KAGENT.chartDependencies.filter(
        (d) => d.repository.startsWith("file://") && !kept.includes(d.name),
      );
      assert.ok(optional.length > 0, `no optional dependency in ${KAGENT.source}`);
      for (const dependency of optional) {
        assert.ok(dependency.condition.startsWith(`${dependency.name}.enabled`), dependency.condition);
        assert.equal(values[dependency.name]?.enabled, false, `${dependency.name} must be disabled`);
      }
      for (const name of kept) {
        assert.ok(
          KAGENT.chartDependencies.some((d) => d.name === name),
          `the chart has ${name}`,
        );
        assert.equal(values[name]?.enabled, true, name);
      }
    });

    it("gives kagent's tool server read-only RBAC without Secrets, and its read-only mode", () => {
      // kagent-tools 0.2.1 (github.com/kagent-dev/tools helm/kagent-tools/templates/clusterrole.yaml) binds a
      // cluster-admin role unless rbac.readOnly is true.
      const tools = findResource(full.resources, RELEASE, "kagent-kagent").inputs.values["kagent-tools"];
      assert.equal(tools.rbac.readOnly, true);
      assert.notEqual(tools.rbac.allowSecrets, true);
      assert.ok(tools.tools.args.includes("--read-only"), JSON.stringify(tools.tools));
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
    });

    it("has a system message scoped to the app's namespace and naming the backend Service", () => {
      const message: string = agentSpec(full, "kagent-agent").declarative.systemMessage;
      assert.match(message, new RegExp(`namespace "${APP_NAMESPACE}"`));
      assert.match(message, new RegExp(`"${BACKEND_SERVICE}" on port ${BACKEND_PORT}`));
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
        `http://${BACKEND_SERVICE}.${APP_NAMESPACE}.svc.cluster.local:${BACKEND_PORT}/mcp`,
      );
      assert.equal(server.inputs.spec.protocol, "STREAMABLE_HTTP");
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
  });

  describe("kagent's CRD schemas (v1alpha2, vendored from the pinned version)", () => {
    it("every Agent, ModelConfig and RemoteMCPServer matches its schema, with and without the optional settings", () => {
      for (const from of [full, minimal]) {
        const custom = from.resources.filter((r) => r.type.startsWith("kubernetes:kagent.dev/"));
        assert.equal(custom.length, 3);
        for (const resource of custom) assert.deepEqual(schemaErrors(resource), [], resource.name);
      }
    });

    it("would catch a field kagent does not know, a wrong enum value and a missing required field", () => {
      const agent = findResource(full.resources, AGENT, "kagent-agent");
      const spec = agent.inputs.spec;
      const variant = (changed: Record<string, unknown>) => ({
        ...agent,
        inputs: { ...agent.inputs, spec: changed },
      });
      assert.notDeepEqual(
        schemaErrors(variant({ ...spec, declarative: { ...spec.declarative, systemPrompt: "x" } })),
        [],
      );
      assert.notDeepEqual(
        schemaErrors(variant({ ...spec, declarative: { ...spec.declarative, runtime: "java" } })),
        [],
      );
      const server = findResource(full.resources, REMOTE_MCP, "kagent-backend-mcp");
      const { url: _url, ...withoutUrl } = server.inputs.spec;
      assert.notDeepEqual(schemaErrors({ ...server, inputs: { ...server.inputs, spec: withoutUrl } }), []);
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
