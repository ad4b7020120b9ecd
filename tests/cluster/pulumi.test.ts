// The product, proven: the real Pulumi engine runs this project against the real single-node cluster, the way
// the README tells a user to (a local stack, zero config but the two stand-in image keys), then does what users
// do next: preview for drift, change code, change the chart, check secrets, switch modes, scale, make a mistake,
// run the policy pack, destroy. Steps run in order and share the stack; each asserts what a user would see.
// Needs `npm run cluster:up` (scripts/test.mjs starts it) and the toolchain's pulumi. docs/cluster.md lists what
// each step proves and the timings this suite prints.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as localStack from "../../scripts/pulumi-stack.mjs";
import { ensureStandInImages, NODE_IMAGE, POSTGRES_IMAGE } from "../../ci-rig/stand-in-images.mjs";
import { DATABASE_NAME } from "../../components/naming.js";
import { signUpAndChatInBrowser } from "./browser-flow.js";
import { AppClient, helm, type Kube, kubeJson, kubectl, kubectlAsync, waitFor } from "./support.js";

const { copyProject, initStack, pulumi, pulumiEnv, stackOutputs } = localStack;
const NAMESPACE = "todo"; // the default of Pulumi.yaml: zero config
const DATABASE_POD = `${DATABASE_NAME}-0`; // the StatefulSet's one pod
const PASSWORD = "correct-horse-battery";
const timings: { step: string; seconds: number }[] = [];

describe("pulumi up on the cluster, as a user runs it", function () {
  this.timeout(20 * 60_000);

  const work = mkdtempSync(path.join(tmpdir(), "todo-cluster-suite-"));
  const project = path.join(work, "project");
  const env = pulumiEnv({ stateDir: path.join(work, "state"), passphrase: randomBytes(12).toString("hex") });
  const up = () => pulumi(["up", "--yes", "--skip-preview"], { cwd: project, env });
  const preview = (...args: string[]) =>
    pulumi(["preview", ...args], { cwd: project, env, allowFailure: true });
  const config = (key: string, value: string, secret = false) =>
    pulumi(["config", "set", ...(secret ? ["--secret"] : []), key, value], { cwd: project, env });
  let appUrl = "";
  let firstUser: { email: string } = { email: "" };
  let started = 0;

  before(() => {
    const existing = JSON.parse(kubectl(["get", "namespaces", "-o", "json"])).items.map(
      (ns: { metadata: { name: string } }) => ns.metadata.name,
    );
    assert.ok(
      !existing.includes(NAMESPACE),
      `namespace "${NAMESPACE}" already exists (a stack from \`npm run cluster:deploy\`?). ` +
        "Remove it first: npm run cluster:deploy -- --destroy",
    );
    ensureStandInImages();
    copyProject(project);
    initStack({ cwd: project, env, config: { nodeImage: NODE_IMAGE, postgresImage: POSTGRES_IMAGE } });
  });
  beforeEach(() => {
    started = performance.now();
  });
  afterEach(function () {
    timings.push({ step: this.currentTest?.title ?? "?", seconds: (performance.now() - started) / 1000 });
  });
  after(() => {
    // Leave nothing behind even when a step failed: destroy (idempotent), then the temp folder.
    pulumi(["destroy", "--yes", "--skip-preview"], { cwd: project, env, allowFailure: true });
    rmSync(work, { recursive: true, force: true });
    const table = [
      "| step | seconds |",
      "| --- | ---: |",
      ...timings.map((t) => `| ${t.step} | ${t.seconds.toFixed(0)} |`),
      `| total | ${timings.reduce((sum, t) => sum + t.seconds, 0).toFixed(0)} |`,
    ].join("\n");
    console.log(`\ncluster suite timings:\n${table}\n`);
    if (process.env.CLUSTER_TIMINGS_FILE) appendFileSync(process.env.CLUSTER_TIMINGS_FILE, `${table}\n`);
  });

  it("1. zero-config pulumi up deploys the app: outputs, NodePort, sign-up and chat in Chromium, data in PostgreSQL, helm test, restricted pods", async () => {
    // A fresh stack's preview lists what up will create: both images and both generated values are resources.
    const plan = JSON.parse(preview("--json").stdout) as { steps: { op: string; urn: string }[] };
    const creates = plan.steps.filter((step) => step.op === "create").map((step) => step.urn);
    for (const [type, name] of [
      ["docker:index/image:Image", "backend"],
      ["docker:index/image:Image", "frontend"],
      ["random:index/randomPassword:RandomPassword", "auth-secret"],
      ["random:index/randomPassword:RandomPassword", "database-password"],
    ]) {
      assert.ok(
        creates.some((urn) => urn.endsWith(`${type}::${name}`)),
        `preview creates ${type} ${name}:\n${creates.join("\n")}`,
      );
    }
    up();
    const outputs = stackOutputs({ cwd: project, env });
    assert.equal(outputs.namespace, NAMESPACE);
    assert.equal(outputs.deployMode, "helm");
    assert.equal(outputs.database, "in-cluster PostgreSQL");
    assert.equal(outputs.agent, "built-in offline agent");
    assert.equal(outputs.frontendService, "todo-chatbot-frontend");
    assert.equal(outputs.openCommand, `minikube service todo-chatbot-frontend -n ${NAMESPACE} --url`);
    assert.ok(Number.isInteger(outputs.frontendNodePort), `frontendNodePort: ${outputs.frontendNodePort}`);
    // What `minikube service --url` prints, on this node: the NodePort on 127.0.0.1.
    appUrl = `http://127.0.0.1:${outputs.frontendNodePort}`;
    const health = await fetch(`${appUrl}/healthz`);
    assert.equal(health.status, 200);

    firstUser = { email: `first-${Date.now()}@example.com` };
    const titles = await signUpAndChatInBrowser(
      appUrl,
      firstUser.email,
      PASSWORD,
      "Add a task to buy groceries",
    );
    assert.ok(
      titles.some((title) => /buy groceries/i.test(title)),
      `the list shows: ${JSON.stringify(titles)}`,
    );

    const stored = kubectl([
      ...["-n", NAMESPACE, "exec", DATABASE_POD, "--"],
      ...["psql", "-h", "/var/run/postgresql", "-U", "todo", "-d", "todo", "-tAc", "select title from tasks"],
    ]);
    assert.match(stored, /buy groceries/i, "the task is in the in-cluster PostgreSQL");

    const test = helm(["test", "-n", NAMESPACE, "todo-chatbot"], env);
    assert.match(test, /Phase:\s+Succeeded/);
    assert.doesNotMatch(test, /Phase:\s+Failed/);

    const ns = kubeJson(["get", "namespace", NAMESPACE]);
    assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    const pods = kubeJson(["-n", NAMESPACE, "get", "pods"]).items.filter(
      (pod: Kube) => pod.status.phase === "Running",
    );
    assert.ok(pods.length >= 5, `running pods: ${pods.length}`);
    // Admission let every pod in, so each met the restricted standard; this is what it checked.
    for (const pod of pods) {
      assert.equal(pod.spec.securityContext.runAsNonRoot, true, pod.metadata.name);
      for (const container of pod.spec.containers) {
        assert.equal(container.securityContext.allowPrivilegeEscalation, false, pod.metadata.name);
        assert.deepEqual(container.securityContext.capabilities.drop, ["ALL"], pod.metadata.name);
      }
    }
  });

  it("2. pulumi preview --expect-no-changes right after finds no drift", () => {
    const result = preview("--expect-no-changes", "--diff");
    assert.equal(result.status, 0, `preview found changes:\n${result.stdout}\n${result.stderr}`);
  });

  it("3. a backend code change rebuilds only the backend image and rolls only the backend", () => {
    const frontendBefore = kubeJson(["-n", NAMESPACE, "get", "deployment", "todo-chatbot-frontend"]);
    const backendBefore = kubeJson(["-n", NAMESPACE, "get", "deployment", "todo-chatbot-backend"]);
    const outputsBefore = stackOutputs({ cwd: project, env });
    const source = path.join(project, "app/backend/src/server.ts");
    writeFileSync(source, `${readFileSync(source, "utf8")}\n// a one-line change by the cluster suite\n`);

    // The plan: the backend's docker.Image (a new content tag) and the Helm release (its backend image value);
    // nothing about the frontend changes.
    const plan = JSON.parse(preview("--json").stdout) as { steps: { op: string; urn: string }[] };
    const changed = plan.steps
      .filter((step) => step.op !== "same" && step.op !== "read")
      // A URN's type is its parents' types and its own, joined by "$": keep its own.
      .map((step) => {
        const [type, name] = step.urn.split("::").slice(-2);
        return `${step.op} ${type!.split("$").pop()}::${name}`;
      })
      .sort();
    assert.deepEqual(
      changed,
      ["update docker:index/image:Image::backend", "update kubernetes:helm.sh/v3:Release::todo-chatbot"],
      "only the backend image and the Helm release change",
    );

    up();
    const outputs = stackOutputs({ cwd: project, env });
    assert.notEqual(outputs.backendImage, outputsBefore.backendImage);
    assert.equal(outputs.frontendImage, outputsBefore.frontendImage);
    const backend = kubeJson(["-n", NAMESPACE, "get", "deployment", "todo-chatbot-backend"]);
    const frontend = kubeJson(["-n", NAMESPACE, "get", "deployment", "todo-chatbot-frontend"]);
    assert.equal(backend.spec.template.spec.containers[0].image, outputs.backendImage);
    assert.ok(backend.metadata.generation > backendBefore.metadata.generation, "the backend rolled");
    assert.equal(
      frontend.metadata.generation,
      frontendBefore.metadata.generation,
      "the frontend did not roll",
    );
  });

  it("4. npm run dev:cluster rolls a backend change without the engine, and the next pulumi up rolls nothing", () => {
    const deployment = (name: string) => kubeJson(["-n", NAMESPACE, "get", "deployment", name]);
    const frontendBefore = deployment("todo-chatbot-frontend");
    const imageBefore = stackOutputs({ cwd: project, env }).backendImage;
    const source = path.join(project, "app/backend/src/server.ts");
    writeFileSync(source, `${readFileSync(source, "utf8")}// a change rolled by dev:cluster\n`);

    const dev = spawnSync(process.execPath, ["--import", "tsx", "scripts/dev-cluster.ts", "--once"], {
      cwd: project,
      env,
      encoding: "utf8",
    });
    assert.equal(dev.status, 0, `dev:cluster failed:\n${dev.stdout}\n${dev.stderr}`);
    const rolled = deployment("todo-chatbot-backend");
    const devImage = rolled.spec.template.spec.containers[0].image;
    assert.notEqual(devImage, imageBefore, "the backend runs a new image");
    assert.equal(rolled.status.updatedReplicas, rolled.spec.replicas, "the rollout finished");
    assert.equal(deployment("todo-chatbot-frontend").metadata.generation, frontendBefore.metadata.generation);
    const podsAfterDev = podNames("app.kubernetes.io/component=backend");

    // The state catches up: pulumi up chooses the very tag dev:cluster built and rolls no pod.
    up();
    assert.equal(stackOutputs({ cwd: project, env }).backendImage, devImage);
    assert.equal(deployment("todo-chatbot-backend").metadata.generation, rolled.metadata.generation);
    assert.deepEqual(podNames("app.kubernetes.io/component=backend"), podsAfterDev);
  });

  it("5. a chart template edit without a version bump is deployed", () => {
    const template = path.join(project, "helm/todo-chatbot/templates/_app.tpl");
    const text = readFileSync(template, "utf8");
    const marker = "checksum/config: {{ include";
    assert.ok(text.includes(marker), "the backend annotations template moved; update this test");
    writeFileSync(template, text.replace(marker, `todo-chatbot.test/edited: "yes"\n${marker}`));
    up();
    const backend = kubeJson(["-n", NAMESPACE, "get", "deployment", "todo-chatbot-backend"]);
    assert.equal(backend.spec.template.metadata.annotations["todo-chatbot.test/edited"], "yes");
  });

  it("6. secrets stay secret in the state and the release; an external databaseUrl is used", async () => {
    const secret = (name: string, key: string) =>
      Buffer.from(kubeJson(["-n", NAMESPACE, "get", "secret", name]).data[key], "base64").toString("utf8");
    const sensitive = {
      "database URL": secret("todo-chatbot-db", "DATABASE_URL"),
      "PostgreSQL password": secret(DATABASE_NAME, "password"),
      "auth secret": secret("todo-chatbot-auth", "BETTER_AUTH_SECRET"),
    };
    const state = pulumi(["stack", "export"], { cwd: project, env }).stdout;
    const values = helm(["get", "values", "--all", "-n", NAMESPACE, "todo-chatbot"], env);
    for (const [what, value] of Object.entries(sensitive)) {
      assert.ok(value.length >= 16, `${what} is set`);
      assert.ok(!state.includes(value), `pulumi stack export shows the ${what} in plain text`);
      assert.ok(!values.includes(value), `helm get values shows the ${what} in plain text`);
    }

    // A second PostgreSQL, in a namespace of this test, standing in for Neon.
    const external = `todo-external-db-${randomBytes(3).toString("hex")}`;
    const password = randomBytes(12).toString("hex");
    kubectl(["create", "namespace", external]);
    try {
      kubectl(["-n", external, "apply", "-f", "-"], process.env, externalDatabase(password));
      kubectl(["-n", external, "rollout", "status", "deployment/external-db", "--timeout=180s"]);
      const url = `postgresql://neon:${password}@external-db.${external}.svc.cluster.local:5432/neon`;
      config("databaseUrl", url, true);
      up();
      assert.equal(stackOutputs({ cwd: project, env }).database, "external (databaseUrl)");
      const client = new AppClient(appUrl);
      await waitFor("the backend on the external database", async () => {
        await client.signUp(`external-${Date.now()}@example.com`, PASSWORD);
        return true;
      });
      assert.equal((await client.chat("Add a task to call the bank")).status, 200);
      const pod = kubeJson(["-n", external, "get", "pods", "-l", "app=external-db"]).items[0].metadata.name;
      const rows = kubectl([
        ...[
          "-n",
          external,
          "exec",
          pod,
          "--",
          "psql",
          "-h",
          "/var/run/postgresql",
          "-U",
          "neon",
          "-d",
          "neon",
        ],
        ...["-tAc", "select title from tasks"],
      ]);
      assert.match(rows, /call the bank/i, "the task went to the external database");
      assert.ok(!pulumi(["stack", "export"], { cwd: project, env }).stdout.includes(password));
    } finally {
      pulumi(["config", "rm", "databaseUrl"], { cwd: project, env });
      up();
      kubectl(["delete", "namespace", external, "--wait=false"]);
    }
  });

  it("7. switching deployMode to manifests and back is one pulumi up each; every user and task stays", async () => {
    const claim = () => kubeJson(["-n", NAMESPACE, "get", "pvc", `data-${DATABASE_POD}`]).metadata.uid;
    const claimBefore = claim();
    config("deployMode", "manifests");
    up();
    assert.equal(helm(["list", "-n", NAMESPACE, "-q"], env).trim(), "", "the Helm release is gone");
    const leftovers = kubeJson(["-n", NAMESPACE, "get", "deployments,services,configmaps"]).items.filter(
      (item: Kube) => item.metadata.name.startsWith("todo-chatbot-"),
    );
    assert.deepEqual(
      leftovers.map((item: Kube) => item.metadata.name),
      [],
      "no Helm-mode object is left",
    );
    // The first user, signed up in Helm mode, signs in to raw mode and sees the same tasks.
    const raw = new AppClient(appUrlFor(stackOutputs({ cwd: project, env })));
    const rawStatus = await waitFor("raw mode to answer sign-in", () =>
      raw.signIn(firstUser.email, PASSWORD),
    );
    assert.equal(rawStatus, 200, "the first user signs in to raw mode");
    assert.ok((await raw.taskTitles()).some((title) => /buy groceries/i.test(title)));
    assert.equal((await raw.chat("Add a task to water the plants")).status, 200);
    assert.ok((await raw.taskTitles()).some((title) => /water the plants/i.test(title)));

    config("deployMode", "helm");
    up();
    appUrl = appUrlFor(stackOutputs({ cwd: project, env }));
    const back = new AppClient(appUrl);
    const status = await waitFor("helm mode to answer sign-in", () => back.signIn(firstUser.email, PASSWORD));
    assert.equal(status, 200, "the first user signs in again after the round trip");
    const titles = await back.taskTitles();
    assert.ok(
      titles.some((title) => /buy groceries/i.test(title)),
      JSON.stringify(titles),
    );
    assert.ok(
      titles.some((title) => /water the plants/i.test(title)),
      JSON.stringify(titles),
    );
    assert.equal(claim(), claimBefore, "the database's volume claim is the same object");
  });

  it("8. backendReplicas 3 gives 3 ready pods, and deleting one during traffic fails no request", async () => {
    config("backendReplicas", "3");
    up();
    const ready = () =>
      kubeJson(["-n", NAMESPACE, "get", "deployment", "todo-chatbot-backend"]).status.readyReplicas ?? 0;
    assert.equal(ready(), 3);
    const client = new AppClient(appUrl);
    await client.signUp(`scale-${Date.now()}@example.com`, PASSWORD);
    const failures: string[] = [];
    let requests = 0;
    let stop = false;
    const loop = (async () => {
      while (!stop && requests < 2000) {
        requests += 1;
        try {
          const response = await fetch(`${appUrl}/api/${client.userId}/tasks`, {
            headers: { authorization: `Bearer ${client.token}` },
            signal: AbortSignal.timeout(10_000),
          });
          if (response.status !== 200) failures.push(`HTTP ${response.status}`);
        } catch (error) {
          failures.push(String(error));
        }
      }
    })();
    const victim = kubeJson(["-n", NAMESPACE, "get", "pods", "-l", "app.kubernetes.io/component=backend"])
      .items[0].metadata.name;
    // Asynchronous: a synchronous kubectl would stall the request loop for the whole termination (the preStop
    // sleep included), so no request would run while the pod goes away.
    await kubectlAsync(["-n", NAMESPACE, "delete", "pod", victim, "--wait=true"]);
    await waitFor("3 ready backends again", () => ready() === 3);
    stop = true;
    await loop;
    assert.ok(requests > 20, `only ${requests} requests ran`);
    assert.deepEqual(failures, [], `${failures.length} of ${requests} requests failed`);
  });

  it("9. bad config fails before any change, naming the key and the fix", () => {
    // --show-secrets: every state write re-encrypts secrets with a new nonce; the values are what must not change.
    const exportState = () => pulumi(["stack", "export", "--show-secrets"], { cwd: project, env }).stdout;
    const before = exportState();
    for (const [key, value, secret] of [
      ["backendReplicas", "0", false],
      ["databaseUrl", "mysql://user:pass@db.example.com/app", true],
    ] as const) {
      config(key, value, secret);
      const result = pulumi(["up", "--yes", "--skip-preview"], { cwd: project, env, allowFailure: true });
      const output = result.stdout + result.stderr;
      assert.notEqual(result.status, 0, `${key}=${value} was accepted`);
      assert.match(output, new RegExp(`${key}:`), `the error names ${key}:\n${output}`);
      assert.match(output, /Fix: pulumi config set/);
      assert.doesNotMatch(output, /at .*\.(ts|js):\d+/, "no stack trace");
      pulumi(["config", "rm", key], { cwd: project, env });
    }
    config("backendReplicas", "3");
    const after = exportState();
    assert.deepEqual(resourceIds(after), resourceIds(before), "nothing changed in the stack");
  });

  it("10. the policy pack passes on the stack and stops a violating config with the rule's message", () => {
    const passing = preview("--policy-pack", "policy");
    assert.equal(passing.status, 0, `${passing.stdout}\n${passing.stderr}`);
    config("imagePullPolicy", "Always"); // local images that the node could never pull
    const failing = preview("--policy-pack", "policy");
    pulumi(["config", "rm", "imagePullPolicy"], { cwd: project, env });
    assert.notEqual(failing.status, 0, "the policy pack let the violation through");
    assert.match(failing.stdout + failing.stderr, /pull-policy|imagePullPolicy/i);
  });

  it("11. pulumi destroy removes everything, then pulumi stack rm", async () => {
    const images = stackOutputs({ cwd: project, env });
    pulumi(["destroy", "--yes", "--skip-preview"], { cwd: project, env });
    await waitFor("the namespace to be gone", () => {
      const names = kubeJson(["get", "namespaces"]).items.map((ns: Kube) => ns.metadata.name);
      return !names.includes(NAMESPACE);
    });
    assert.equal(helm(["list", "-A", "-q"], env).trim(), "");
    pulumi(["stack", "rm", "dev", "--yes"], { cwd: project, env });
    assert.doesNotMatch(pulumi(["stack", "ls"], { cwd: project, env }).stdout, /\bdev\b/);
    // The docker provider's Delete forgets an image without removing it from Docker (README, "Tear down");
    // remove this run's. The kubelet removes the deleted pods' exited containers a little after the namespace is
    // gone, and until then Docker refuses to remove an image a container was made from: retry until it lets go.
    const removed = (image: string) => {
      const result = spawnSync("docker", ["image", "rm", image], { encoding: "utf8" });
      if (result.status === 0 || /No such image/i.test(result.stderr)) return true;
      throw new Error(result.stderr.trim());
    };
    await waitFor("Docker to remove this run's images", () =>
      [images.backendImage, images.frontendImage].map((image) => removed(image)).every(Boolean),
    );
  });
});

/** The names of the namespace's pods with this label that are not shutting down, sorted. */
function podNames(selector: string): string[] {
  return kubeJson(["-n", NAMESPACE, "get", "pods", "-l", selector])
    .items.filter((pod: Kube) => !pod.metadata.deletionTimestamp)
    .map((pod: Kube) => pod.metadata.name)
    .sort();
}

function appUrlFor(outputs: { frontendNodePort: number }): string {
  return `http://127.0.0.1:${outputs.frontendNodePort}`;
}

/** The ids of every resource in a `pulumi stack export`, with their inputs, sorted. */
function resourceIds(exported: string): string[] {
  const deployment = JSON.parse(exported).deployment as { resources?: { urn: string; inputs?: unknown }[] };
  return (deployment.resources ?? []).map((r) => `${r.urn} ${JSON.stringify(r.inputs ?? {})}`).sort();
}

/** A PostgreSQL Deployment and Service from the stand-in image (the external database of step 5). */
function externalDatabase(password: string): string {
  const labels = { app: "external-db" };
  const objects = [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "external-db", labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 70, runAsGroup: 70, fsGroup: 70 },
            containers: [
              {
                name: "postgres",
                image: POSTGRES_IMAGE,
                imagePullPolicy: "IfNotPresent",
                env: [
                  { name: "POSTGRES_USER", value: "neon" },
                  { name: "POSTGRES_PASSWORD", value: password },
                  { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
                ],
                ports: [{ containerPort: 5432 }],
                readinessProbe: { exec: { command: ["pg_isready", "-h", "127.0.0.1", "-U", "neon"] } },
                volumeMounts: [
                  { name: "data", mountPath: "/var/lib/postgresql/data" },
                  { name: "run", mountPath: "/var/run/postgresql" },
                ],
              },
            ],
            volumes: [
              { name: "data", emptyDir: {} },
              { name: "run", emptyDir: {} },
            ],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "external-db", labels },
      spec: { selector: labels, ports: [{ port: 5432, targetPort: 5432 }] },
    },
  ];
  return objects.map((object) => JSON.stringify(object)).join("\n---\n");
}
