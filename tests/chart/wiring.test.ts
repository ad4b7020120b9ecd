// What the chart wires together: where DATABASE_URL and the other secrets come from, the backend URL the frontend
// calls, the config checksum, image tags, names, service exposure, the test pod and NOTES.txt.
import assert from "node:assert/strict";
import {
  chartYaml,
  containerOf,
  decodeSecret,
  envOf,
  find,
  name,
  ofKind,
  render,
  renderNotes,
  workloads,
  type K8sObject,
} from "../support/chart.js";

const backendOf = (objects: K8sObject[]) => containerOf(objects, "Deployment", name("backend"), "backend");
const frontendOf = (objects: K8sObject[]) => containerOf(objects, "Deployment", name("frontend"), "frontend");
const secretRef = (objects: K8sObject[], variable: string) =>
  envOf(backendOf(objects), variable)?.valueFrom?.secretKeyRef;

describe("chart wiring: the database", function () {
  this.timeout(30_000);

  it("defaults to the in-cluster PostgreSQL, with DATABASE_URL and the password in one generated Secret", () => {
    // A port other than values.yaml's: every place that names it must follow postgresql.port.
    const objects = render({ set: ["postgresql.port=6543", "postgresql.persistence.size=3Gi"] });
    const statefulSet = find(objects, "StatefulSet", name("postgresql"));
    const service = find(objects, "Service", name("postgresql"));
    assert.equal(service.spec.clusterIP, "None", "the PostgreSQL Service is headless");
    assert.equal(statefulSet.spec.serviceName, service.metadata.name);
    assert.equal(statefulSet.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "3Gi");
    assert.equal(service.spec.ports[0].port, 6543);
    assert.equal(
      containerOf(objects, "StatefulSet", name("postgresql"), "postgresql").ports?.[0]?.containerPort,
      6543,
    );

    assert.deepEqual(secretRef(objects, "DATABASE_URL"), { name: name("postgresql"), key: "DATABASE_URL" });
    const secret = decodeSecret(find(objects, "Secret", name("postgresql")));
    const url = new URL(secret.DATABASE_URL!);
    assert.equal(url.protocol, "postgresql:");
    assert.equal(url.hostname, service.metadata.name);
    assert.equal(url.port, "6543");
    assert.equal(url.username, "todo");
    assert.equal(url.pathname, "/todo");
    assert.ok(secret.password!.length >= 32, "generated password is long");
    assert.equal(
      decodeURIComponent(url.password),
      secret.password,
      "the URL carries the same password as postgres",
    );

    const postgres = containerOf(objects, "StatefulSet", name("postgresql"), "postgresql");
    assert.deepEqual(envOf(postgres, "POSTGRES_PASSWORD")?.valueFrom?.secretKeyRef, {
      name: name("postgresql"),
      key: "password",
    });
    assert.equal(envOf(postgres, "POSTGRES_USER")?.value, url.username);
    assert.equal(envOf(postgres, "POSTGRES_DB")?.value, url.pathname.slice(1));
    assert.equal(
      find(objects, "Secret", name("postgresql")).metadata.annotations?.["helm.sh/resource-policy"],
      "keep",
      "the password must outlive helm uninstall like the volume",
    );
  });

  it("makes the backend wait for PostgreSQL with an init container, unless turned off", () => {
    const wait = (objects: K8sObject[]) =>
      workloads(objects)
        .find((w) => w.object.metadata.name === name("backend"))!
        .pod.initContainers?.find((c) => c.name === "wait-for-database");
    const init = wait(render({ set: ["postgresql.port=6543"] }));
    assert.ok(init, "wait-for-database init container");
    assert.equal(envOf(init, "PGHOST")?.value, name("postgresql"));
    assert.match(init.command?.join(" ") ?? "", /pg_isready .*--port=6543;/);
    assert.equal(wait(render({ set: ["postgresql.waitForDatabase.enabled=false"] })), undefined);
  });

  it("uses a referenced PostgreSQL Secret for both the password and the URL", () => {
    const objects = render({
      set: ["postgresql.auth.existingSecret=pg-auth", "postgresql.auth.passwordKey=pw"],
    });
    assert.ok(
      !ofKind(objects, "Secret").some((s) => s.metadata.name === name("postgresql")),
      "no generated Secret",
    );
    assert.deepEqual(secretRef(objects, "DATABASE_URL"), { name: "pg-auth", key: "DATABASE_URL" });
    const postgres = containerOf(objects, "StatefulSet", name("postgresql"), "postgresql");
    assert.deepEqual(envOf(postgres, "POSTGRES_PASSWORD")?.valueFrom?.secretKeyRef, {
      name: "pg-auth",
      key: "pw",
    });
  });

  it("with an external database (Neon) by Secret name: no PostgreSQL, no chart Secrets at all", () => {
    const objects = render({ values: ["external-db-values.yaml"] });
    for (const kind of ["StatefulSet", "PersistentVolumeClaim", "Secret"]) {
      assert.deepEqual(ofKind(objects, kind), [], `no ${kind} when every secret is given by name`);
    }
    assert.ok(!objects.some((o) => o.metadata.name === name("postgresql")));
    assert.deepEqual(secretRef(objects, "DATABASE_URL"), { name: "todo-neon", key: "DATABASE_URL" });
    assert.deepEqual(secretRef(objects, "BETTER_AUTH_SECRET"), {
      name: "todo-auth",
      key: "BETTER_AUTH_SECRET",
    });
    assert.deepEqual(secretRef(objects, "LLM_API_KEY"), { name: "todo-llm", key: "LLM_API_KEY" });
    const initContainers = workloads(objects).find((w) => w.object.metadata.name === name("backend"))!.pod
      .initContainers;
    assert.equal(initContainers, undefined, "nothing to wait for");
    assert.equal(find(objects, "ConfigMap", name("config")).data?.DATABASE_POOL_MAX, "3");
  });

  it("honours a custom key inside the external database Secret", () => {
    const objects = render({
      set: ["database.external=true", "database.existingSecret=neon", "database.existingSecretKey=url"],
    });
    assert.deepEqual(secretRef(objects, "DATABASE_URL"), { name: "neon", key: "url" });
  });
});

describe("chart wiring: secrets given as values (plain Helm)", function () {
  this.timeout(30_000);

  it("stores database.url, auth.secret and llm.apiKey in the chart Secrets the backend reads", () => {
    const objects = render({ values: ["plain-secrets-values.yaml"] });
    const checks: [string, string, string][] = [
      ["DATABASE_URL", name("database"), "postgresql://neon_user:Plain-Db-Pass-42@"],
      ["BETTER_AUTH_SECRET", name("auth"), "plain-auth-secret-0123456789abcdefghijklmnop"],
      ["LLM_API_KEY", name("llm"), "sk-plain-llm-key-0123456789"],
    ];
    for (const [variable, secretName, expected] of checks) {
      assert.deepEqual(secretRef(objects, variable), { name: secretName, key: variable });
      const stored = decodeSecret(find(objects, "Secret", secretName))[variable]!;
      assert.ok(stored.startsWith(expected), `${secretName}.${variable} holds the given value`);
    }
  });

  it("generates BETTER_AUTH_SECRET when none is given, and leaves LLM_API_KEY out (offline agent)", () => {
    const objects = render();
    const generated = decodeSecret(find(objects, "Secret", name("auth"))).BETTER_AUTH_SECRET!;
    assert.ok(generated.length >= 32, "at least 32 characters, as the backend requires");
    assert.equal(envOf(backendOf(objects), "LLM_API_KEY"), undefined);
    assert.ok(!ofKind(objects, "Secret").some((s) => s.metadata.name === name("llm")));
  });
});

describe("chart wiring: settings, images, names, exposure", function () {
  this.timeout(30_000);

  it("gives the backend its settings from the ConfigMap and the frontend the backend Service URL", () => {
    // Ports other than values.yaml's: the env, container ports, Services and URLs must all follow them.
    const objects = render({
      set: [
        "backend.logLevel=debug",
        "llm.model=gpt-test",
        "llm.baseUrl=http://llm.local/v1",
        "backend.port=9100",
        "frontend.port=4100",
      ],
    });
    const backend = backendOf(objects);
    assert.deepEqual(backend.envFrom, [{ configMapRef: { name: name("config") } }]);
    const config = find(objects, "ConfigMap", name("config")).data!;
    assert.equal(config.NODE_ENV, "production");
    assert.equal(config.PORT, "9100");
    assert.equal(config.LOG_LEVEL, "debug");
    assert.equal(config.LLM_MODEL, "gpt-test");
    assert.equal(config.LLM_BASE_URL, "http://llm.local/v1");
    assert.equal(config.CHAT_RATE_LIMIT_PER_MINUTE, "30");
    assert.equal(backend.ports?.[0]?.containerPort, Number(config.PORT));

    const backendService = find(objects, "Service", name("backend"));
    assert.equal(backendService.spec.type, "ClusterIP");
    assert.equal(backendService.spec.ports[0].port, 9100);
    const frontend = frontendOf(objects);
    assert.equal(
      envOf(frontend, "BACKEND_URL")?.value,
      `http://${backendService.metadata.name}:${backendService.spec.ports[0].port}`,
    );
    assert.equal(envOf(frontend, "PORT")?.value, "4100");
    assert.equal(envOf(frontend, "HOSTNAME")?.value, "0.0.0.0");
    assert.equal(frontend.ports?.[0]?.containerPort, 4100);
  });

  it("omits LLM_BASE_URL when empty so the backend keeps its default", () => {
    assert.equal(find(render(), "ConfigMap", name("config")).data?.LLM_BASE_URL, undefined);
  });

  it("rolls the backend when a ConfigMap setting changes, and only then", () => {
    const checksum = (set: string[]) =>
      find(render({ set }), "Deployment", name("backend")).spec.template.metadata.annotations[
        "checksum/config"
      ];
    const base = checksum([]);
    assert.match(base, /^[0-9a-f]{64}$/);
    assert.notEqual(checksum(["backend.logLevel=debug"]), base);
    assert.notEqual(checksum(["backend.chatRateLimitPerMinute=5"]), base);
    assert.equal(checksum(["frontend.replicaCount=3"]), base);
  });

  it("tags images with the appVersion by default and with the given tag otherwise", () => {
    const defaults = render();
    assert.equal(backendOf(defaults).image, `todo-chatbot-backend:${chartYaml.appVersion}`);
    assert.equal(frontendOf(defaults).image, `todo-chatbot-frontend:${chartYaml.appVersion}`);
    assert.equal(backendOf(defaults).imagePullPolicy, "IfNotPresent");
    const custom = render({
      set: [
        "backend.image.repository=reg.local/todo/api",
        "backend.image.tag=sha-abc",
        "backend.image.pullPolicy=Never",
      ],
    });
    assert.equal(backendOf(custom).image, "reg.local/todo/api:sha-abc");
    assert.equal(backendOf(custom).imagePullPolicy, "Never");
  });

  it("keeps every name within its limit and distinct for a 53-character release name", () => {
    const release = "a-very-long-release-name-that-helm-still-accepts-1234";
    assert.equal(release.length, 53);
    const objects = render({ release, values: ["ha-values.yaml"] });
    const names = new Map<string, string>();
    for (const object of objects) {
      const limit = object.kind === "StatefulSet" ? 52 : 63;
      assert.ok(object.metadata.name.length <= limit, `${object.kind}/${object.metadata.name} too long`);
      assert.match(object.metadata.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      const key = `${object.kind}/${object.metadata.name}`;
      assert.ok(!names.has(key), `${key} rendered twice`);
      names.set(key, object.kind);
    }
    assert.ok(
      objects.some((o) => o.metadata.name.endsWith("-backend")) &&
        objects.some((o) => o.metadata.name.endsWith("-postgresql")),
    );
  });

  it("exposes the frontend as a NodePort without a fixed port by default; a value can fix it or change the type", () => {
    const defaults = find(render(), "Service", name("frontend"));
    assert.equal(defaults.spec.type, "NodePort");
    assert.equal(defaults.spec.ports[0].nodePort, undefined, "no fixed nodePort by default");
    const fixed = find(render({ set: ["frontend.service.nodePort=30080"] }), "Service", name("frontend"));
    assert.equal(fixed.spec.ports[0].nodePort, 30080);
    const balanced = find(
      render({ set: ["frontend.service.type=LoadBalancer"] }),
      "Service",
      name("frontend"),
    );
    assert.equal(balanced.spec.type, "LoadBalancer");
    const internal = find(
      render({ set: ["frontend.service.type=ClusterIP", "frontend.service.nodePort=30080"] }),
      "Service",
      name("frontend"),
    );
    assert.equal(internal.spec.ports[0].nodePort, undefined, "a ClusterIP Service cannot have a nodePort");
  });

  it("derives BETTER_AUTH_URL and TRUSTED_ORIGINS from the Ingress or publicUrl", () => {
    const config = (set: string[]) => find(render({ set }), "ConfigMap", name("config")).data!;
    assert.equal(config([]).BETTER_AUTH_URL, "http://localhost:3000");
    const ingress = config(["ingress.enabled=true", "ingress.host=todo.example"]);
    assert.equal(ingress.BETTER_AUTH_URL, "http://todo.example");
    const explicit = config([
      "publicUrl=https://todo.example/",
      "extraTrustedOrigins[0]=http://192.168.49.2:31000",
    ]);
    assert.equal(explicit.BETTER_AUTH_URL, "https://todo.example");
    assert.equal(explicit.TRUSTED_ORIGINS, "https://todo.example,http://192.168.49.2:31000");
  });

  it("HA values: HPAs replace fixed replicas, PDBs, NetworkPolicies and a TLS Ingress with class nginx", () => {
    const objects = render({ values: ["ha-values.yaml"] });
    const hpa = find(objects, "HorizontalPodAutoscaler", name("backend"));
    assert.equal(hpa.spec.minReplicas, 2);
    assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 60);
    assert.equal(find(objects, "Deployment", name("backend")).spec.replicas, undefined);
    assert.equal(find(objects, "Deployment", name("frontend")).spec.replicas, 2);
    assert.equal(find(objects, "PodDisruptionBudget", name("frontend")).spec.minAvailable, "50%");
    const ingress = find(objects, "Ingress", name("frontend"));
    assert.equal(ingress.spec.ingressClassName, "nginx");
    assert.deepEqual(ingress.spec.tls, [{ secretName: "todo-local-tls", hosts: ["todo.local"] }]);
    assert.deepEqual(
      ofKind(objects, "NetworkPolicy")
        .map((p) => p.metadata.name)
        .sort(),
      [name("backend"), name("frontend"), name("postgresql")],
    );
  });

  it("renders no optional object (HPA, PDB, Ingress) by default", () => {
    const objects = render();
    for (const kind of ["HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress"]) {
      assert.deepEqual(ofKind(objects, kind), [], kind);
    }
  });

  it("renders the NetworkPolicies by default, since the backend trusts X-Forwarded-For from private ranges", () => {
    const objects = render();
    const trusted = find(objects, "ConfigMap", name("config")).data?.TRUSTED_PROXIES ?? "";
    assert.ok(trusted.length > 0, "the default backend trusts forwarding proxies");
    assert.deepEqual(
      ofKind(objects, "NetworkPolicy")
        .map((p) => p.metadata.name)
        .sort(),
      [name("backend"), name("frontend"), name("postgresql")],
    );
  });
});

describe("chart wiring: network policies", function () {
  this.timeout(30_000);
  type Peer = {
    podSelector?: { matchLabels: Record<string, string> };
    ipBlock?: { cidr: string };
    namespaceSelector?: object;
  };
  type Rule = { from?: Peer[]; to?: Peer[]; ports?: { port: number | string; protocol: string }[] };
  const component = (peer: Peer) => peer.podSelector?.matchLabels["app.kubernetes.io/component"];

  it("lets only the frontend (and the test pod) reach the backend, and only the backend reach the database", () => {
    const objects = render({ values: ["ha-values.yaml"] });
    const backend = find(objects, "NetworkPolicy", name("backend")).spec;
    const sources = (backend.ingress as Rule[]).flatMap((rule) => (rule.from ?? []).map(component));
    assert.deepEqual(sources.sort(), ["frontend", "test"]);
    const database = find(objects, "NetworkPolicy", name("postgresql")).spec;
    assert.deepEqual(
      (database.ingress as Rule[]).flatMap((rule) => (rule.from ?? []).map(component)),
      ["backend"],
    );
    assert.deepEqual(database.egress, [], "the database talks to no one");
    assert.deepEqual(database.policyTypes, ["Ingress", "Egress"]);
  });

  it("lets the frontend call the backend on backend.port", () => {
    const objects = render({ set: ["networkPolicy.enabled=true", "backend.port=9100"] });
    const egress = find(objects, "NetworkPolicy", name("frontend")).spec.egress as Rule[];
    const toBackend = egress.find((rule) => rule.to?.some((peer) => component(peer) === "backend"));
    assert.deepEqual(toBackend?.ports, [{ port: 9100, protocol: "TCP" }]);
  });

  it("allows DNS, the database and the LLM API as backend egress; external databases by port", () => {
    const egressOf = (objects: K8sObject[]) =>
      find(objects, "NetworkPolicy", name("backend")).spec.egress as Rule[];
    const internal = egressOf(render({ set: ["networkPolicy.enabled=true", "postgresql.port=6543"] }));
    const ports = (rule: Rule) => (rule.ports ?? []).map((p) => `${p.protocol}/${p.port}`);
    assert.ok(
      internal.some((rule) => ports(rule).includes("UDP/53")),
      "DNS",
    );
    assert.ok(
      internal.some(
        (rule) =>
          rule.to?.some((peer) => component(peer) === "postgresql") && ports(rule).includes("TCP/6543"),
      ),
    );
    assert.ok(
      internal.some(
        (rule) =>
          rule.to?.some((peer) => peer.ipBlock?.cidr === "0.0.0.0/0") && ports(rule).includes("TCP/443"),
      ),
    );
    const external = egressOf(
      render({ values: ["external-db-values.yaml"], set: ["networkPolicy.enabled=true"] }),
    );
    assert.ok(!external.some((rule) => rule.to?.some((peer) => component(peer) === "postgresql")));
    assert.ok(
      external.some((rule) => rule.to?.some((peer) => peer.ipBlock) && ports(rule).includes("TCP/5432")),
    );
  });
});

describe("chart wiring: helm test pod and NOTES.txt", function () {
  this.timeout(30_000);

  it("checks the frontend and backend health through their Services", () => {
    const objects = render({ set: ["frontend.service.port=8080", "backend.port=9100"] });
    const pod = find(objects, "Pod", name("test"));
    assert.equal(pod.metadata.annotations?.["helm.sh/hook"], "test");
    assert.equal(pod.spec.restartPolicy, "Never");
    const container = pod.spec.containers[0];
    const urls = (envOf(container, "CHECK_URLS")?.value ?? "").split(" ");
    assert.deepEqual(urls, [
      `http://${name("frontend")}:8080/healthz`,
      `http://${name("backend")}:9100/health`,
      `http://${name("backend")}:9100/ready`,
    ]);
    assert.equal(container.image, backendOf(objects).image, "defaults to the backend image (no pull needed)");
    const custom = find(
      render({ set: ["tests.image.repository=node", "tests.image.tag=24-alpine"] }),
      "Pod",
      name("test"),
    );
    assert.equal(custom.spec.containers[0].image, "node:24-alpine");
  });

  it("tells how to open the app for each service type and the Ingress", () => {
    const nodePort = renderNotes();
    assert.match(nodePort, new RegExp(`minikube service --namespace todo ${name("frontend")}`));
    assert.doesNotMatch(nodePort, /minikube tunnel/);
    assert.match(nodePort, /helm test --namespace todo todo-chatbot/);
    const loadBalancer = renderNotes({ set: ["frontend.service.type=LoadBalancer"] });
    assert.match(loadBalancer, /minikube tunnel/);
    assert.doesNotMatch(loadBalancer, /minikube service/);
    const ingress = renderNotes({ set: ["ingress.enabled=true", "ingress.host=todo.example"] });
    assert.match(ingress, /minikube addons enable ingress/);
    assert.match(ingress, /http:\/\/todo\.example/);
    assert.match(
      renderNotes({ set: ["frontend.service.type=ClusterIP"] }),
      /port-forward svc\/todo-chatbot-frontend 3000:80/,
    );
  });
});

describe("chart wiring: shutdown", function () {
  this.timeout(30_000);

  it("keeps both app pods serving for preStopSleepSeconds before SIGTERM, so a rollout drains", () => {
    const preStop = (objects: K8sObject[]) =>
      [backendOf(objects), frontendOf(objects)].map(
        (container) =>
          (container.lifecycle as { preStop?: { sleep?: { seconds: number } } } | undefined)?.preStop,
      );
    for (const hook of preStop(render())) assert.ok((hook?.sleep?.seconds ?? 0) > 0, JSON.stringify(hook));
    assert.deepEqual(preStop(render({ set: ["preStopSleepSeconds=7"] })), [
      { sleep: { seconds: 7 } },
      { sleep: { seconds: 7 } },
    ]);
    assert.deepEqual(preStop(render({ set: ["preStopSleepSeconds=0"] })), [undefined, undefined]);
  });
});
