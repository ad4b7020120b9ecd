// helm lint --strict and helm template for the defaults and every ci/ values file; every rendered object is
// validated against the Kubernetes schemas, and cross-references between objects must resolve.
import assert from "node:assert/strict";
import {
  labelsMatch,
  lintRun,
  name,
  ofKind,
  render,
  RELEASE,
  renderCases,
  validateAgainstKubernetesSchema,
  workloads,
  type K8sObject,
} from "../support/chart.js";

describe("chart: helm lint --strict", function () {
  this.timeout(30_000);

  for (const { title, options } of renderCases()) {
    it(`passes with ${title}`, () => {
      const run = lintRun(options);
      assert.equal(run.status, 0, `helm lint --strict failed:\n${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });
  }
});

describe("chart: helm template", function () {
  this.timeout(30_000);

  for (const { title, options } of renderCases()) {
    describe(`with ${title}`, () => {
      let objects: K8sObject[] = [];
      before(() => {
        objects = render(options);
      });

      it("renders the app: backend and frontend Deployments and Services, the ConfigMap, the test pod", () => {
        const present = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
        for (const expected of [
          `Deployment/${name("backend")}`,
          `Deployment/${name("frontend")}`,
          `Service/${name("backend")}`,
          `Service/${name("frontend")}`,
          `ConfigMap/${name("config")}`,
          `Pod/${name("test")}`,
        ]) {
          assert.ok(present.has(expected), `${expected} not rendered; got ${[...present].join(", ")}`);
        }
      });

      it("validates every object against the Kubernetes schemas", async () => {
        assert.ok(objects.length > 0);
        for (const object of objects) await validateAgainstKubernetesSchema(object);
      });

      it("names every object <release>-<component> within 63 characters, never a raw-mode name", () => {
        const rawModeNames = ["todo-backend", "todo-frontend", "todo-config", "todo-db", "todo-postgres"];
        const seen = new Set<string>();
        for (const object of objects) {
          const objectName = object.metadata.name;
          assert.ok(
            objectName.startsWith(`${RELEASE}-`),
            `${object.kind}/${objectName} lacks the release prefix`,
          );
          assert.ok(objectName.length <= 63, `${object.kind}/${objectName} is longer than 63 characters`);
          assert.ok(
            !rawModeNames.includes(objectName),
            `${object.kind}/${objectName} collides with raw mode`,
          );
          const key = `${object.kind}/${objectName}`;
          assert.ok(!seen.has(key), `${key} is rendered twice`);
          seen.add(key);
        }
      });

      it("labels every object and pod with the app.kubernetes.io set", () => {
        const required = ["name", "instance", "component", "part-of", "managed-by", "version"].map(
          (label) => `app.kubernetes.io/${label}`,
        );
        const labelSets = [
          ...objects.map((o) => ({ what: `${o.kind}/${o.metadata.name}`, labels: o.metadata.labels ?? {} })),
          ...workloads(objects).map((w) => ({ what: `pods of ${w.object.metadata.name}`, labels: w.labels })),
        ];
        for (const { what, labels } of labelSets) {
          for (const label of required) assert.ok(labels[label], `${what} has no ${label} label`);
          assert.equal(labels["app.kubernetes.io/instance"], RELEASE, `${what}: instance label`);
          assert.equal(labels["app.kubernetes.io/part-of"], "todo-chatbot", `${what}: part-of label`);
          assert.equal(labels["app.kubernetes.io/managed-by"], "Helm", `${what}: managed-by label`);
        }
      });

      it("resolves every reference: Service/PDB/NetworkPolicy selectors, named ports, HPA and Ingress targets", () => {
        const pods = workloads(objects).filter((w) => w.longRunning);
        for (const service of ofKind(objects, "Service")) {
          const selected = pods.filter((w) => labelsMatch(service.spec.selector, w.labels));
          assert.equal(
            selected.length,
            1,
            `Service/${service.metadata.name} selects ${selected.length} workloads`,
          );
          const portNames = selected[0]!.pod.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name));
          for (const port of service.spec.ports as { targetPort: string | number }[]) {
            if (typeof port.targetPort === "string") {
              assert.ok(
                portNames.includes(port.targetPort),
                `Service/${service.metadata.name}: no port ${port.targetPort}`,
              );
            }
          }
        }
        for (const workload of pods) {
          assert.ok(
            labelsMatch(workload.object.spec.selector.matchLabels, workload.labels),
            `${workload.object.metadata.name}: selector does not match its own pod labels`,
          );
        }
        for (const policy of [
          ...ofKind(objects, "PodDisruptionBudget"),
          ...ofKind(objects, "NetworkPolicy"),
        ]) {
          const selector = (policy.spec.selector ?? policy.spec.podSelector).matchLabels;
          const selected = pods.filter((w) => labelsMatch(selector, w.labels));
          assert.equal(
            selected.length,
            1,
            `${policy.kind}/${policy.metadata.name} selects ${selected.length} workloads`,
          );
        }
        for (const hpa of ofKind(objects, "HorizontalPodAutoscaler")) {
          const target = hpa.spec.scaleTargetRef;
          assert.ok(
            objects.some((o) => o.kind === target.kind && o.metadata.name === target.name),
            `HPA/${hpa.metadata.name} targets missing ${target.kind}/${target.name}`,
          );
        }
        for (const ingress of ofKind(objects, "Ingress")) {
          for (const rule of ingress.spec.rules) {
            for (const p of rule.http.paths) {
              const service = objects.find(
                (o) => o.kind === "Service" && o.metadata.name === p.backend.service.name,
              );
              assert.ok(service, `Ingress points at missing Service ${p.backend.service.name}`);
              const ports = (service.spec.ports as { name: string }[]).map((port) => port.name);
              assert.ok(
                ports.includes(p.backend.service.port.name),
                `Ingress port ${p.backend.service.port.name}`,
              );
            }
          }
        }
      });

      it("refers only to ConfigMaps the chart renders, and to Secrets it renders or was given by name", () => {
        const configMaps = ofKind(objects, "ConfigMap").map((o) => o.metadata.name);
        const secrets = ofKind(objects, "Secret");
        for (const workload of workloads(objects)) {
          for (const container of [...workload.pod.containers, ...(workload.pod.initContainers ?? [])]) {
            for (const source of container.envFrom ?? []) {
              if (source.configMapRef)
                assert.ok(configMaps.includes(source.configMapRef.name), source.configMapRef.name);
            }
            for (const variable of container.env ?? []) {
              const ref = variable.valueFrom?.secretKeyRef;
              if (!ref) continue;
              const rendered = secrets.find((s) => s.metadata.name === ref.name);
              if (rendered) {
                assert.ok(
                  ref.key in (rendered.data ?? {}),
                  `Secret ${ref.name} has no key ${ref.key} (${variable.name})`,
                );
              } else {
                // Not rendered: it must be one of the names the values file passed in.
                assert.ok(
                  !ref.name.startsWith(`${RELEASE}-`),
                  `${variable.name} refers to unrendered Secret ${ref.name}`,
                );
              }
            }
          }
        }
      });
    });
  }
});
