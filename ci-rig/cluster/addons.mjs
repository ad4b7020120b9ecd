// The cluster's addons, as Minikube enables them by default: CoreDNS (kubeadm's manifest:
// kubernetes/cmd/kubeadm/app/phases/addons/dns/manifests.go, with our image) and the default StorageClass
// `standard` (Minikube's storage-provisioner addon; here served by the host process hostpath-provisioner).
// Applied with kubectl server-side apply, so `up` can apply them again at no cost.
import { spawnSync } from "node:child_process";
import { PROVISIONER_USER } from "./certs.mjs";
import { corednsImage } from "./images.mjs";
import { CLUSTER_DNS_IP, CLUSTER_DOMAIN, NODE_NAME, PROVISIONER, paths } from "./state.mjs";
import { binPath } from "./toolchain.mjs";

/**
 * Serves cluster.local and the reverse zones only. Queries for any other name match no server block and
 * CoreDNS answers REFUSED: there is deliberately no `forward . /etc/resolv.conf`, because nothing in this
 * cluster may reach a resolver off this machine (and no pod here needs a public name).
 */
export const COREFILE = `${CLUSTER_DOMAIN}:53 in-addr.arpa:53 ip6.arpa:53 {
    errors
    health {
        lameduck 5s
    }
    ready
    kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {
        pods insecure
        ttl 30
    }
    prometheus :9153
    cache 30
    reload
    loadbalance
}
`;

const dnsLabels = { "k8s-app": "kube-dns" };

function coredns() {
  const meta = (name, extra = {}) => ({ name, namespace: "kube-system", ...extra });
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("coredns") },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "system:coredns" },
      rules: [
        {
          apiGroups: [""],
          resources: ["endpoints", "services", "pods", "namespaces"],
          verbs: ["list", "watch"],
        },
        { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "system:coredns" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:coredns" },
      subjects: [{ kind: "ServiceAccount", name: "coredns", namespace: "kube-system" }],
    },
    { apiVersion: "v1", kind: "ConfigMap", metadata: meta("coredns"), data: { Corefile: COREFILE } },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta("coredns", { labels: dnsLabels }),
      spec: {
        replicas: 1,
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
        selector: { matchLabels: dnsLabels },
        template: {
          metadata: { labels: dnsLabels },
          spec: {
            priorityClassName: "system-cluster-critical",
            serviceAccountName: "coredns",
            tolerations: [
              { key: "CriticalAddonsOnly", operator: "Exists" },
              { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
            ],
            nodeSelector: { "kubernetes.io/os": "linux" },
            // Default: CoreDNS itself must not resolve through the cluster DNS (that is itself).
            dnsPolicy: "Default",
            containers: [
              {
                name: "coredns",
                image: corednsImage(),
                imagePullPolicy: "Never", // built locally (images.mjs); there is nothing to pull from
                args: ["-conf", "/etc/coredns/Corefile"],
                resources: { limits: { memory: "170Mi" }, requests: { cpu: "100m", memory: "70Mi" } },
                volumeMounts: [{ name: "config-volume", mountPath: "/etc/coredns", readOnly: true }],
                ports: [
                  { containerPort: 53, name: "dns", protocol: "UDP" },
                  { containerPort: 53, name: "dns-tcp", protocol: "TCP" },
                  { containerPort: 9153, name: "metrics", protocol: "TCP" },
                ],
                livenessProbe: {
                  httpGet: { path: "/health", port: 8080, scheme: "HTTP" },
                  initialDelaySeconds: 60,
                  timeoutSeconds: 5,
                  successThreshold: 1,
                  failureThreshold: 5,
                },
                readinessProbe: { httpGet: { path: "/ready", port: 8181, scheme: "HTTP" } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] },
                  readOnlyRootFilesystem: true,
                },
              },
            ],
            volumes: [
              {
                name: "config-volume",
                configMap: { name: "coredns", items: [{ key: "Corefile", path: "Corefile" }] },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta("kube-dns", {
        labels: { ...dnsLabels, "kubernetes.io/name": "CoreDNS" },
        annotations: { "prometheus.io/port": "9153", "prometheus.io/scrape": "true" },
      }),
      spec: {
        clusterIP: CLUSTER_DNS_IP,
        selector: dnsLabels,
        ports: [
          { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
          { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
          { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
        ],
      },
    },
  ];
}

function storage() {
  return [
    {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: {
        name: "standard",
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
        labels: { "addonmanager.kubernetes.io/mode": "EnsureExists" },
      },
      provisioner: PROVISIONER,
      reclaimPolicy: "Delete",
      volumeBindingMode: "Immediate",
    },
    {
      // The bootstrap policy's role for external provisioners (PVs, claims, classes, events).
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "todo-chatbot:hostpath-provisioner" },
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        name: "system:persistent-volume-provisioner",
      },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: PROVISIONER_USER }],
    },
  ];
}

/**
 * kubectl against the cluster as its admin. Returns stdout; throws with the output on failure.
 * @param {string[]} args
 * @param {{ input?: string, allowFailure?: boolean }} [options]
 */
export function kubectl(args, { input, allowFailure = false } = {}) {
  const result = spawnSync(binPath("kubectl"), ["--kubeconfig", paths.kubeconfig, ...args], {
    encoding: "utf8",
    input,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!allowFailure && (result.error || result.status !== 0)) {
    throw new Error(
      `kubectl ${args.join(" ")} failed: ${result.error?.message ?? (result.stderr || result.stdout)}`,
    );
  }
  return result;
}

/** Applies every addon and labels the node as Minikube labels its control-plane node. */
export function applyAddons() {
  const list = { apiVersion: "v1", kind: "List", items: [...coredns(), ...storage()] };
  kubectl(["apply", "--server-side", "--force-conflicts", "--field-manager=todo-cluster", "-f", "-"], {
    input: JSON.stringify(list),
  });
}

/** The labels kubeadm (control-plane role) and Minikube (minikube.k8s.io/*) put on the node. */
export function labelNode() {
  kubectl([
    "label",
    "node",
    NODE_NAME,
    "--overwrite",
    "node-role.kubernetes.io/control-plane=",
    `minikube.k8s.io/name=${NODE_NAME}`,
    "minikube.k8s.io/primary=true",
  ]);
}
