// The single-node cluster, checked as a user meets it (`npm run cluster:up`, ci-rig/cluster): a locally built
// image runs with imagePullPolicy Never, cluster DNS and Services work from a pod, a NodePort answers on
// 127.0.0.1, the default StorageClass binds a claim that a pod writes to, the Pulumi CLI and plugins are the npm
// packages' versions, and Pod Security admission enforces `restricted`. Each test works in a namespace of its
// own and deletes it. The only container program is tests/cluster/probe (Go, FROM scratch).
// Run: npx mocha --import=tsx --timeout 600000 tests/cluster/smoke.test.ts
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { up } from "../../ci-rig/cluster/cluster.mjs";
import { buildScratchImage } from "../../ci-rig/cluster/images.mjs";
import { kubeJson, kubectl, repoRoot, run, waitFor } from "./support.js";

const PROBE_IMAGE = "todo-cluster/probe:smoke";
type StorageClass = { metadata: { name: string; annotations?: Record<string, string> } };
const require = createRequire(import.meta.url);

/** Builds tests/cluster/probe (static, no cgo) and the image FROM scratch around it, into this dockerd. */
function buildProbeImage(): void {
  const out = mkdtempSync(path.join(tmpdir(), "todo-probe-"));
  try {
    run(
      "go",
      [
        "build",
        "-C",
        path.join(repoRoot, "tests/cluster/probe"),
        "-trimpath",
        "-ldflags=-s -w",
        "-o",
        path.join(out, "probe"),
        ".",
      ],
      {
        ...process.env,
        CGO_ENABLED: "0",
        GOTOOLCHAIN: "local",
        GOFLAGS: "-mod=mod",
      },
    );
    buildScratchImage({ tag: PROBE_IMAGE, binary: path.join(out, "probe"), name: "probe", user: 65532 });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** A container spec that Pod Security `restricted` admits. */
function probeContainer(name: string, args: string[], extra: Record<string, unknown> = {}) {
  return {
    name,
    image: PROBE_IMAGE,
    imagePullPolicy: "Never",
    args,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    ...extra,
  };
}

function apply(namespace: string, ...objects: object[]): void {
  kubectl(
    ["-n", namespace, "apply", "-f", "-"],
    process.env,
    JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }),
  );
}

/** A namespace of the test's own, with its default ServiceAccount (pods need it) in place. */
async function newNamespace(prefix: string, labels: Record<string, string> = {}): Promise<string> {
  const name = `smoke-${prefix}-${randomBytes(3).toString("hex")}`;
  kubectl(
    ["apply", "-f", "-"],
    process.env,
    JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } }),
  );
  await waitFor(
    `serviceaccount default in ${name}`,
    () =>
      spawnSync("kubectl", ["--context", "minikube", "-n", name, "get", "serviceaccount", "default"])
        .status === 0,
    60_000,
  );
  return name;
}

function deleteNamespace(name: string | undefined): void {
  if (name) kubectl(["delete", "namespace", name, "--wait=true", "--timeout=120s", "--ignore-not-found"]);
}

/** The `web` Deployment (probe serve, readiness on HTTP) and its Service. */
function web(serviceType = "ClusterIP") {
  const labels = { app: "web" };
  return [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            terminationGracePeriodSeconds: 1,
            containers: [
              probeContainer("web", ["serve", ":8080"], {
                ports: [{ containerPort: 8080, name: "http" }],
                readinessProbe: { httpGet: { path: "/", port: 8080 }, periodSeconds: 2 },
              }),
            ],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: { type: serviceType, selector: labels, ports: [{ port: 80, targetPort: 8080, name: "http" }] },
    },
  ];
}

/**
 * Runs the probe steps in order in one pod (every step but the last as an init container) and waits for the
 * pod to finish. Returns its phase and every step's log.
 */
async function runProbePod(namespace: string, name: string, steps: string[][], volume?: { claim: string }) {
  const mounts = volume ? { volumeMounts: [{ name: "data", mountPath: "/data" }] } : {};
  const containers = steps.map((args, i) => probeContainer(`step${i}`, args, mounts));
  apply(namespace, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: {
      restartPolicy: "Never",
      terminationGracePeriodSeconds: 1,
      initContainers: containers.slice(0, -1),
      containers: containers.slice(-1),
      ...(volume ? { volumes: [{ name: "data", persistentVolumeClaim: { claimName: volume.claim } }] } : {}),
    },
  });
  const phase = await waitFor(`pod ${name} to finish`, () => {
    const current = kubeJson(["-n", namespace, "get", "pod", name]).status.phase as string;
    return current === "Succeeded" || current === "Failed" ? current : undefined;
  });
  const logs = steps
    .map((_, i) =>
      spawnSync("kubectl", ["--context", "minikube", "-n", namespace, "logs", name, "-c", `step${i}`], {
        encoding: "utf8",
      }),
    )
    .map((result) => result.stdout + result.stderr)
    .join("");
  return { phase, logs };
}

describe("the single-node cluster (npm run cluster:up)", function () {
  this.timeout(10 * 60_000);
  let namespace: string | undefined;

  before(async function () {
    this.timeout(60 * 60_000); // a cold `up` builds the toolchain
    try {
      const result = await up({ log: (line: string) => console.log(`    [cluster] ${line}`) });
      Object.assign(process.env, result.env); // as `eval "$(npm run -s cluster:env)"` does
    } catch (error) {
      throw new Error(
        `npm run cluster:up failed, so nothing here can be checked:\n${(error as Error).message}`,
        { cause: error },
      );
    }
    buildProbeImage();
  });
  afterEach(() => {
    deleteNamespace(namespace);
    namespace = undefined;
  });

  it("runs a Deployment of an image built into the local dockerd (imagePullPolicy: Never) to Ready", async () => {
    namespace = await newNamespace("deploy");
    apply(namespace, ...web());
    kubectl(["-n", namespace, "rollout", "status", "deployment/web", "--timeout=180s"]);
    const deployment = kubeJson(["-n", namespace, "get", "deployment", "web"]);
    assert.equal(deployment.status.readyReplicas, 1);
    const pod = kubeJson(["-n", namespace, "get", "pods", "-l", "app=web"]).items[0];
    const localId = run("docker", ["image", "inspect", "--format", "{{.Id}}", PROBE_IMAGE]).trim();
    assert.ok(
      pod.status.containerStatuses[0].imageID.endsWith(localId),
      `the pod runs ${pod.status.containerStatuses[0].imageID}, the local image is ${localId}`,
    );
    assert.equal(pod.spec.nodeName, "minikube");
  });

  it("resolves kubernetes.default and another Service by name from a pod, reaches both, and resolves no outside name", async () => {
    namespace = await newNamespace("dns");
    apply(namespace, ...web());
    kubectl(["-n", namespace, "rollout", "status", "deployment/web", "--timeout=180s"]);
    const { phase, logs } = await runProbePod(namespace, "dns", [
      ["lookup", "kubernetes.default", "web", `web.${namespace}.svc.cluster.local`],
      ["connect", "kubernetes.default:443"],
      ["get", "http://web/"],
      // CoreDNS serves cluster.local only and forwards nowhere (ci-rig/cluster/addons.mjs).
      ["nolookup", "todo-chatbot-smoke.invalid"],
    ]);
    assert.equal(phase, "Succeeded", logs);
    const kubernetesIp = kubeJson(["-n", "default", "get", "service", "kubernetes"]).spec.clusterIP;
    const webIp = kubeJson(["-n", namespace, "get", "service", "web"]).spec.clusterIP;
    assert.match(logs, new RegExp(`lookup kubernetes.default ${kubernetesIp.replaceAll(".", "\\.")}\\n`));
    assert.match(logs, new RegExp(`lookup web ${webIp.replaceAll(".", "\\.")}\\n`));
    assert.match(logs, /get http:\/\/web\/ 200 probe ok web-/);
  });

  it("answers a NodePort on 127.0.0.1", async () => {
    namespace = await newNamespace("nodeport");
    apply(namespace, ...web("NodePort"));
    kubectl(["-n", namespace, "rollout", "status", "deployment/web", "--timeout=180s"]);
    const nodePort = kubeJson(["-n", namespace, "get", "service", "web"]).spec.ports[0].nodePort as number;
    assert.ok(nodePort >= 30000 && nodePort <= 32767, `nodePort ${nodePort}`);
    const body = await waitFor(
      `http://127.0.0.1:${nodePort}/`,
      async () => {
        const response = await fetch(`http://127.0.0.1:${nodePort}/`, { signal: AbortSignal.timeout(5000) });
        return response.status === 200 ? await response.text() : undefined;
      },
      60_000,
    );
    assert.match(body, /^probe ok web-/);
  });

  it("binds a claim of the default StorageClass `standard` and a non-root pod writes to it", async () => {
    const defaults = kubeJson(["get", "storageclass"]).items.filter(
      (sc: StorageClass) =>
        sc.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true",
    );
    assert.deepEqual(
      defaults.map((sc: StorageClass) => sc.metadata.name),
      ["standard"],
    );
    namespace = await newNamespace("pvc");
    apply(namespace, {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data" },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "64Mi" } } },
    });
    const claim = await waitFor(
      "claim data to be Bound",
      () => {
        const current = kubeJson(["-n", namespace!, "get", "pvc", "data"]);
        return current.status.phase === "Bound" ? current : undefined;
      },
      120_000,
    );
    assert.equal(claim.spec.storageClassName, "standard");
    const text = `written by the smoke test ${randomBytes(4).toString("hex")}`;
    const { phase, logs } = await runProbePod(namespace, "writer", [["write", "/data/hello.txt", text]], {
      claim: "data",
    });
    assert.equal(phase, "Succeeded", logs);
    const volume = kubeJson(["get", "pv", claim.spec.volumeName]);
    const onHost = path.join(volume.spec.hostPath.path, "hello.txt");
    assert.ok(existsSync(onHost), `${onHost} is missing on the node`);
    assert.equal(readFileSync(onHost, "utf8"), text);
  });

  it("has the Pulumi CLI and every resource plugin the npm packages ask for, at their versions", () => {
    const env = { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" };
    const cli = require(path.join(repoRoot, "node_modules/@pulumi/pulumi/package.json")).version;
    assert.equal(run("pulumi", ["version"], env).trim(), `v${cli}`);
    const installed = run("pulumi", ["plugin", "ls"], env);
    const dependencies = Object.keys(require(path.join(repoRoot, "package.json")).dependencies);
    const plugins = dependencies
      .map((name) => require(path.join(repoRoot, `node_modules/${name}/package.json`)).pulumi)
      .filter((pulumi) => pulumi?.resource);
    assert.ok(plugins.length > 0, "no resource plugin found among the dependencies");
    for (const { name, version } of plugins) {
      assert.match(
        installed,
        new RegExp(`^${name}\\s+resource\\s+${version.replaceAll(".", "\\.")}\\s`, "m"),
        installed,
      );
    }
  });

  it("rejects a root pod in a namespace labelled pod-security enforce=restricted, with the PSA message", async () => {
    namespace = await newNamespace("psa", { "pod-security.kubernetes.io/enforce": "restricted" });
    const pod = (name: string, securityContext: object) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace },
      spec: { containers: [{ ...probeContainer("main", ["serve", ":8080"]), securityContext }] },
    });
    const root = spawnSync("kubectl", ["--context", "minikube", "create", "-f", "-"], {
      input: JSON.stringify(pod("root", { runAsUser: 0 })),
      encoding: "utf8",
    });
    assert.notEqual(root.status, 0, "the root pod was admitted");
    assert.match(root.stderr, /violates PodSecurity "restricted:latest"/);
    assert.match(root.stderr, /runAsUser=0/);
    // The same pod made compliant is admitted: the namespace rejects what `restricted` forbids, not everything.
    const compliant = probeContainer("main", []).securityContext;
    kubectl(
      ["create", "--dry-run=server", "-f", "-"],
      process.env,
      JSON.stringify(pod("compliant", compliant)),
    );
  });
});
