// The Pulumi program under mocks: every resource it registers in both deploy modes, with its key inputs, the
// secrets' handling, the outputs, and determinism.
import assert from "node:assert/strict";
import { loadConfig } from "../../app/backend/src/config.js";
import { CHART_DEFAULTS } from "../../components/chart-defaults.js";
import path from "node:path";
import { chartDigest } from "../../components/chart-digest.js";
import { CHART_PATH } from "../../components/helm-values.js";
import { GENERATED_SECRET } from "../../components/secrets.js";
import { PORTS } from "../../components/spec.js";
import type { StackOutputs } from "../../components/stack.js";
import { repoRoot, validateAgainstKubernetesSchema, type K8sObject } from "../support/chart.js";
import {
  findResource,
  installMocks,
  ofType,
  plaintextPaths,
  takeRecorded,
  valueOf,
  type RecordedResource,
} from "../support/pulumi-mocks.js";
import { configFrom, type Settings } from "../support/stack-config.js";

const T = {
  provider: "pulumi:providers:kubernetes",
  namespace: "kubernetes:core/v1:Namespace",
  secret: "kubernetes:core/v1:Secret",
  configMap: "kubernetes:core/v1:ConfigMap",
  service: "kubernetes:core/v1:Service",
  deployment: "kubernetes:apps/v1:Deployment",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  release: "kubernetes:helm.sh/v3:Release",
  images: "todo-chatbot:images:Images",
  secrets: "todo-chatbot:secrets:AppSecrets",
};

const NEON_URL =
  "postgresql://app:neon-pass-123@ep-cool-name.eu-central-1.aws.neon.tech/todo?sslmode=require";
const LLM_KEY = "sk-test-key-0123456789";

interface Deployed {
  resources: RecordedResource[];
  outputs: StackOutputs;
}

async function deployWith(settings: Settings): Promise<Deployed> {
  await installMocks();
  const { deploy } = await import("../../components/stack.js");
  const outputs = deploy(configFrom(settings));
  return { resources: await takeRecorded(), outputs };
}

function kubernetesResources(resources: RecordedResource[]): RecordedResource[] {
  return resources.filter((r) => r.type.startsWith("kubernetes:"));
}

function byObjectName(resources: RecordedResource[], type: string, objectName: string): RecordedResource {
  const found = resources.find((r) => r.type === type && r.inputs.metadata?.name === objectName);
  if (!found) throw new Error(`no ${type} with metadata.name ${objectName}`);
  return found;
}

function container(deployment: RecordedResource) {
  return deployment.inputs.spec.template.spec.containers[0];
}

/** The Secret holding the generated values, and those values (this run's draw). */
function generated(resources: RecordedResource[]): {
  secret: RecordedResource;
  values: Record<string, string>;
} {
  const secret = byObjectName(resources, T.secret, GENERATED_SECRET);
  return { secret, values: secret.inputs.stringData };
}

/** `repository:tag` -> the Helm values' image form. */
function imageParts(reference: string): { repository: string; tag: string } {
  const colon = reference.lastIndexOf(":");
  return { repository: reference.slice(0, colon), tag: reference.slice(colon + 1) };
}

describe("Pulumi program (mocks)", function () {
  this.timeout(20_000);

  describe("helm mode with the defaults", () => {
    let deployed: Deployed;
    before(async () => {
      deployed = await deployWith({});
    });

    it("creates one explicit Kubernetes provider for the minikube context, used by every Kubernetes resource", () => {
      const providers = ofType(deployed.resources, T.provider);
      assert.equal(providers.length, 1);
      assert.equal(providers[0]!.inputs.context, "minikube");
      for (const resource of kubernetesResources(deployed.resources)) {
        assert.match(
          resource.provider ?? "",
          /pulumi:providers:kubernetes::k8s::/,
          `${resource.type} ${resource.name}`,
        );
      }
    });

    it("creates the namespace, enforcing the restricted Pod Security Standard", () => {
      const namespace = findResource(deployed.resources, T.namespace, "namespace");
      assert.equal(namespace.inputs.metadata.name, "todo");
      assert.equal(namespace.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    });

    // The builds themselves (the Docker CLI during `pulumi up`) are tested in images.test.ts.
    it("references both images locally with content-addressed tags, and registers no build resource", async () => {
      for (const component of ["backend", "frontend"] as const) {
        const reference = await valueOf(deployed.outputs[`${component}Image`]);
        assert.match(reference, new RegExp(`^todo-chatbot-${component}:[0-9a-f]{12}$`));
      }
      assert.equal(ofType(deployed.resources, T.images).length, 1);
      assert.deepEqual(
        deployed.resources.filter((r) => r.urn.includes("docker")).map((r) => r.type),
        [],
        "no Docker provider resource",
      );
    });

    it("installs the chart as the release todo-chatbot with values derived from the app spec", async () => {
      const release = findResource(deployed.resources, T.release, "todo-chatbot");
      const { inputs } = release;
      assert.equal(inputs.name, "todo-chatbot");
      assert.equal(inputs.chart, "./helm/todo-chatbot");
      assert.equal(inputs.namespace, "todo");
      // A chart edit changes the release's inputs (chart-digest.test.ts shows the digest follows the files).
      assert.ok(
        inputs.description.endsWith(chartDigest(path.join(repoRoot, CHART_PATH))),
        inputs.description,
      );
      const backendImage = imageParts(await valueOf(deployed.outputs.backendImage));
      assert.deepEqual(inputs.values.backend.image, { ...backendImage, pullPolicy: "Never" });
      assert.equal(inputs.values.backend.replicaCount, 2);
      assert.equal(inputs.values.frontend.replicaCount, 2);
      assert.equal(inputs.values.frontend.service.type, "NodePort");
      assert.equal(inputs.values.frontend.service.nodePort, undefined, "no fixed node port");
      assert.equal(inputs.values.database.external, false);
      assert.equal(inputs.values.postgresql.auth.existingSecret, "todo-chatbot-db");
      assert.equal(inputs.values.auth.existingSecret, "todo-chatbot-auth");
      assert.equal(inputs.values.llm.existingSecret, undefined, "no key: the offline agent");
      assert.deepEqual(inputs.values.networkPolicy, { enabled: true, backendFromNamespaces: [] });
      assert.deepEqual(inputs.values.backend.podDisruptionBudget, { enabled: true, minAvailable: 1 });
    });

    it("creates no raw app objects", () => {
      assert.equal(ofType(deployed.resources, T.deployment).length, 0);
      assert.equal(ofType(deployed.resources, T.statefulSet).length, 0);
      assert.equal(ofType(deployed.resources, T.configMap).length, 0);
    });

    it("generates the auth secret and the database password into one Secret, sent only as secrets", () => {
      const { secret, values } = generated(deployed.resources);
      assert.equal(secret.name, "generated");
      assert.equal(secret.inputs.metadata.namespace, "todo");
      assert.deepEqual(Object.keys(values).sort(), ["BETTER_AUTH_SECRET", "POSTGRES_PASSWORD"]);
      for (const [key, value] of Object.entries(values)) {
        // Alphanumeric: the password goes into a URL unescaped.
        assert.match(value, /^[A-Za-z0-9]{16,}$/, key);
        assert.deepEqual(plaintextPaths(secret, value), [], `${key} is sent as a secret`);
      }
      // The backend's own check of its auth secret (length, variety) accepts the generated one.
      assert.doesNotThrow(() =>
        loadConfig({ NODE_ENV: "production", BETTER_AUTH_SECRET: values.BETTER_AUTH_SECRET }),
      );
    });

    it("builds the auth and database Secrets from the generated Secret's stored data", () => {
      const { values } = generated(deployed.resources);
      const auth = byObjectName(deployed.resources, T.secret, "todo-chatbot-auth");
      assert.deepEqual(auth.inputs.stringData, { BETTER_AUTH_SECRET: values.BETTER_AUTH_SECRET });
      const db = byObjectName(deployed.resources, T.secret, "todo-chatbot-db");
      assert.equal(db.inputs.metadata.namespace, "todo");
      assert.deepEqual(Object.keys(db.inputs.stringData).sort(), ["DATABASE_URL", "password"]);
      assert.equal(db.inputs.stringData.password, values.POSTGRES_PASSWORD);
      // The URL the backend uses reaches the chart's PostgreSQL Service as the chart's user and database (its
      // values.yaml defaults: the release passes neither).
      const { auth: dbAuth } = CHART_DEFAULTS.postgresql;
      const url = new URL(db.inputs.stringData.DATABASE_URL);
      assert.equal(url.protocol, "postgresql:");
      assert.equal(url.username, dbAuth.username);
      assert.equal(url.password, values.POSTGRES_PASSWORD);
      assert.equal(url.hostname, deployed.outputs.backendService.replace(/backend$/, "postgresql"));
      assert.equal(url.port, String(PORTS.postgresql));
      assert.equal(url.pathname, `/${dbAuth.database}`);
      for (const secret of [auth, db]) {
        for (const value of Object.values(values)) assert.deepEqual(plaintextPaths(secret, value), []);
      }
    });

    it("exports how to open the app", async () => {
      const { outputs } = deployed;
      assert.equal(await valueOf(outputs.namespace), "todo");
      assert.equal(outputs.deployMode, "helm");
      assert.equal(outputs.frontendService, "todo-chatbot-frontend");
      assert.equal(outputs.backendService, "todo-chatbot-backend");
      assert.equal(outputs.openCommand, "minikube service todo-chatbot-frontend -n todo --url");
      assert.equal(outputs.database, "in-cluster PostgreSQL");
      assert.equal(outputs.agent, "built-in offline agent");
      assert.match(await valueOf(outputs.backendImage), /^todo-chatbot-backend:[0-9a-f]{12}$/);
    });
  });

  describe("manifests mode with the defaults", () => {
    let deployed: Deployed;
    before(async () => {
      deployed = await deployWith({ deployMode: "manifests" });
    });

    it("creates the raw objects and no Helm release", () => {
      assert.equal(ofType(deployed.resources, T.release).length, 0);
      const names = kubernetesResources(deployed.resources)
        .filter((r) => r.type !== T.provider)
        .map((r) => `${r.type.split(":")[2]}/${r.inputs.metadata.name}`)
        .sort();
      assert.deepEqual(names, [
        "ConfigMap/todo-config",
        "Deployment/todo-backend",
        "Deployment/todo-frontend",
        "Namespace/todo",
        "NetworkPolicy/todo-backend",
        "NetworkPolicy/todo-frontend",
        "NetworkPolicy/todo-postgresql",
        "PodDisruptionBudget/todo-backend",
        "PodDisruptionBudget/todo-frontend",
        "Secret/todo-auth",
        `Secret/${GENERATED_SECRET}`,
        "Secret/todo-db",
        "Service/todo-backend",
        "Service/todo-frontend",
        "Service/todo-postgresql",
        "StatefulSet/todo-postgresql",
      ]);
    });

    it("puts every object in the namespace with the six app.kubernetes.io labels", () => {
      for (const resource of kubernetesResources(deployed.resources)) {
        if (resource.type === T.provider || resource.type === T.namespace) continue;
        const { metadata } = resource.inputs;
        assert.equal(metadata.namespace, "todo", `${resource.type} ${metadata.name}`);
        // The generated Secret belongs to no mode (secrets.ts): the mode-free labels only.
        const modeFree = metadata.name === "todo-chatbot-generated";
        const labels = modeFree
          ? ["name", "part-of", "managed-by"]
          : ["name", "instance", "component", "part-of", "managed-by", "version"];
        if (modeFree) assert.equal(metadata.labels["app.kubernetes.io/instance"], undefined);
        for (const label of labels) {
          assert.ok(
            metadata.labels[`app.kubernetes.io/${label}`],
            `${metadata.name} lacks app.kubernetes.io/${label}`,
          );
        }
        assert.equal(metadata.labels["app.kubernetes.io/managed-by"], "pulumi");
        if (!modeFree) assert.equal(metadata.labels["app.kubernetes.io/instance"], "todo");
      }
    });

    it("runs the built images with pull policy Never, two replicas, probes, resources and a restricted context", async () => {
      for (const component of ["backend", "frontend"] as const) {
        const deployment = byObjectName(deployed.resources, T.deployment, `todo-${component}`);
        const image = await valueOf(deployed.outputs[`${component}Image`]);
        const c = container(deployment);
        assert.equal(c.image, image);
        assert.equal(c.imagePullPolicy, "Never");
        assert.equal(deployment.inputs.spec.replicas, 2);
        assert.ok(c.startupProbe.httpGet && c.livenessProbe.httpGet && c.readinessProbe.httpGet);
        assert.ok(c.resources.requests.cpu && c.resources.requests.memory);
        assert.ok(c.resources.limits.cpu && c.resources.limits.memory);
        assert.equal(c.securityContext.runAsNonRoot, true);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] });
        assert.equal(deployment.inputs.spec.template.spec.automountServiceAccountToken, false);
      }
      const backend = container(byObjectName(deployed.resources, T.deployment, "todo-backend"));
      assert.equal(backend.readinessProbe.httpGet.path, "/ready");
      assert.equal(backend.livenessProbe.httpGet.path, "/health");
      const frontend = container(byObjectName(deployed.resources, T.deployment, "todo-frontend"));
      assert.deepEqual(
        frontend.env.find((e: { name: string }) => e.name === "BACKEND_URL"),
        { name: "BACKEND_URL", value: "http://todo-backend:8000" },
      );
    });

    it("wires the backend to its ConfigMap and Secrets by name, and waits for the in-cluster database", () => {
      const deployment = byObjectName(deployed.resources, T.deployment, "todo-backend");
      const c = container(deployment);
      assert.deepEqual(c.envFrom, [{ configMapRef: { name: "todo-config" } }]);
      assert.deepEqual(c.env, [
        { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "todo-db", key: "DATABASE_URL" } } },
        {
          name: "BETTER_AUTH_SECRET",
          valueFrom: { secretKeyRef: { name: "todo-auth", key: "BETTER_AUTH_SECRET" } },
        },
      ]);
      const init = deployment.inputs.spec.template.spec.initContainers;
      assert.equal(init[0].name, "wait-for-database");
      const statefulSet = byObjectName(deployed.resources, T.statefulSet, "todo-postgresql");
      const dbEnv = (name: string) =>
        statefulSet.inputs.spec.template.spec.containers[0].env.find(
          (e: { name: string }) => e.name === name,
        );
      // pg_isready as the database's user (the backend's uid has no passwd entry in the PostgreSQL image).
      assert.deepEqual(init[0].env, [
        { name: "PGHOST", value: "todo-postgresql" },
        { name: "PGUSER", value: dbEnv("POSTGRES_USER").value },
      ]);
      assert.deepEqual(dbEnv("POSTGRES_PASSWORD").valueFrom, {
        secretKeyRef: { name: "todo-db", key: "password" },
      });
    });

    it("exposes the frontend on a NodePort Service without a fixed port, the backend only inside the cluster", () => {
      const frontend = byObjectName(deployed.resources, T.service, "todo-frontend");
      assert.equal(frontend.inputs.spec.type, "NodePort");
      assert.equal(frontend.inputs.spec.ports[0].nodePort, undefined);
      assert.equal(byObjectName(deployed.resources, T.service, "todo-backend").inputs.spec.type, "ClusterIP");
    });

    it("produces objects that match the Kubernetes schema", async () => {
      for (const resource of kubernetesResources(deployed.resources)) {
        if (resource.type === T.provider) continue;
        await validateAgainstKubernetesSchema(resource.inputs as K8sObject);
      }
    });

    it("exports the raw objects' names", () => {
      assert.equal(deployed.outputs.frontendService, "todo-frontend");
      assert.equal(deployed.outputs.openCommand, "minikube service todo-frontend -n todo --url");
    });
  });

  describe("settings", () => {
    it("Neon: no in-cluster database; the URL is in the database Secret and the chart gets only its name", async () => {
      const helm = await deployWith({ databaseUrl: NEON_URL });
      const release = findResource(helm.resources, T.release, "todo-chatbot");
      assert.deepEqual(release.inputs.values.database, {
        external: true,
        existingSecret: "todo-chatbot-db",
        existingSecretKey: "DATABASE_URL",
      });
      assert.equal(release.inputs.values.postgresql, undefined);
      assert.deepEqual(byObjectName(helm.resources, T.secret, "todo-chatbot-auth").inputs.stringData, {
        BETTER_AUTH_SECRET: generated(helm.resources).values.BETTER_AUTH_SECRET,
      });
      assert.deepEqual(byObjectName(helm.resources, T.secret, "todo-chatbot-db").inputs.stringData, {
        DATABASE_URL: NEON_URL,
      });

      const raw = await deployWith({ deployMode: "manifests", databaseUrl: NEON_URL });
      assert.equal(ofType(raw.resources, T.statefulSet).length, 0);
      const backend = byObjectName(raw.resources, T.deployment, "todo-backend");
      assert.equal(backend.inputs.spec.template.spec.initContainers, undefined);
    });

    it("an LLM key adds the llm Secret and LLM_API_KEY; base URL and model go to the ConfigMap", async () => {
      const raw = await deployWith({
        deployMode: "manifests",
        llmApiKey: LLM_KEY,
        llmBaseUrl: "https://llm.example.com/v1",
        llmModel: "small-model",
      });
      assert.deepEqual(byObjectName(raw.resources, T.secret, "todo-llm").inputs.stringData, {
        LLM_API_KEY: LLM_KEY,
      });
      const env = container(byObjectName(raw.resources, T.deployment, "todo-backend")).env;
      assert.deepEqual(env[2], {
        name: "LLM_API_KEY",
        valueFrom: { secretKeyRef: { name: "todo-llm", key: "LLM_API_KEY" } },
      });
      const data = byObjectName(raw.resources, T.configMap, "todo-config").inputs.data;
      assert.equal(data.LLM_BASE_URL, "https://llm.example.com/v1");
      assert.equal(data.LLM_MODEL, "small-model");
      assert.equal(raw.outputs.agent, "LLM (small-model)");
    });

    it("replicas, service type, namespace and context reach the objects", async () => {
      const raw = await deployWith({
        deployMode: "manifests",
        backendReplicas: 3,
        frontendReplicas: 1,
        frontendServiceType: "ClusterIP",
        namespace: "todo-staging",
        kubeContext: "staging-cluster",
      });
      assert.equal(byObjectName(raw.resources, T.deployment, "todo-backend").inputs.spec.replicas, 3);
      assert.equal(byObjectName(raw.resources, T.deployment, "todo-frontend").inputs.spec.replicas, 1);
      assert.equal(ofType(raw.resources, T.pdb).length, 1, "no PodDisruptionBudget for a single frontend");
      assert.equal(byObjectName(raw.resources, T.service, "todo-frontend").inputs.spec.type, "ClusterIP");
      assert.equal(ofType(raw.resources, T.provider)[0]!.inputs.context, "staging-cluster");
      assert.equal(
        byObjectName(raw.resources, T.deployment, "todo-backend").inputs.metadata.namespace,
        "todo-staging",
      );
      assert.match(
        raw.outputs.openCommand,
        /^kubectl --context staging-cluster -n todo-staging port-forward svc\/todo-frontend 3000:80$/,
      );
    });

    it("imageRegistry: images are pushed there and pulled IfNotPresent", async () => {
      const helm = await deployWith({ imageRegistry: "registry.example.com/team" });
      for (const component of ["backend", "frontend"] as const) {
        assert.match(
          await valueOf(helm.outputs[`${component}Image`]),
          new RegExp(`^registry\\.example\\.com/team/todo-chatbot-${component}:[0-9a-f]{12}$`),
        );
      }
      const values = findResource(helm.resources, T.release, "todo-chatbot").inputs.values;
      assert.equal(values.backend.image.repository, "registry.example.com/team/todo-chatbot-backend");
      assert.equal(values.backend.image.pullPolicy, "IfNotPresent");
    });

    it("enableKagent installs kagent for this app's backend and lets its namespace reach /mcp", async () => {
      const off = await deployWith({});
      assert.equal(off.resources.filter((r) => r.type === "todo-chatbot:kagent:KagentOps").length, 0);
      const on = await deployWith({
        deployMode: "manifests",
        enableKagent: true,
        kagentApiKey: "sk-kagent-1",
        kagentChartRepository: "oci://charts.example.com/kagent-dev/kagent/helm",
      });
      assert.equal(on.resources.filter((r) => r.type === "todo-chatbot:kagent:KagentOps").length, 1);
      const releases = ofType(on.resources, T.release).map((r) => r.inputs.name);
      assert.deepEqual(releases.sort(), ["kagent", "kagent-crds"]);
      const mcp = on.resources.find((r) => r.inputs.kind === "RemoteMCPServer");
      assert.equal(mcp?.inputs.spec.url, "http://todo-backend.todo.svc.cluster.local:8000/mcp");
      const policy = byObjectName(on.resources, T.networkPolicy, "todo-backend");
      assert.deepEqual(policy.inputs.spec.ingress[0].from.at(-1), {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kagent" } },
      });
    });

    it("postgresImage is the in-cluster database's image in both modes (StatefulSet, its wait, the chart's values)", async () => {
      const mirror = "mirror.example.com/library/postgres:17.6-alpine";
      const raw = await deployWith({ deployMode: "manifests", postgresImage: mirror });
      const statefulSet = byObjectName(raw.resources, T.statefulSet, "todo-postgresql");
      assert.equal(container(statefulSet).image, mirror);
      const backend = byObjectName(raw.resources, T.deployment, "todo-backend");
      assert.equal(
        backend.inputs.spec.template.spec.initContainers[0].image,
        mirror,
        "pg_isready from that image",
      );
      const helm = await deployWith({ postgresImage: mirror });
      const { image } = findResource(helm.resources, T.release, "todo-chatbot").inputs.values.postgresql;
      assert.equal(`${image.repository}:${image.tag}`, mirror);
    });

    it("buildImages false: no builds; the given references are deployed", async () => {
      const raw = await deployWith({
        deployMode: "manifests",
        buildImages: false,
        backendImage: "registry.example.com/todo-backend:1.2.3",
        frontendImage: "registry.example.com/todo-frontend:1.2.3",
      });
      const backend = container(byObjectName(raw.resources, T.deployment, "todo-backend"));
      assert.equal(backend.image, "registry.example.com/todo-backend:1.2.3");
      assert.equal(backend.imagePullPolicy, "IfNotPresent");
    });
  });

  describe("secrets", () => {
    const settings = { databaseUrl: NEON_URL, llmApiKey: LLM_KEY };

    for (const mode of ["helm", "manifests"]) {
      it(`${mode}: the database URL and the LLM key travel only as secrets, never in Helm values or a ConfigMap`, async () => {
        const { resources } = await deployWith({ ...settings, deployMode: mode });
        for (const needle of [NEON_URL, "neon-pass-123", LLM_KEY]) {
          for (const resource of resources) {
            assert.deepEqual(
              plaintextPaths(resource, needle),
              [],
              `${resource.type} ${resource.name} holds it in plain text`,
            );
          }
        }
        const carriers = resources.filter((r) => JSON.stringify(r.inputs).includes(LLM_KEY));
        assert.deepEqual(
          carriers.map((r) => r.inputs.metadata?.name),
          [mode === "helm" ? "todo-chatbot-llm" : "todo-llm"],
        );
      });
    }

    for (const mode of ["helm", "manifests"]) {
      it(`${mode}: the generated values, and the URL built from the password, travel only as secrets`, async () => {
        const { resources } = await deployWith({ deployMode: mode });
        const { values } = generated(resources);
        const db = byObjectName(resources, T.secret, `${mode === "helm" ? "todo-chatbot" : "todo"}-db`);
        for (const needle of [...Object.values(values), db.inputs.stringData.DATABASE_URL]) {
          for (const resource of resources) {
            assert.deepEqual(plaintextPaths(resource, needle), [], `${resource.type} ${resource.name}`);
          }
        }
      });
    }
  });

  describe("switching modes and determinism", () => {
    it("the two modes share no Kubernetes object name except the namespace and the generated Secret", async () => {
      const names = async (mode: string) =>
        new Set(
          kubernetesResources((await deployWith({ deployMode: mode })).resources)
            .filter((r) => r.type !== T.provider)
            .map((r) => `${r.type}/${r.inputs.metadata?.name ?? r.inputs.name}`),
        );
      const helm = await names("helm");
      const raw = await names("manifests");
      assert.deepEqual(
        [...helm].filter((name) => raw.has(name)).sort(),
        [`${T.namespace}/${configFrom({}).namespace}`, `${T.secret}/${GENERATED_SECRET}`].sort(),
      );
    });

    it("the namespace, the generated Secret and the images keep their Pulumi names across modes (no replacement on a switch)", async () => {
      const stable = async (mode: string) => {
        const { resources } = await deployWith({ deployMode: mode });
        const kept = [
          ...ofType(resources, T.namespace),
          ...ofType(resources, T.images),
          ...ofType(resources, T.secrets),
          generated(resources).secret,
        ];
        return kept.map((r) => `${r.type}::${r.name}::${r.inputs.metadata?.name ?? ""}`).sort();
      };
      const helm = await stable("helm");
      assert.equal(helm.length, 4);
      assert.deepEqual(await stable("manifests"), helm);
    });

    for (const mode of ["helm", "manifests"]) {
      it(`${mode}: building twice with the same config gives identical resource inputs, but for the generated values`, async () => {
        const first = await deployWith({ deployMode: mode, llmApiKey: LLM_KEY });
        const second = await deployWith({ deployMode: mode, llmApiKey: LLM_KEY });
        // Each run draws fresh values; the engine keeps the first ones (ignoreChanges), so they alone may differ,
        // and with them whatever the mock derives from them (the auth and database Secrets).
        const strip = (resources: RecordedResource[]) => {
          const placeholders = Object.entries(generated(resources).values).map(
            ([key, value]) => [value, `<generated ${key}>`] as const,
          );
          const text = placeholders.reduce(
            (json, [value, placeholder]) => json.replaceAll(value, placeholder),
            JSON.stringify(resources.map(({ type, name, inputs }) => ({ type, name, inputs }))),
          );
          return JSON.parse(text) as unknown;
        };
        assert.deepEqual(strip(second.resources), strip(first.resources));
        assert.ok(first.resources.length > 8);
        const values = [generated(first.resources).values, generated(second.resources).values];
        for (const key of Object.keys(values[0]!)) {
          assert.notEqual(values[0]![key], values[1]![key], `${key} is drawn afresh on every run`);
        }
      });
    }
  });
});
