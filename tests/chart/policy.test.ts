// Policy checks over every render (defaults and each ci/ values file): the CrossGuard pack's own rules
// (policy/rules.ts: fixed tags, pull policies, requests and limits, non-root, no plaintext secrets) run on each
// rendered object, then what the chart promises beyond them: requests <= limits, probes, the rest of the
// restricted Pod Security profile, writable paths, rollouts, and no secret value anywhere outside a Secret.
import assert from "node:assert/strict";
import { RULES } from "../../policy/rules.js";
import {
  allContainers,
  decodeSecret,
  ofKind,
  render,
  renderCases,
  workloads,
  type Container,
  type K8sObject,
  type Workload,
} from "../support/chart.js";

// Kubernetes quantities -> numbers, so requests can be compared with limits.
const SUFFIX: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};
function quantity(value: string | number): number {
  const match = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(value));
  if (!match) throw new Error(`not a quantity: ${value}`);
  return Number(match[1]) * SUFFIX[match[2] ?? ""]!;
}

// Env names that hold secrets and so must only come from a Secret.
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|DATABASE_URL|CREDENTIAL/i;

/** The Pulumi type token of a rendered object, as CrossGuard sees it ("v1" Pod -> kubernetes:core/v1:Pod). */
function pulumiType(object: K8sObject): string {
  const apiVersion = object.apiVersion.includes("/") ? object.apiVersion : `core/${object.apiVersion}`;
  return `kubernetes:${apiVersion}:${object.kind}`;
}

// Volume types the restricted Pod Security Standard allows.
const RESTRICTED_VOLUMES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
];

function where(workload: Workload, container?: Container): string {
  const owner = `${workload.object.kind}/${workload.object.metadata.name}`;
  return container ? `${owner} container ${container.name}` : owner;
}

/** Every string anywhere in an object (values, not keys), for the leak checks. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

for (const { title, options } of renderCases()) {
  describe(`chart policy: ${title}`, function () {
    this.timeout(30_000);
    let objects: K8sObject[] = [];
    let pods: Workload[] = [];
    before(() => {
      objects = render(options);
      pods = workloads(objects);
    });

    it("passes every rule of the CrossGuard policy pack", () => {
      const violations = objects.flatMap((object) =>
        RULES.flatMap((rule) => rule.check(pulumiType(object), object).map((v) => `${rule.name}: ${v}`)),
      );
      assert.deepEqual(violations, []);
    });

    it("sets an explicit imagePullPolicy on every container", () => {
      for (const workload of pods) {
        for (const { container } of allContainers(workload.pod)) {
          assert.ok(
            ["Always", "IfNotPresent", "Never"].includes(container.imagePullPolicy ?? ""),
            `${where(workload, container)}: imagePullPolicy must be explicit`,
          );
        }
      }
    });

    it("gives every container's requests at most its limits", () => {
      for (const workload of pods) {
        for (const { container } of allContainers(workload.pod)) {
          const { requests, limits } = container.resources ?? {};
          for (const resource of ["cpu", "memory"]) {
            // A missing one is the pack's requests-and-limits rule's finding.
            const [request, limit] = [requests?.[resource], limits?.[resource]];
            if (request === undefined || limit === undefined) continue;
            assert.ok(
              quantity(request) <= quantity(limit),
              `${where(workload, container)}: ${resource} request > limit`,
            );
          }
        }
      }
    });

    it("gives every app container startup, liveness and readiness probes", () => {
      for (const workload of pods.filter((w) => w.longRunning)) {
        for (const container of workload.pod.containers) {
          for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"] as const) {
            assert.ok(container[probe], `${where(workload, container)}: no ${probe}`);
          }
        }
      }
    });

    it("meets the restricted Pod Security Standard in every pod and container", () => {
      for (const workload of pods) {
        const pod = workload.pod;
        const podContext = pod.securityContext ?? {};
        assert.equal(
          pod.automountServiceAccountToken,
          false,
          `${where(workload)}: automountServiceAccountToken`,
        );
        assert.ok(
          !pod.hostNetwork && !pod.hostPID && !pod.hostIPC,
          `${where(workload)}: uses host namespaces`,
        );
        assert.equal(podContext.runAsNonRoot, true, `${where(workload)}: pod runAsNonRoot`);
        assert.equal(
          podContext.seccompProfile?.type,
          "RuntimeDefault",
          `${where(workload)}: pod seccomp profile`,
        );
        for (const volume of pod.volumes ?? []) {
          const type = Object.keys(volume).find((key) => key !== "name");
          assert.ok(
            type && RESTRICTED_VOLUMES.includes(type),
            `${where(workload)}: volume ${volume.name} is ${type}`,
          );
        }
        for (const { container } of allContainers(pod)) {
          const context = container.securityContext ?? {};
          const at = where(workload, container);
          // runAsNonRoot, the user, privilege escalation and privileged: the pack's non-root rule, above.
          assert.equal(context.readOnlyRootFilesystem, true, `${at}: readOnlyRootFilesystem`);
          assert.deepEqual(context.capabilities?.drop, ["ALL"], `${at}: must drop ALL capabilities`);
          assert.equal(context.capabilities?.add, undefined, `${at}: adds capabilities`);
          const seccomp = context.seccompProfile?.type ?? podContext.seccompProfile?.type;
          assert.equal(seccomp, "RuntimeDefault", `${at}: seccomp profile`);
          for (const port of container.ports ?? []) assert.equal(port.hostPort, undefined, `${at}: hostPort`);
        }
      }
    });

    it("mounts an emptyDir on /tmp (and the cache and socket dirs) for every app container", () => {
      const needed: Record<string, string[]> = {
        backend: ["/tmp"],
        frontend: ["/tmp", "/app/.next/cache"],
        postgresql: ["/tmp", "/var/run/postgresql", "/var/lib/postgresql/data"],
      };
      for (const workload of pods.filter((w) => w.longRunning)) {
        for (const container of workload.pod.containers) {
          const paths = needed[container.name];
          assert.ok(paths, `unexpected app container ${container.name}`);
          for (const mountPath of paths) {
            const mount = container.volumeMounts?.find((m) => m.mountPath === mountPath);
            assert.ok(mount, `${where(workload, container)}: nothing mounted at ${mountPath}`);
            const volume = workload.pod.volumes?.find((v) => v.name === mount.name);
            const claim = (workload.object.spec.volumeClaimTemplates ?? []).find(
              (t: { metadata: { name: string } }) => t.metadata.name === mount.name,
            );
            assert.ok(
              volume?.emptyDir || claim,
              `${where(workload, container)}: ${mountPath} is not writable storage`,
            );
          }
        }
      }
    });

    it("rolls Deployments out with no unavailable pod and never sets a fixed replica count under an HPA", () => {
      const scaled = ofKind(objects, "HorizontalPodAutoscaler").map(
        (h) => h.spec.scaleTargetRef.name as string,
      );
      for (const deployment of ofKind(objects, "Deployment")) {
        assert.equal(deployment.spec.strategy?.type, "RollingUpdate", deployment.metadata.name);
        assert.equal(deployment.spec.strategy.rollingUpdate.maxUnavailable, 0, deployment.metadata.name);
        if (scaled.includes(deployment.metadata.name)) {
          assert.equal(deployment.spec.replicas, undefined, `${deployment.metadata.name} fights its HPA`);
        }
      }
    });

    it("reads secret env only from Secrets, and has no secret value outside a Secret", () => {
      // Secret values: every value of every Secret the chart renders (generated or given as values).
      const secretValues = ofKind(objects, "Secret")
        .flatMap((s) => Object.values(decodeSecret(s)))
        .filter((v) => v.length >= 8);
      // Plain values under secret names: the pack's no-plaintext-secrets rule, above; nor from a ConfigMap.
      for (const workload of pods) {
        for (const { container } of allContainers(workload.pod)) {
          for (const variable of container.env ?? []) {
            if (!SECRET_NAME.test(variable.name)) continue;
            assert.ok(
              variable.value !== undefined || variable.valueFrom?.secretKeyRef,
              `${where(workload, container)}: ${variable.name} not from a Secret`,
            );
          }
        }
      }
      // Nothing outside a Secret (annotations, args, ...) carries a secret value either.
      for (const object of objects.filter((o) => o.kind !== "Secret")) {
        for (const text of strings(object)) {
          for (const secret of secretValues) {
            assert.ok(
              !text.includes(secret),
              `${object.kind}/${object.metadata.name} contains a secret value`,
            );
          }
        }
      }
    });
  });
}

describe("chart policy: quantity parser used above", () => {
  it("compares cpu and memory quantities", () => {
    assert.equal(quantity("100m"), 0.1);
    assert.equal(quantity("2"), 2);
    assert.equal(quantity("192Mi"), 192 * 1024 * 1024);
    assert.ok(quantity("512Mi") > quantity("500M"));
    assert.throws(() => quantity("lots"), /not a quantity/);
  });
});
