// The Pulumi program under mocks: every resource it registers in both deploy modes, with its key inputs, the
// secrets' handling, the outputs, and determinism.
import assert from "node:assert/strict";
import type { StackOutputs } from "../../components/stack.js";
import { validateAgainstKubernetesSchema, type K8sObject } from "../chart/support.js";
import {
  findResource,
  installMocks,
  isSecret,
  ofType,
  plaintextPaths,
  takeRecorded,
  valueOf,
  type RecordedResource,
} from "./support/mocks.js";
import { configFrom, type Settings } from "./support/stack-config.js";

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
  image: "docker:index/image:Image",
  password: "random:index/randomPassword:RandomPassword",
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

    it("builds both images locally with content-addressed tags and does not push them", () => {
      const images = ofType(deployed.resources, T.image);
      assert.deepEqual(images.map((i) => i.name).sort(), ["backend", "frontend"]);
      for (const image of images) {
        assert.match(image.inputs.imageName, new RegExp(`^todo-chatbot-${image.name}:[0-9a-f]{12}$`));
        assert.equal(image.inputs.skipPush, true);
        assert.deepEqual(image.inputs.build, {
          context: ".",
          dockerfile: `app/${image.name}/Dockerfile`,
          args: { VERSION: "0.1.0" },
        });
      }
    });

    it("installs the chart as the release todo-chatbot with values derived from the app spec", () => {
      const release = findResource(deployed.resources, T.release, "todo-chatbot");
      const { inputs } = release;
      assert.equal(inputs.name, "todo-chatbot");
      assert.equal(inputs.chart, "./helm/todo-chatbot");
      assert.equal(inputs.namespace, "todo");
      assert.equal(inputs.atomic, true);
      assert.equal(inputs.cleanupOnFail, true);
      assert.equal(inputs.timeout, 600);
      const backendImage = findResource(deployed.resources, T.image, "backend").inputs.imageName as string;
      const [repository, tag] = backendImage.split(":");
      assert.deepEqual(inputs.values.backend.image, { repository, tag, pullPolicy: "Never" });
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

    it("creates the auth Secret from a random password and the in-cluster database Secret", () => {
      const passwords = ofType(deployed.resources, T.password);
      assert.deepEqual(passwords.map((p) => [p.name, p.inputs.length, p.inputs.special]).sort(), [
        ["auth-secret", 48, false],
        ["postgres-password", 32, false],
      ]);
      const auth = byObjectName(deployed.resources, T.secret, "todo-chatbot-auth");
      assert.deepEqual(Object.keys(auth.inputs.stringData), ["BETTER_AUTH_SECRET"]);
      const db = byObjectName(deployed.resources, T.secret, "todo-chatbot-db");
      assert.deepEqual(Object.keys(db.inputs.stringData).sort(), ["DATABASE_URL", "password"]);
      assert.match(
        db.inputs.stringData.DATABASE_URL,
        /^postgresql:\/\/todo:mock-random-postgres-password-x+@todo-chatbot-postgresql:5432\/todo$/,
      );
      assert.equal(db.inputs.metadata.namespace, "todo");
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
        for (const label of ["name", "instance", "component", "part-of", "managed-by", "version"]) {
          assert.ok(
            metadata.labels[`app.kubernetes.io/${label}`],
            `${metadata.name} lacks app.kubernetes.io/${label}`,
          );
        }
        assert.equal(metadata.labels["app.kubernetes.io/managed-by"], "pulumi");
        assert.equal(metadata.labels["app.kubernetes.io/instance"], "todo");
      }
    });

    it("runs the built images with pull policy Never, two replicas, probes, resources and a restricted context", () => {
      for (const component of ["backend", "frontend"]) {
        const deployment = byObjectName(deployed.resources, T.deployment, `todo-${component}`);
        const image = findResource(deployed.resources, T.image, component).inputs.imageName;
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
      assert.deepEqual(init[0].env, [{ name: "PGHOST", value: "todo-postgresql" }]);
      const statefulSet = byObjectName(deployed.resources, T.statefulSet, "todo-postgresql");
      const password = statefulSet.inputs.spec.template.spec.containers[0].env.find(
        (e: { name: string }) => e.name === "POSTGRES_PASSWORD",
      );
      assert.deepEqual(password.valueFrom, { secretKeyRef: { name: "todo-db", key: "password" } });
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
        poolMax: 5,
      });
      assert.equal(release.inputs.values.postgresql, undefined);
      assert.equal(ofType(helm.resources, T.password).length, 1, "only the auth secret is random");
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
      for (const image of ofType(helm.resources, T.image)) {
        assert.match(
          image.inputs.imageName,
          new RegExp(`^registry.example.com/team/todo-chatbot-${image.name}:[0-9a-f]{12}$`),
        );
        assert.equal(image.inputs.skipPush, false);
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

    it("buildImages false: no builds; the given references are deployed", async () => {
      const raw = await deployWith({
        deployMode: "manifests",
        buildImages: false,
        backendImage: "registry.example.com/todo-backend:1.2.3",
        frontendImage: "registry.example.com/todo-frontend:1.2.3",
      });
      assert.equal(ofType(raw.resources, T.image).length, 0);
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

    it("the generated passwords travel only as secrets", async () => {
      const { resources } = await deployWith({ deployMode: "manifests" });
      for (const resource of resources) {
        assert.deepEqual(plaintextPaths(resource, "mock-random-"), [], `${resource.type} ${resource.name}`);
      }
    });

    it("the database URL the program derives stays a secret Output", async () => {
      await installMocks();
      const { AppSecrets } = await import("../../components/secrets.js");
      const { buildAppSpec } = await import("../../components/spec.js");
      const images = { backend: { repository: "b", tag: "1" }, frontend: { repository: "f", tag: "1" } };
      const external = new AppSecrets("external", {
        spec: buildAppSpec(configFrom(settings), images, "0.1.0"),
        databaseUrl: configFrom(settings).databaseUrl,
        llmApiKey: configFrom(settings).llmApiKey,
      });
      const inCluster = new AppSecrets("in-cluster", { spec: buildAppSpec(configFrom({}), images, "0.1.0") });
      assert.equal(await isSecret(external.databaseUrl), true);
      assert.equal(await isSecret(inCluster.databaseUrl), true);
      assert.equal(await valueOf(external.databaseUrl), NEON_URL);
      await takeRecorded();
    });
  });

  describe("switching modes and determinism", () => {
    it("the two modes share no Kubernetes object name except the namespace", async () => {
      const names = async (mode: string) =>
        new Set(
          kubernetesResources((await deployWith({ deployMode: mode })).resources)
            .filter((r) => r.type !== T.provider && r.type !== T.namespace)
            .map((r) => `${r.type}/${r.inputs.metadata?.name ?? r.inputs.name}`),
        );
      const helm = await names("helm");
      const raw = await names("manifests");
      assert.deepEqual(
        [...helm].filter((name) => raw.has(name)),
        [],
      );
    });

    it("the namespace and the random secrets keep their Pulumi names across modes (no replacement on a switch)", async () => {
      const stable = async (mode: string) =>
        (await deployWith({ deployMode: mode })).resources
          .filter((r) => r.type === T.namespace || r.type === T.password || r.type === T.image)
          .map((r) => `${r.type}::${r.name}`)
          .sort();
      assert.deepEqual(await stable("helm"), await stable("manifests"));
    });

    for (const mode of ["helm", "manifests"]) {
      it(`${mode}: building twice with the same config gives identical resource inputs`, async () => {
        const first = await deployWith({ deployMode: mode, llmApiKey: LLM_KEY });
        const second = await deployWith({ deployMode: mode, llmApiKey: LLM_KEY });
        const strip = (resources: RecordedResource[]) =>
          resources.map(({ type, name, inputs }) => ({ type, name, inputs }));
        assert.deepEqual(strip(second.resources), strip(first.resources));
        assert.ok(first.resources.length > 8);
      });
    }
  });
});
