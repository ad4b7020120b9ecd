// The Pulumi program under mocks: every resource it registers in both deploy modes, with its key inputs, the
// secrets' handling, the outputs, and determinism.
import assert from "node:assert/strict";
import { loadConfig } from "../../app/backend/src/config.js";
import path from "node:path";
import { chartDigest } from "../../components/chart-digest.js";
import { CHART_PATH } from "../../components/helm-values.js";
import { DATABASE_NAME } from "../../components/naming.js";
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
  image: "docker:index/image:Image",
  secrets: "todo-chatbot:secrets:AppSecrets",
  password: "random:index/randomPassword:RandomPassword",
  database: "todo-chatbot:database:InClusterDatabase",
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

/** The generated values: each random.RandomPassword's result (as the mock engine answered), by Pulumi name. */
function generated(resources: RecordedResource[]): Record<string, string> {
  return Object.fromEntries(ofType(resources, T.password).map((r) => [r.name, r.outputs.result as string]));
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

    // The images' build inputs are tested in images.test.ts.
    it("registers one docker.Image per app, named with the content-addressed reference the stack exports", async () => {
      const images = ofType(deployed.resources, T.image);
      assert.deepEqual(images.map((r) => r.name).sort(), ["backend", "frontend"]);
      for (const image of images) {
        const reference = await valueOf(deployed.outputs[`${image.name as "backend" | "frontend"}Image`]);
        assert.equal(image.inputs.imageName, reference);
        assert.match(reference, new RegExp(`^todo-chatbot-${image.name}:[0-9a-f]{12}$`));
      }
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
      // The in-cluster database is the program's (both modes'): to the chart it is external, reached by URL.
      assert.deepEqual(inputs.values.database, {
        external: true,
        existingSecret: "todo-chatbot-db",
        existingSecretKey: "DATABASE_URL",
      });
      assert.equal(inputs.values.postgresql, undefined, "the chart's own PostgreSQL stays off");
      assert.equal(inputs.values.auth.existingSecret, "todo-chatbot-auth");
      assert.equal(inputs.values.llm.existingSecret, undefined, "no key: the offline agent");
      assert.deepEqual(inputs.values.networkPolicy, { enabled: true, backendFromNamespaces: [] });
      assert.deepEqual(inputs.values.backend.podDisruptionBudget, { enabled: true, minAvailable: 1 });
    });

    it("creates no raw app objects; the in-cluster database is its own component", () => {
      assert.equal(ofType(deployed.resources, T.deployment).length, 0);
      assert.equal(ofType(deployed.resources, T.configMap).length, 0);
      const statefulSets = ofType(deployed.resources, T.statefulSet);
      assert.deepEqual(
        statefulSets.map((r) => r.inputs.metadata.name),
        [DATABASE_NAME],
      );
      assert.equal(ofType(deployed.resources, T.database).length, 1);
    });

    it("generates the auth secret and the database password with random.RandomPassword, letters and digits only", () => {
      const passwords = ofType(deployed.resources, T.password);
      assert.deepEqual(passwords.map((r) => r.name).sort(), ["auth-secret", "database-password"]);
      for (const password of passwords) {
        // special: false, so the password goes into a URL unescaped.
        assert.equal(password.inputs.special, false, password.name);
      }
      // The backend's own check of its auth secret (length, variety) accepts one of the asked length.
      assert.doesNotThrow(() =>
        loadConfig({
          NODE_ENV: "production",
          BETTER_AUTH_SECRET: generated(deployed.resources)["auth-secret"],
        }),
      );
    });

    it("builds the auth Secret, the database's password Secret and the URL from the generated values", () => {
      const values = generated(deployed.resources);
      const auth = byObjectName(deployed.resources, T.secret, "todo-chatbot-auth");
      assert.deepEqual(auth.inputs.stringData, { BETTER_AUTH_SECRET: values["auth-secret"] });
      const db = byObjectName(deployed.resources, T.secret, "todo-chatbot-db");
      assert.equal(db.inputs.metadata.namespace, "todo");
      assert.deepEqual(Object.keys(db.inputs.stringData), ["DATABASE_URL"]);
      // The URL reaches the program's PostgreSQL Service as the user and database its StatefulSet creates,
      // with the password the StatefulSet reads from its Secret.
      const url = new URL(db.inputs.stringData.DATABASE_URL);
      assert.equal(url.protocol, "postgresql:");
      const service = byObjectName(deployed.resources, T.service, url.hostname);
      assert.equal(service.inputs.spec.ports[0].port, Number(url.port));
      const statefulSet = byObjectName(deployed.resources, T.statefulSet, DATABASE_NAME);
      const env = (name: string) => container(statefulSet).env.find((e: { name: string }) => e.name === name);
      assert.equal(url.username, env("POSTGRES_USER").value);
      assert.equal(url.pathname, `/${env("POSTGRES_DB").value}`);
      assert.equal(url.port, String(PORTS.postgresql));
      const { name: secretName, key } = env("POSTGRES_PASSWORD").valueFrom.secretKeyRef;
      assert.equal(
        byObjectName(deployed.resources, T.secret, secretName).inputs.stringData[key],
        url.password,
      );
      assert.equal(url.password, values["database-password"]);
      for (const secret of ofType(deployed.resources, T.secret)) {
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
        "NetworkPolicy/todo-database",
        "NetworkPolicy/todo-database-client",
        "NetworkPolicy/todo-frontend",
        "PodDisruptionBudget/todo-backend",
        "PodDisruptionBudget/todo-frontend",
        "Secret/todo-auth",
        "Secret/todo-database",
        "Secret/todo-db",
        "Service/todo-backend",
        "Service/todo-database",
        "Service/todo-frontend",
        "StatefulSet/todo-database",
      ]);
    });

    it("puts every object in the namespace with the six app.kubernetes.io labels", () => {
      for (const resource of kubernetesResources(deployed.resources)) {
        if (resource.type === T.provider || resource.type === T.namespace) continue;
        const { metadata } = resource.inputs;
        assert.equal(metadata.namespace, "todo", `${resource.type} ${metadata.name}`);
        // The in-cluster database belongs to no mode (database.ts): its own instance label.
        const modeFree = metadata.name.startsWith(DATABASE_NAME);
        const labels = ["name", "instance", "component", "part-of", "managed-by", "version"];
        for (const label of labels) {
          assert.ok(
            metadata.labels[`app.kubernetes.io/${label}`],
            `${metadata.name} lacks app.kubernetes.io/${label}`,
          );
        }
        assert.equal(metadata.labels["app.kubernetes.io/managed-by"], "pulumi");
        assert.equal(metadata.labels["app.kubernetes.io/instance"], modeFree ? DATABASE_NAME : "todo");
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

    it("wires the backend to its ConfigMap and Secrets by name", () => {
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
    });

    it("lets backend pods of either mode, and only them, reach the database", () => {
      const backendLabels = byObjectName(deployed.resources, T.deployment, "todo-backend").inputs.spec
        .template.metadata.labels;
      const dbLabels = byObjectName(deployed.resources, T.statefulSet, DATABASE_NAME).inputs.spec.template
        .metadata.labels;
      const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
        Object.entries(selector).every(([key, value]) => labels[key] === value);
      const ingress = byObjectName(deployed.resources, T.networkPolicy, DATABASE_NAME).inputs.spec;
      assert.ok(selects(ingress.podSelector.matchLabels, dbLabels));
      const from = ingress.ingress[0].from[0].podSelector.matchLabels;
      assert.ok(selects(from, backendLabels));
      assert.ok(!selects(from, { ...backendLabels, "app.kubernetes.io/component": "frontend" }));
      // Helm mode's backend pods differ only in their instance label.
      assert.ok(selects(from, { ...backendLabels, "app.kubernetes.io/instance": "todo-chatbot" }));
      const egress = byObjectName(deployed.resources, T.networkPolicy, `${DATABASE_NAME}-client`).inputs.spec;
      assert.ok(
        selects(egress.podSelector.matchLabels, {
          ...backendLabels,
          "app.kubernetes.io/instance": "todo-chatbot",
        }),
      );
      assert.ok(selects(egress.egress[0].to[0].podSelector.matchLabels, dbLabels));
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
        BETTER_AUTH_SECRET: generated(helm.resources)["auth-secret"],
      });
      assert.equal(ofType(helm.resources, T.database).length, 0);
      // The password stays drawn, so switching back finds the in-cluster volume's password unchanged.
      assert.ok(generated(helm.resources)["database-password"]);
      assert.deepEqual(byObjectName(helm.resources, T.secret, "todo-chatbot-db").inputs.stringData, {
        DATABASE_URL: NEON_URL,
      });

      const raw = await deployWith({ deployMode: "manifests", databaseUrl: NEON_URL });
      assert.equal(ofType(raw.resources, T.statefulSet).length, 0);
      // The Secret keeps its name, so the backend's pod template must change for the pods to read the new URL.
      const annotations = (resources: RecordedResource[]) =>
        byObjectName(resources, T.deployment, "todo-backend").inputs.spec.template.metadata.annotations;
      const inCluster = await deployWith({ deployMode: "manifests" });
      assert.notDeepEqual(annotations(raw.resources), annotations(inCluster.resources));
      assert.notDeepEqual(
        release.inputs.values.backend.podAnnotations,
        findResource((await deployWith({})).resources, T.release, "todo-chatbot").inputs.values.backend
          .podAnnotations,
      );
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

    it("publicUrl reaches the backend's auth URL and trusted origin in both modes", async () => {
      const publicUrl = "https://todo.example.com";
      const raw = await deployWith({ deployMode: "manifests", publicUrl });
      const data = byObjectName(raw.resources, T.configMap, "todo-config").inputs.data;
      assert.equal(data.BETTER_AUTH_URL, publicUrl);
      assert.equal(data.TRUSTED_ORIGINS, publicUrl);
      const helm = await deployWith({ publicUrl });
      assert.equal(
        findResource(helm.resources, T.release, "todo-chatbot").inputs.values.publicUrl,
        publicUrl,
      );
    });

    it("openCommand: minikube service only for the minikube context; the port-forward elsewhere", async () => {
      const other = await deployWith({ kubeContext: "kind-todo" });
      assert.equal(other.outputs.openCommand, other.outputs.portForwardCommand);
      assert.match(
        other.outputs.openCommand,
        /^kubectl --context kind-todo -n todo port-forward svc\/todo-chatbot-frontend 3000:80$/,
      );
      // publicUrl's port is the port-forward's local port (the origin the backend trusts).
      const port = await deployWith({ publicUrl: "http://localhost:8081" });
      assert.match(port.outputs.portForwardCommand, / 8081:80$/);
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

    it("postgresImage is the in-cluster database's image, the same StatefulSet in both modes", async () => {
      const mirror = "mirror.example.com/library/postgres:17.6-alpine";
      for (const deployMode of ["manifests", "helm"]) {
        const { resources } = await deployWith({ deployMode, postgresImage: mirror });
        const statefulSet = byObjectName(resources, T.statefulSet, DATABASE_NAME);
        assert.equal(container(statefulSet).image, mirror, deployMode);
      }
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
      assert.equal(ofType(raw.resources, T.image).length, 0);
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
        const values = generated(resources);
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
    it("the two modes share no Kubernetes object name except the namespace and the database's objects", async () => {
      const names = async (mode: string) =>
        new Set(
          kubernetesResources((await deployWith({ deployMode: mode })).resources)
            .filter((r) => r.type !== T.provider)
            .map((r) => `${r.type}/${r.inputs.metadata?.name ?? r.inputs.name}`),
        );
      const helm = await names("helm");
      const raw = await names("manifests");
      const shared = [...helm].filter((name) => raw.has(name));
      assert.deepEqual(
        shared.filter((name) => !name.split("/").at(-1)!.startsWith(DATABASE_NAME)),
        [`${T.namespace}/${configFrom({}).namespace}`],
      );
      assert.ok(shared.includes(`${T.statefulSet}/${DATABASE_NAME}`));
    });

    it("a switch leaves the namespace, images, generated values and the whole database as they are (same URNs, same inputs)", async () => {
      const kept = async (mode: string) => {
        const { resources } = await deployWith({ deployMode: mode });
        // The database component and its children (their names are the objects' names).
        const database = [
          ...ofType(resources, T.database),
          ...resources.filter((r) => r.inputs.metadata?.name?.startsWith(DATABASE_NAME)),
        ];
        const keptResources = [
          ...ofType(resources, T.namespace),
          ...ofType(resources, T.images),
          ...ofType(resources, T.image),
          ...ofType(resources, T.secrets),
          ...ofType(resources, T.password),
          ...database,
        ];
        return keptResources.map(({ type, name, inputs }) => ({ type, name, inputs }));
      };
      const helm = await kept("helm");
      const kinds = helm.map((r) => `${r.type}/${r.name}`);
      for (const expected of [
        `${T.statefulSet}/${DATABASE_NAME}`,
        `${T.service}/${DATABASE_NAME}`,
        `${T.secret}/database-password`,
        `${T.password}/database-password`,
        `${T.image}/backend`,
      ])
        assert.ok(kinds.includes(expected), `${expected} in ${kinds.join(", ")}`);
      assert.deepEqual(await kept("manifests"), helm);
    });

    for (const mode of ["helm", "manifests"]) {
      it(`${mode}: building twice with the same config gives identical resource inputs`, async () => {
        const first = await deployWith({ deployMode: mode, llmApiKey: LLM_KEY });
        const second = await deployWith({ deployMode: mode, llmApiKey: LLM_KEY });
        const inputs = (resources: RecordedResource[]) =>
          resources.map(({ type, name, inputs }) => ({ type, name, inputs }));
        assert.deepEqual(inputs(second.resources), inputs(first.resources));
        assert.ok(first.resources.length > 8);
      });
    }
  });
});
