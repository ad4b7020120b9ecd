// The two deploy modes cannot drift: raw mode's objects equal `helm template` of the chart (the real helm
// binary) with the values the program passes, once the differences that are meant to be are normalised away:
// the object names (each Helm-mode name, `<release>-<component>` as the chart's _helpers.tpl makes it, is mapped
// to raw mode's name for the same object from components/naming.ts and the spec's Secret names; only the Helm
// side is rewritten, so a raw object that names a Helm-mode object fails), the instance/managed-by/chart labels,
// the config checksum's value and the namespace (the Release sets it; helm template leaves it out).
// The chart's own defaults need no comparison with the spec: the spec reads them (components/chart-defaults.ts).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { helmValues, RELEASE_NAME } from "../../components/helm-values.js";
import { appManifests, databaseManifests } from "../../components/manifests.js";
import { DATABASE_NAME, namingFor, type Component } from "../../components/naming.js";
import { buildAppSpec, type AppSpec, type SecretNames } from "../../components/spec.js";
import { chartDir, chartYaml, parseManifests, runHelm, type K8sObject } from "../support/chart.js";
import { configFrom, type Settings } from "../support/stack-config.js";

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
  // A JSON round trip drops undefined fields, as the Kubernetes API would.
  return JSON.parse(JSON.stringify(objects.filter(Boolean))) as K8sObject[];
}

function helmObjects(appSpec: AppSpec, values = helmValues(appSpec)): K8sObject[] {
  const dir = mkdtempSync(path.join(tmpdir(), "todo-parity-"));
  try {
    const valuesFile = path.join(dir, "values.json");
    writeFileSync(valuesFile, JSON.stringify(values));
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

  // The program's PostgreSQL (one for both modes) is the chart's own postgresql.yaml under another name: the
  // chart rendered with its PostgreSQL on, reading the password from the program's Secret.
  describe("the in-cluster PostgreSQL equals the chart's own", () => {
    const rawSpec = spec({}, "manifests");
    const db = rawSpec.database;
    assert.ok(db.inCluster);
    const ours = databaseManifests(rawSpec);
    const chartValues = {
      ...helmValues(spec({}, "helm")),
      database: { external: false },
      postgresql: {
        image: db.image,
        auth: { existingSecret: DATABASE_NAME, passwordKey: "password", urlKey: "DATABASE_URL" },
      },
    };
    const chartNames = new Map([[`${RELEASE_NAME}-postgresql`, DATABASE_NAME]]);
    const chart = byKindAndName(
      helmObjects(spec({}, "helm"), chartValues).filter((o) => ["Service", "StatefulSet"].includes(o.kind)),
      renamer(chartNames),
    );
    const raw = byKindAndName(JSON.parse(JSON.stringify([ours.service, ours.statefulSet])) as K8sObject[]);
    for (const key of [...raw.keys()].sort()) {
      it(`${key} is the chart's`, () => {
        assert.deepEqual(raw.get(key), chart.get(key));
      });
    }
  });

  it("raw mode's config checksum changes exactly when the ConfigMap's data does", () => {
    const checksum = (appSpec: AppSpec) =>
      appManifests(appSpec).backend.deployment.spec.template.metadata?.annotations?.["checksum/config"];
    const base = spec({}, "manifests");
    assert.equal(checksum(base), checksum(spec({}, "manifests")));
    assert.notEqual(checksum(base), checksum(spec({ llmModel: "another-model" }, "manifests")));
    assert.equal(checksum(base), checksum(spec({ frontendReplicas: 5 }, "manifests")));
  });
});
