// The two deploy modes cannot drift: raw mode's objects equal `helm template` of the chart (the real helm
// binary) with the values the program passes, once the differences that are meant to be are normalised away:
// the object names (each Helm-mode name, `<release>-<component>` as the chart's _helpers.tpl makes it, is mapped
// to raw mode's name for the same object from components/naming.ts and the spec's Secret names; only the Helm
// side is rewritten, so a raw object that names a Helm-mode object fails), the instance/managed-by/chart labels,
// the config checksum's value and the namespace (the Release sets it; helm template leaves it out).
// Also: the chart's own defaults (values.yaml, for plain `helm install`) agree with the spec wherever both describe
// the same thing.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { DEFAULTS } from "../../components/config.js";
import { helmValues, RELEASE_NAME } from "../../components/helm-values.js";
import { splitReference } from "../../components/image-reference.js";
import { IMAGE_REPOSITORIES } from "../../components/images.js";
import { appManifests, databaseManifests } from "../../components/manifests.js";
import { namingFor, type Component } from "../../components/naming.js";
import { buildAppSpec, type AppSpec, type SecretNames } from "../../components/spec.js";
import { chartDir, chartYaml, parseManifests, runHelm, type K8sObject } from "../chart/support.js";
import { configFrom, type Settings } from "./support/stack-config.js";

const IMAGES = {
  backend: { repository: "todo-chatbot-backend", tag: "0123456789ab" },
  frontend: { repository: "todo-chatbot-frontend", tag: "ba9876543210" },
};

function spec(settings: Settings, mode: "helm" | "manifests"): AppSpec {
  return buildAppSpec(configFrom({ ...settings, deployMode: mode }), IMAGES, chartYaml.appVersion);
}

function rawObjects(appSpec: AppSpec): K8sObject[] {
  const app = appManifests(appSpec);
  const objects: unknown[] = [
    app.configMap,
    app.backend.deployment,
    app.backend.service,
    app.backend.pdb,
    app.frontend.deployment,
    app.frontend.service,
    app.frontend.pdb,
    ...app.networkPolicies,
  ];
  if (appSpec.database.inCluster) {
    const db = databaseManifests(appSpec);
    objects.push(db.service, db.statefulSet);
  }
  // A JSON round trip drops undefined fields, as the Kubernetes API would.
  return JSON.parse(JSON.stringify(objects.filter(Boolean))) as K8sObject[];
}

function helmObjects(appSpec: AppSpec): K8sObject[] {
  const dir = mkdtempSync(path.join(tmpdir(), "todo-parity-"));
  try {
    const valuesFile = path.join(dir, "values.json");
    writeFileSync(valuesFile, JSON.stringify(helmValues(appSpec)));
    const run = runHelm([
      "template",
      RELEASE_NAME,
      chartDir,
      "--namespace",
      appSpec.namespace,
      "--values",
      valuesFile,
      "--skip-tests",
    ]);
    assert.equal(run.status, 0, `helm template failed:\n${run.stderr}`);
    return parseManifests(run.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MODE_LABELS = ["app.kubernetes.io/instance", "app.kubernetes.io/managed-by", "helm.sh/chart"];
const COMPONENTS: Component[] = ["backend", "frontend", "postgresql", "config"];
const SECRETS: (keyof SecretNames)[] = ["database", "auth", "llm"];

/** Helm-mode name -> raw-mode name of the same object. */
function nameMap(helmSpec: AppSpec, rawSpec: AppSpec): Map<string, string> {
  const raw = namingFor(rawSpec);
  const map = new Map<string, string>();
  // The chart names a component's objects <release>-<component> (_helpers.tpl, todo-chatbot.componentName).
  for (const component of COMPONENTS) map.set(`${RELEASE_NAME}-${component}`, raw.name(component));
  for (const secret of SECRETS) map.set(helmSpec.secrets[secret], rawSpec.secrets[secret]);
  for (const [helm, rawName] of map) assert.notEqual(helm, rawName, "the two modes never share a name");
  return map;
}

/** Rewrites whole Helm-mode names (never parts of other words) to raw mode's, e.g. in http://<name>:8000. */
function renamer(names: Map<string, string>): (text: string) => string {
  const longestFirst = [...names.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`(?<![a-z0-9-])(${longestFirst.join("|")})(?![a-z0-9-])`, "g");
  return (text) => text.replace(pattern, (name) => names.get(name)!);
}

/** Drops what differs between the modes on purpose; renames Helm-mode names when `rename` is given. */
function normalise(value: unknown, rename: (text: string) => string = (text) => text): unknown {
  if (typeof value === "string") return rename(value);
  if (Array.isArray(value)) return value.map((inner) => normalise(inner, rename));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (MODE_LABELS.includes(key) || key === "namespace") continue;
      if (key === "checksum/config") out[key] = "<checksum>";
      // An image reference is no object name (todo-chatbot-backend is both an image and a Helm-mode name).
      else out[key] = normalise(inner, key === "image" ? undefined : rename);
    }
    return out;
  }
  return value;
}

function byKindAndName(objects: K8sObject[], rename?: (text: string) => string): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const object of objects) {
    const normalised = normalise(object, rename) as K8sObject;
    const key = `${normalised.kind}/${normalised.metadata.name}`;
    assert.ok(!map.has(key), `two objects named ${key}`);
    map.set(key, normalised);
  }
  return map;
}

const cases: { title: string; settings: Settings }[] = [
  { title: "defaults (in-cluster PostgreSQL, offline agent)", settings: {} },
  {
    title: "Neon database, LLM key, LoadBalancer, one replica each",
    settings: {
      databaseUrl: "postgresql://app:pw@ep-example.neon.tech/todo?sslmode=require",
      llmApiKey: "sk-test",
      llmModel: "gpt-4.1-mini",
      frontendServiceType: "LoadBalancer",
      backendReplicas: 1,
      frontendReplicas: 1,
    },
  },
  {
    title: "ClusterIP frontend, three backends",
    settings: { frontendServiceType: "ClusterIP", backendReplicas: 3 },
  },
];

describe("parity: raw manifests equal helm template of the chart", () => {
  for (const { title, settings } of cases) {
    describe(title, () => {
      const rawSpec = spec(settings, "manifests");
      const helmSpec = spec(settings, "helm");
      const raw = byKindAndName(rawObjects(rawSpec));
      const helm = byKindAndName(helmObjects(helmSpec), renamer(nameMap(helmSpec, rawSpec)));

      it("has the same set of objects", () => {
        assert.deepEqual([...raw.keys()].sort(), [...helm.keys()].sort());
      });

      for (const key of [...helm.keys()].sort()) {
        it(`${key} is identical`, () => {
          assert.deepEqual(raw.get(key), helm.get(key));
        });
      }
    });
  }

  it("raw mode's config checksum changes exactly when the ConfigMap's data does", () => {
    const checksum = (appSpec: AppSpec) =>
      appManifests(appSpec).backend.deployment.spec.template.metadata?.annotations?.["checksum/config"];
    const base = spec({}, "manifests");
    assert.equal(checksum(base), checksum(spec({}, "manifests")));
    assert.notEqual(checksum(base), checksum(spec({ llmModel: "another-model" }, "manifests")));
    assert.equal(checksum(base), checksum(spec({ frontendReplicas: 5 }, "manifests")));
  });
});

// The chart's values.yaml serves plain `helm install`; where it describes what the spec describes, the two agree.
describe("parity: the chart's default values agree with the app spec", () => {
  const defaults = parseYaml(readFileSync(path.join(chartDir, "values.yaml"), "utf8")) as Record<
    string,
    unknown
  >;
  const appSpec = spec({}, "helm");
  const db = appSpec.database;
  if (!db.inCluster) throw new Error("the default spec has the in-cluster database");

  /** values.yaml path -> the spec's (or the program's defaults') value for the same thing. */
  const same: Record<string, unknown> = {
    "backend.image.repository": IMAGE_REPOSITORIES.backend,
    "frontend.image.repository": IMAGE_REPOSITORIES.frontend,
    ...Object.fromEntries(
      (["backend", "frontend"] as const).flatMap((component) => [
        [`${component}.runAsUser`, appSpec[component].runAsUser],
        [`${component}.resources`, appSpec[component].resources],
        [`${component}.startupProbe`, appSpec[component].startupProbe],
        [`${component}.livenessProbe`, appSpec[component].livenessProbe],
        [`${component}.readinessProbe`, appSpec[component].readinessProbe],
        [
          `${component}.podDisruptionBudget.minAvailable`,
          helmValuesAt(`${component}.podDisruptionBudget.minAvailable`),
        ],
      ]),
    ),
    "backend.logLevel": appSpec.backend.logLevel,
    "backend.chatRateLimitPerMinute": appSpec.backend.chatRateLimitPerMinute,
    "backend.trustedProxies": appSpec.backend.trustedProxies,
    "database.poolMax": appSpec.backend.databasePoolMax,
    "frontend.service.type": DEFAULTS.frontendServiceType,
    "frontend.service.port": appSpec.frontend.servicePort,
    "postgresql.image.repository": splitReference(DEFAULTS.postgresImage).repository,
    "postgresql.image.tag": splitReference(DEFAULTS.postgresImage).tag,
    "postgresql.image.pullPolicy": db.image.pullPolicy,
    "postgresql.runAsUser": db.runAsUser,
    "postgresql.auth.username": db.username,
    "postgresql.auth.database": db.database,
    "postgresql.persistence.size": db.storage,
    "postgresql.resources": db.resources,
    "postgresql.waitForDatabase.resources": db.waitResources,
    "llm.model": DEFAULTS.llmModel,
    "llm.timeoutMs": appSpec.llm.timeoutMs,
  };

  /**
   * Defaults that differ on purpose (plain `helm install` on a laptop vs the stack's choices), or have no
   * counterpart in the spec. Every other leaf of values.yaml must be in `same`, so a new key needs a decision.
   */
  const notCompared: Record<string, string> = {
    nameOverride: "chart only",
    fullnameOverride: "chart only",
    publicUrl: "empty derives the same http://localhost:3000 in the chart",
    extraTrustedOrigins: "chart only",
    imagePullSecrets: "chart only",
    "backend.replicaCount": "one pod for a plain install; the stack defaults to two (backendReplicas)",
    "frontend.replicaCount": "one pod for a plain install; the stack defaults to two (frontendReplicas)",
    "backend.image.tag": "the chart's appVersion; the stack's tag is a content hash",
    "frontend.image.tag": "the chart's appVersion; the stack's tag is a content hash",
    "backend.image.pullPolicy":
      "the stack derives it from buildImages/imageRegistry (Never for local builds)",
    "frontend.image.pullPolicy": "the stack derives it from buildImages/imageRegistry",
    "backend.podDisruptionBudget.enabled": "off with one replica; the stack turns it on with two",
    "frontend.podDisruptionBudget.enabled": "off with one replica; the stack turns it on with two",
    "backend.autoscaling": "chart only",
    "frontend.autoscaling": "chart only",
    "backend.podAnnotations": "chart only",
    "frontend.podAnnotations": "chart only",
    "frontend.service.nodePort": "no fixed node port in either (null / unset)",
    database: "external database settings: the stack passes a Secret name when databaseUrl is set",
    "postgresql.auth.existingSecret": "the stack always passes its Secret's name",
    "postgresql.auth.passwordKey": "the stack passes the key with the Secret's name",
    "postgresql.auth.urlKey": "the stack passes the key with the Secret's name",
    "postgresql.persistence.enabled": "passed by the stack",
    "postgresql.persistence.storageClass": "chart only",
    "postgresql.waitForDatabase.enabled": "passed by the stack",
    auth: "Secret names and plain-Helm conveniences",
    "llm.existingSecret": "Secret name",
    "llm.existingSecretKey": "Secret key",
    "llm.apiKey": "plain-Helm convenience",
    "llm.baseUrl": "empty keeps the backend's own default",
    ingress: "chart only",
    networkPolicy: "off for a plain install (Minikube's default CNI ignores it); the stack turns it on",
    tests: "chart only (helm test)",
    ...Object.fromEntries(
      ["backend", "frontend", "postgresql"].flatMap((component) =>
        ["nodeSelector", "tolerations", "affinity"].map((key) => [`${component}.${key}`, "chart only"]),
      ),
    ),
  };

  function at(object: unknown, dotted: string): unknown {
    return dotted
      .split(".")
      .reduce<unknown>((inner, key) => (inner as Record<string, unknown>)?.[key], object);
  }
  function helmValuesAt(dotted: string): unknown {
    return at(helmValues(appSpec), dotted);
  }

  for (const [key, expected] of Object.entries(same)) {
    it(`${key} is the spec's`, () => {
      assert.notEqual(expected, undefined, `${key}: the spec has no value`);
      assert.deepEqual(at(defaults, key), expected);
    });
  }

  it("every default is compared, or listed with the reason it is not", () => {
    const leaves: string[] = [];
    const walk = (value: unknown, prefix: string): void => {
      if (
        typeof value === "object" &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length > 0
      ) {
        for (const [key, inner] of Object.entries(value)) walk(inner, prefix ? `${prefix}.${key}` : key);
      } else {
        leaves.push(prefix);
      }
    };
    walk(defaults, "");
    const covered = (leaf: string) =>
      [...Object.keys(same), ...Object.keys(notCompared)].some(
        (key) => leaf === key || leaf.startsWith(`${key}.`),
      );
    assert.deepEqual(
      leaves.filter((leaf) => !covered(leaf)),
      [],
    );
  });
});
