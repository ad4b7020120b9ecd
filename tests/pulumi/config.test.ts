// components/config.ts: the defaults (Pulumi.yaml's, read by the program), each key's effect, and each mistake's message
// (names the key, shows the value unless it is secret, says the fix).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { parseConfig, readConfig, SECRET_KEYS } from "../../components/config.js";
import { repoRoot } from "../support/chart.js";
import { installMocks, isSecret, setConfig, valueOf } from "../support/pulumi-mocks.js";
import { configErrorFor, configFrom } from "../support/stack-config.js";

interface ProjectConfigKey {
  type: string;
  default: unknown;
  description: string;
}
const project = parseYaml(readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")) as {
  name: string;
  config: Record<string, ProjectConfigKey>;
};

describe("stack configuration (components/config.ts)", () => {
  before(installMocks);

  describe("Pulumi.yaml's schema", () => {
    it("declares exactly the keys the program reads, each typed, described and defaulted", () => {
      const read = new Set<string>();
      parseConfig({ get: (key) => (read.add(key), undefined), isSecret: () => true });
      assert.deepEqual(Object.keys(project.config).sort(), [...read].sort());
      for (const key of ["nodeImage", "postgresImage", "imageRegistry"]) assert.ok(read.has(key), key);
      for (const [key, declaration] of Object.entries(project.config)) {
        assert.ok(["string", "integer", "boolean"].includes(declaration.type), `${key} has a type`);
        assert.ok(declaration.description.length > 20, `${key} has a description`);
        assert.notEqual(
          declaration.default,
          undefined,
          `${key} has a default (else Pulumi requires a value)`,
        );
      }
    });

    it("the dev stack's file holds valid settings and no secret", () => {
      const dev = parseYaml(readFileSync(path.join(repoRoot, "Pulumi.dev.yaml"), "utf8")) as {
        config: Record<string, unknown>;
      };
      const settings = Object.fromEntries(
        Object.entries(dev.config).map(([key, value]) => [
          key.replace(`${project.name}:`, ""),
          String(value),
        ]),
      );
      for (const key of SECRET_KEYS) assert.equal(settings[key], undefined, key);
      assert.equal(configErrorFor(settings), "");
    });
  });

  describe("defaults", () => {
    it("an unset key takes Pulumi.yaml's default, as the CLI would pass it to a real stack", () => {
      const config = configFrom({}) as unknown as Record<string, unknown>;
      for (const [key, declaration] of Object.entries(project.config)) {
        if (declaration.default === "") continue;
        assert.equal(config[key], declaration.default, key);
      }
    });

    it("derives the rest: no secrets, built images never pulled", () => {
      const config = configFrom({});
      assert.equal(config.imagePullPolicy, "Never");
      assert.equal(config.databaseUrl, undefined);
      assert.equal(config.llmApiKey, undefined);
    });

    it("treats an empty string (Pulumi.yaml's default) as unset", () => {
      const config = configFrom({ databaseUrl: "", llmApiKey: "", imageRegistry: "", imagePullPolicy: "" });
      assert.equal(config.databaseUrl, undefined);
      assert.equal(config.llmApiKey, undefined);
      assert.equal(config.imageRegistry, undefined);
      assert.equal(config.imagePullPolicy, "Never");
    });
  });

  describe("effects", () => {
    it("keeps secrets as secret Outputs", async () => {
      const config = configFrom({ databaseUrl: "postgresql://u:p@h/db", llmApiKey: "sk-1" });
      assert.equal(await isSecret(config.databaseUrl!), true);
      assert.equal(await valueOf(config.databaseUrl!), "postgresql://u:p@h/db");
      assert.equal(await isSecret(config.llmApiKey!), true);
    });

    it("pull policy: IfNotPresent with a registry or prebuilt images, an explicit value wins", () => {
      assert.equal(configFrom({ imageRegistry: "registry.example.com" }).imagePullPolicy, "IfNotPresent");
      assert.equal(
        configFrom({ buildImages: false, backendImage: "a:1", frontendImage: "b:1" }).imagePullPolicy,
        "IfNotPresent",
      );
      assert.equal(configFrom({ imagePullPolicy: "Always" }).imagePullPolicy, "Always");
    });

    it('imageRegistry: a host with a "." or a port, or localhost, with an optional path', () => {
      for (const registry of [
        "hub.example.com/myuser",
        "localhost:5000/x",
        "registry.example.org/org",
        "localhost",
        "registry:5000",
      ]) {
        assert.equal(configErrorFor({ imageRegistry: registry }), "", registry);
        assert.equal(configFrom({ imageRegistry: registry }).imageRegistry, registry);
      }
    });

    it("nodeImage and postgresImage: any tagged reference, a mirror's too", () => {
      const config = configFrom({
        nodeImage: "mirror.example.com:5000/library/node:24.11-slim",
        postgresImage: "registry.internal/postgres:17.6-alpine",
      });
      assert.equal(config.nodeImage, "mirror.example.com:5000/library/node:24.11-slim");
      assert.equal(config.postgresImage, "registry.internal/postgres:17.6-alpine");
    });

    it("reads every other key", () => {
      const config = configFrom({
        deployMode: "manifests",
        namespace: "todo-dev",
        kubeContext: "kind-todo",
        publicUrl: "https://todo.example.com/",
        llmBaseUrl: "http://llm.local:8080/v1",
        llmModel: "llama3",
        backendReplicas: 4,
        frontendReplicas: 1,
        frontendServiceType: "LoadBalancer",
        enableKagent: true,
        kagentApiKey: "sk-kagent",
        kagentChartRepository: "oci://charts.example.com/kagent-dev/kagent/helm/",
      });
      assert.deepEqual(
        [
          config.deployMode,
          config.namespace,
          config.kubeContext,
          config.publicUrl,
          config.llmBaseUrl,
          config.llmModel,
          config.backendReplicas,
          config.frontendReplicas,
          config.frontendServiceType,
          config.enableKagent,
          config.kagentChartRepository,
        ],
        [
          "manifests",
          "todo-dev",
          "kind-todo",
          "https://todo.example.com", // the trailing "/" dropped: an origin
          "http://llm.local:8080/v1",
          "llama3",
          4,
          1,
          "LoadBalancer",
          true,
          "oci://charts.example.com/kagent-dev/kagent/helm", // the trailing "/" dropped
        ],
      );
    });
  });

  describe("mistakes", () => {
    const cases: { title: string; settings: Record<string, string | number | boolean>; expect: RegExp[] }[] =
      [
        {
          title: "an unknown deploy mode",
          settings: { deployMode: "kubectl" },
          expect: [
            /deployMode: "kubectl" is not one of helm, manifests/,
            /pulumi config set deployMode helm/,
          ],
        },
        {
          title: "zero replicas",
          settings: { backendReplicas: 0 },
          expect: [
            /backendReplicas: "0" is not a whole number from 1 to 20/,
            /pulumi config set backendReplicas 2/,
          ],
        },
        {
          title: "fractional replicas",
          settings: { frontendReplicas: 1.5 },
          expect: [/frontendReplicas: "1.5"/],
        },
        {
          title: "a service type Kubernetes does not have",
          settings: { frontendServiceType: "Ingress" },
          expect: [/frontendServiceType: "Ingress" is not one of NodePort, LoadBalancer, ClusterIP/],
        },
        {
          title: "a namespace that is not a DNS label",
          settings: { namespace: "Todo_App" },
          expect: [
            /namespace: "Todo_App" is not a valid Kubernetes namespace/,
            /pulumi config set namespace todo/,
          ],
        },
        {
          title: "a database URL of another database",
          settings: { databaseUrl: "mysql://root:hunter2@db/todo" },
          expect: [
            /databaseUrl: the URL's scheme is "mysql:" but must be postgresql: or postgres:/,
            /--secret databaseUrl/,
          ],
        },
        {
          title: "a database URL that is not a URL",
          settings: { databaseUrl: "hunter2-not-a-url" },
          expect: [/databaseUrl: the value is not a URL/, /pulumi config rm databaseUrl/],
        },
        {
          title: "a non-boolean flag",
          settings: { buildImages: "yes" },
          expect: [/buildImages: "yes" is not a boolean/],
        },
        {
          title: "an LLM base URL without a scheme",
          settings: { llmBaseUrl: "api.example.com/v1" },
          expect: [/llmBaseUrl: "api.example.com\/v1" is not an http\(s\) URL/],
        },
        {
          title: "a public URL with a path",
          settings: { publicUrl: "https://example.com/todo" },
          expect: [
            /publicUrl: "https:\/\/example.com\/todo" is not an http\(s\) origin/,
            /pulumi config set publicUrl/,
          ],
        },
        {
          title: "a public URL without a scheme",
          settings: { publicUrl: "todo.local" },
          expect: [/publicUrl: "todo.local" is not an http\(s\) origin/],
        },
        {
          title: "a registry with a scheme",
          settings: { imageRegistry: "https://registry.example.com" },
          expect: [/imageRegistry: "https:\/\/registry.example.com" is not a registry host/],
        },
        {
          title: "a PostgreSQL image without a tag",
          settings: { postgresImage: "mirror.example.com/postgres" },
          expect: [
            /postgresImage: "mirror.example.com\/postgres" has no tag/,
            /pulumi config set postgresImage <repository>:<tag>/,
          ],
        },
        {
          title: "a PostgreSQL image with the latest tag",
          settings: { postgresImage: "postgres:latest" },
          expect: [
            /postgresImage: "postgres:latest" uses the moving tag "latest"/,
            /config set postgresImage/,
          ],
        },
        {
          title: "a Node base image without a tag",
          settings: { nodeImage: "node" },
          expect: [/nodeImage: "node" has no tag/, /pulumi config set nodeImage <repository>:<tag>/],
        },
        {
          title: "a Docker Hub user as the registry",
          settings: { imageRegistry: "myuser" },
          expect: [
            /imageRegistry: "myuser" does not start with a registry host/,
            /config set imageRegistry <registry-host>\/myuser/,
          ],
        },
        {
          title: "prebuilt images without references",
          settings: { buildImages: false, backendImage: "todo-backend" },
          expect: [/backendImage: "todo-backend" has no tag/, /frontendImage: not set/, /buildImages true/],
        },
        {
          title: "a prebuilt image with the latest tag",
          settings: { buildImages: false, backendImage: "todo-backend:latest", frontendImage: "f:1" },
          expect: [/backendImage: "todo-backend:latest" uses the moving tag "latest"/],
        },
        {
          title: "pull policy Never with a registry",
          settings: { imageRegistry: "registry.example.com", imagePullPolicy: "Never" },
          expect: [
            /imagePullPolicy: "Never" with imageRegistry/,
            /pulumi config set imagePullPolicy IfNotPresent/,
          ],
        },
        {
          title: "kagent without its key and chart repository",
          settings: { enableKagent: true },
          expect: [
            /enableKagent is true but kagentApiKey is not set/,
            /pulumi config set --secret kagentApiKey/,
            /enableKagent is true but kagentChartRepository is not set/,
            /pulumi config set kagentChartRepository oci:\/\/<registry-host>\/<path>/,
          ],
        },
        {
          title: "a kagent chart repository that is not an OCI path",
          settings: { kagentChartRepository: "https://charts.example.com/kagent" },
          expect: [
            /kagentChartRepository: "https:\/\/charts.example.com\/kagent" is not an OCI chart repository/,
          ],
        },
      ];

    for (const { title, settings, expect } of cases) {
      it(`rejects ${title}`, () => {
        const message = configErrorFor(settings);
        assert.notEqual(message, "", "no error was raised");
        for (const pattern of expect) assert.match(message, pattern);
      });
    }

    it("never prints a secret value", () => {
      const message = configErrorFor({ databaseUrl: "mysql://root:hunter2@db/todo" });
      assert.doesNotMatch(message, /hunter2/);
      assert.doesNotMatch(configErrorFor({ databaseUrl: "hunter2-not-a-url" }), /hunter2/);
    });

    it("rejects a secret stored in plain text, saying how to encrypt it", () => {
      const message = configErrorFor({ llmApiKey: "sk-plain" }, ["llmApiKey"]);
      assert.match(message, /llmApiKey is stored in plain text in the stack file/);
      assert.match(message, /pulumi config set --secret llmApiKey/);
      assert.doesNotMatch(message, /sk-plain/);
    });

    it("reads Pulumi's own stack config, knowing which keys the stack stores encrypted", () => {
      try {
        setConfig({ deployMode: "manifests", databaseUrl: "postgresql://u:p@h/db" }, ["databaseUrl"]);
        assert.equal(readConfig().deployMode, "manifests");
        setConfig({ databaseUrl: "postgresql://u:p@h/db" }, []);
        assert.throws(() => readConfig(), /databaseUrl is stored in plain text/);
      } finally {
        setConfig({});
      }
    });

    it("reports every problem at once", () => {
      const message = configErrorFor({ deployMode: "kubectl", backendReplicas: 0, namespace: "A" });
      assert.match(message, /3 problems/);
    });
  });
});
