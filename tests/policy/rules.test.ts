// The CrossGuard policy pack (policy/): each rule catches what it is for, and the program's own resources, in
// both deploy modes, pass every rule.
import assert from "node:assert/strict";
import { policies } from "../../policy/policies.js";
import { RULES } from "../../policy/rules.js";
import { installMocks, takeRecorded } from "../support/pulumi-mocks.js";
import { configFrom } from "../support/stack-config.js";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const RELEASE = "kubernetes:helm.sh/v3:Release";

function check(ruleName: string, type: string, props: Record<string, unknown>): string[] {
  const rule = RULES.find((r) => r.name === ruleName);
  if (!rule) throw new Error(`no rule ${ruleName}`);
  return rule.check(type, props);
}

interface ContainerProps {
  name?: string;
  image?: string;
  imagePullPolicy?: string;
  resources?: unknown;
  securityContext?: unknown;
  env?: unknown[];
}

function deployment(container: ContainerProps, podSecurityContext: unknown = {}) {
  return {
    metadata: { name: "web" },
    spec: {
      template: {
        spec: { securityContext: podSecurityContext, containers: [{ name: "web", ...container }] },
      },
    },
  };
}

const GOOD_CONTAINER: ContainerProps = {
  image: "todo-chatbot-backend:0123456789ab",
  imagePullPolicy: "Never",
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
  securityContext: { runAsNonRoot: true, runAsUser: 1001, allowPrivilegeEscalation: false },
  env: [{ name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "todo-db", key: "DATABASE_URL" } } }],
};

describe("policy pack (policy/)", () => {
  it("offers every rule as a mandatory resource policy", () => {
    assert.deepEqual(
      policies.map((p) => [p.name, p.enforcementLevel]),
      RULES.map((r) => [r.name, "mandatory"]),
    );
  });

  it("a policy reports each of its rule's violations", async () => {
    const policy = policies.find((p) => p.name === "no-latest-image-tag")!;
    const reported: string[] = [];
    const validate = policy.validateResource as (args: unknown, report: (message: string) => void) => void;
    await validate({ type: DEPLOYMENT, props: deployment({ image: "app:latest" }) }, (m) => reported.push(m));
    assert.equal(reported.length, 1);
    assert.match(reported[0]!, /Deployment\/web container web uses image "app:latest" without a fixed tag/);
  });

  it("a well-made container passes every rule", () => {
    for (const rule of RULES)
      assert.deepEqual(rule.check(DEPLOYMENT, deployment(GOOD_CONTAINER)), [], rule.name);
  });

  describe("no-latest-image-tag", () => {
    for (const image of ["app:latest", "app", "registry.example.com:5000/team/app"]) {
      it(`flags "${image}"`, () => {
        assert.equal(
          check("no-latest-image-tag", DEPLOYMENT, deployment({ ...GOOD_CONTAINER, image })).length,
          1,
        );
      });
    }
    it("flags a Helm release value", () => {
      const values = { backend: { image: { repository: "todo-chatbot-backend", tag: "latest" } } };
      assert.match(check("no-latest-image-tag", RELEASE, { values })[0]!, /values.backend.image/);
    });
  });

  describe("pull-policy-fits-image", () => {
    it("flags Always for a local image and Never for a registry image", () => {
      const local = deployment({ ...GOOD_CONTAINER, imagePullPolicy: "Always" });
      assert.match(check("pull-policy-fits-image", DEPLOYMENT, local)[0]!, /no registry host .* Always/);
      const pushed = deployment({
        ...GOOD_CONTAINER,
        image: "registry.example.com/app:1",
        imagePullPolicy: "Never",
      });
      assert.match(
        check("pull-policy-fits-image", DEPLOYMENT, pushed)[0]!,
        /comes from a registry but imagePullPolicy is Never/,
      );
    });
    it("accepts IfNotPresent for either", () => {
      for (const image of ["app:1", "registry.example.com/app:1"]) {
        const props = deployment({ ...GOOD_CONTAINER, image, imagePullPolicy: "IfNotPresent" });
        assert.deepEqual(check("pull-policy-fits-image", DEPLOYMENT, props), []);
      }
    });
  });

  it("requests-and-limits flags each missing value", () => {
    const props = deployment({ ...GOOD_CONTAINER, resources: { requests: { cpu: "100m" } } });
    const problems = check("requests-and-limits", DEPLOYMENT, props);
    assert.equal(problems.length, 3);
    assert.match(problems.join("\n"), /no memory requests.*\n.*no cpu limits.*\n.*no memory limits/);
  });

  it("non-root flags root users, escalation and privileged containers, and reads the pod's context", () => {
    const root = deployment({
      ...GOOD_CONTAINER,
      securityContext: { runAsUser: 0, allowPrivilegeEscalation: false },
    });
    assert.match(check("non-root", DEPLOYMENT, root)[0]!, /may run as root/);
    const escalation = deployment({
      ...GOOD_CONTAINER,
      securityContext: { runAsNonRoot: true, privileged: true },
    });
    assert.equal(check("non-root", DEPLOYMENT, escalation).length, 2);
    const fromPod = deployment(
      { ...GOOD_CONTAINER, securityContext: { allowPrivilegeEscalation: false } },
      { runAsNonRoot: true, runAsUser: 1001 },
    );
    assert.deepEqual(check("non-root", DEPLOYMENT, fromPod), []);
  });

  it("no-plaintext-secrets flags credentials in a ConfigMap, in plain env and in Helm values", () => {
    assert.match(
      check("no-plaintext-secrets", "kubernetes:core/v1:ConfigMap", {
        metadata: { name: "c" },
        data: { LLM_API_KEY: "x" },
      })[0]!,
      /ConfigMap\/c holds LLM_API_KEY/,
    );
    const env = deployment({ ...GOOD_CONTAINER, env: [{ name: "BETTER_AUTH_SECRET", value: "s3cret" }] });
    assert.match(
      check("no-plaintext-secrets", DEPLOYMENT, env)[0]!,
      /sets BETTER_AUTH_SECRET as a plain value/,
    );
    const values = {
      database: { url: "postgresql://u:p@h/db" },
      llm: { apiKey: "sk", existingSecret: "todo-llm" },
    };
    assert.equal(check("no-plaintext-secrets", RELEASE, { values }).length, 2);
  });

  describe("the program's own resources", function () {
    this.timeout(20_000);
    for (const settings of [
      { deployMode: "helm" },
      { deployMode: "manifests" },
      { deployMode: "manifests", databaseUrl: "postgresql://u:p@db.example.com/todo", llmApiKey: "sk-1" },
      { deployMode: "helm", imageRegistry: "registry.example.com/team" },
    ]) {
      it(`pass every rule: ${JSON.stringify(settings)}`, async () => {
        await installMocks();
        const { deploy } = await import("../../components/stack.js");
        deploy(configFrom(settings));
        const resources = await takeRecorded();
        assert.ok(resources.length > 8);
        for (const resource of resources) {
          for (const rule of RULES) {
            assert.deepEqual(
              rule.check(resource.type, resource.inputs),
              [],
              `${rule.name} on ${resource.type} ${resource.name}`,
            );
          }
        }
      });
    }
  });
});
