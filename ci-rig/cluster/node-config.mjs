// The node's components in start order: binary, flags, config files, health check and the likely fix when one
// does not come up. The flags follow what kubeadm writes into its static pod manifests
// (kubernetes/cmd/kubeadm/app/phases/controlplane/manifests.go, .../etcd/local.go) and what Minikube adds on top
// (allow-privileged, leader-elect=false, its admission plugin list, eviction thresholds at 0%), run here as host
// processes instead of static pods: the toolchain's binaries need no image, and the node is this machine.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { certFiles, componentKubeconfig } from "./certs.mjs";
import { httpOk, socketAccepts } from "./health.mjs";
import { pauseImage } from "./images.mjs";
import {
  API_PORT,
  API_SERVER,
  CLUSTER_DNS_IP,
  CLUSTER_DOMAIN,
  CNI_BIN_DIR,
  NODE_IP,
  NODE_NAME,
  POD_CIDR,
  PROVISIONER,
  SERVICE_CIDR,
  paths,
} from "./state.mjs";
import { binDirs, binPath } from "./toolchain.mjs";

const pki = (file) => join(paths.pki, file);
const ETCD_CLIENT_URL = "https://127.0.0.1:2379";

/** PATH of every component: the toolchain first, then the system's (iptables, nsenter, socat live in sbin). */
export function componentEnv() {
  return {
    ...process.env,
    PATH: [...binDirs(), "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"].join(
      ":",
    ),
  };
}

/** Writes a config file unless it already has this content (kube-proxy exits when its config file changes). */
function writeJson(file, value) {
  mkdirSync(paths.config, { recursive: true });
  const text = JSON.stringify(value, null, 2) + "\n";
  if (!existsSync(file) || readFileSync(file, "utf8") !== text) writeFileSync(file, text);
  return file;
}

/** The admin client's TLS material, for probing the API server's /readyz with the cluster CA. */
const adminTls = () => ({
  ca: certFiles("ca").cert,
  cert: certFiles("clients/admin").cert,
  key: certFiles("clients/admin").key,
});

function etcd() {
  const server = certFiles("etcd/server");
  const peer = certFiles("etcd/peer");
  return {
    name: "etcd",
    args: [
      `--name=${NODE_NAME}`,
      `--data-dir=${paths.etcd}`,
      `--listen-client-urls=${ETCD_CLIENT_URL}`,
      `--advertise-client-urls=${ETCD_CLIENT_URL}`,
      "--listen-peer-urls=https://127.0.0.1:2380",
      "--initial-advertise-peer-urls=https://127.0.0.1:2380",
      `--initial-cluster=${NODE_NAME}=https://127.0.0.1:2380`,
      // Plain-HTTP /health on loopback only, as kubeadm configures it for its liveness probe.
      "--listen-metrics-urls=http://127.0.0.1:2381",
      `--cert-file=${server.cert}`,
      `--key-file=${server.key}`,
      `--trusted-ca-file=${pki("etcd/ca.crt")}`,
      "--client-cert-auth=true",
      `--peer-cert-file=${peer.cert}`,
      `--peer-key-file=${peer.key}`,
      `--peer-trusted-ca-file=${pki("etcd/ca.crt")}`,
      "--peer-client-cert-auth=true",
      "--snapshot-count=10000",
    ],
    health: () => httpOk("http://127.0.0.1:2381/health", { expect: '"health":"true"' }),
    hint: "another etcd on 127.0.0.1:2379/2380? a damaged data dir? `npm run cluster:down` removes it",
  };
}

function apiserver() {
  const client = (name) => certFiles(name);
  return {
    name: "kube-apiserver",
    args: [
      `--advertise-address=${NODE_IP}`,
      // The node address only: pods reach it as the `kubernetes` Service's endpoint, nothing outside does.
      `--bind-address=${NODE_IP}`,
      `--secure-port=${API_PORT}`,
      "--allow-privileged=true",
      "--authorization-mode=Node,RBAC",
      // Minikube's list; PodSecurity is on by default and named so that nobody wonders.
      "--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass," +
        "DefaultTolerationSeconds,NodeRestriction,MutatingAdmissionWebhook,ValidatingAdmissionWebhook," +
        "ResourceQuota,PodSecurity",
      `--client-ca-file=${pki("ca.crt")}`,
      `--tls-cert-file=${client("apiserver").cert}`,
      `--tls-private-key-file=${client("apiserver").key}`,
      `--etcd-servers=${ETCD_CLIENT_URL}`,
      `--etcd-cafile=${pki("etcd/ca.crt")}`,
      `--etcd-certfile=${client("apiserver-etcd-client").cert}`,
      `--etcd-keyfile=${client("apiserver-etcd-client").key}`,
      `--kubelet-client-certificate=${client("apiserver-kubelet-client").cert}`,
      `--kubelet-client-key=${client("apiserver-kubelet-client").key}`,
      "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
      `--proxy-client-cert-file=${pki("front-proxy-client.crt")}`,
      `--proxy-client-key-file=${pki("front-proxy-client.key")}`,
      `--requestheader-client-ca-file=${pki("front-proxy-ca.crt")}`,
      "--requestheader-allowed-names=front-proxy-client",
      "--requestheader-extra-headers-prefix=X-Remote-Extra-",
      "--requestheader-group-headers=X-Remote-Group",
      "--requestheader-username-headers=X-Remote-User",
      `--service-account-issuer=https://kubernetes.default.svc.${CLUSTER_DOMAIN}`,
      `--service-account-key-file=${pki("sa.pub")}`,
      `--service-account-signing-key-file=${pki("sa.key")}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      "--service-node-port-range=30000-32767",
    ],
    health: () => httpOk(`${API_SERVER}/readyz`, { ...adminTls(), expect: "ok" }),
    timeoutMs: 180_000,
    hint: `is ${NODE_IP}:${API_PORT} taken, or etcd unhealthy (see etcd.log)?`,
  };
}

function controllerManager() {
  const kubeconfig = componentKubeconfig("controller-manager");
  return {
    name: "kube-controller-manager",
    args: [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      "--bind-address=127.0.0.1",
      `--client-ca-file=${pki("ca.crt")}`,
      `--requestheader-client-ca-file=${pki("front-proxy-ca.crt")}`,
      `--cluster-name=${NODE_NAME}`,
      `--cluster-signing-cert-file=${pki("ca.crt")}`,
      `--cluster-signing-key-file=${pki("ca.key")}`,
      `--root-ca-file=${pki("ca.crt")}`,
      `--service-account-private-key-file=${pki("sa.key")}`,
      "--use-service-account-credentials=true",
      "--leader-elect=false",
      // The node gets its podCIDR (the first /24), which kube-proxy reads; CNI's host-local uses the same /24.
      "--allocate-node-cidrs=true",
      `--cluster-cidr=${POD_CIDR}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
    ],
    health: () => httpOk("https://127.0.0.1:10257/healthz", { expect: "ok" }),
    hint: "see the API server's health first (npm run cluster:status)",
  };
}

function scheduler() {
  const kubeconfig = componentKubeconfig("scheduler");
  return {
    name: "kube-scheduler",
    args: [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      "--bind-address=127.0.0.1",
      "--leader-elect=false",
    ],
    health: () => httpOk("https://127.0.0.1:10259/healthz", { expect: "ok" }),
    hint: "see the API server's health first (npm run cluster:status)",
  };
}

/**
 * cri-dockerd: the kubelet's CRI in front of this machine's dockerd (Minikube's docker runtime), so images
 * built with `docker build` are the node's images and `imagePullPolicy: Never` finds them. Flags checked in
 * Mirantis/cri-dockerd v0.4.3 config/options.go and cmd/cri/options/options.go.
 */
function criDockerd() {
  return {
    name: "cri-dockerd",
    args: [
      `--container-runtime-endpoint=unix://${paths.criSocket}`,
      "--docker-endpoint=unix:///var/run/docker.sock",
      `--cri-dockerd-root-directory=${paths.criDockerd}`,
      `--pod-infra-container-image=${pauseImage()}`,
      "--network-plugin=cni",
      `--cni-bin-dir=${CNI_BIN_DIR}`,
      `--cni-conf-dir=${paths.cniConf}`,
      `--cni-cache-dir=${paths.cniCache}`,
      "--hairpin-mode=hairpin-veth",
      // exec/attach/port-forward streams: loopback, a free port (the kubelet proxies them).
      "--streaming-bind-addr=127.0.0.1",
    ],
    health: () => socketAccepts(paths.criSocket),
    hint: "is dockerd running (node ci-rig/docker-engine.mjs)?",
  };
}

/**
 * The kubelet's config file. Fields checked in k8s.io/kubelet v0.34 config/v1beta1/types.go; every path the
 * kubelet would otherwise put under /var (pod logs, volume plugins) points into the state dir.
 */
function kubeletConfig() {
  return writeJson(join(paths.config, "kubelet.json"), {
    apiVersion: "kubelet.config.k8s.io/v1beta1",
    kind: "KubeletConfiguration",
    address: NODE_IP,
    readOnlyPort: 0,
    healthzBindAddress: "127.0.0.1",
    healthzPort: 10248,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: pki("ca.crt") },
    },
    authorization: { mode: "Webhook" },
    containerRuntimeEndpoint: `unix://${paths.criSocket}`,
    // dockerd here uses cgroupfs on cgroup v1; the kubelet must use the same driver.
    cgroupDriver: "cgroupfs",
    // cgroup v1 is deprecated but still supported in 1.34 (false is the default there; kept explicit).
    failCgroupV1: false,
    failSwapOn: false,
    clusterDNS: [CLUSTER_DNS_IP],
    clusterDomain: CLUSTER_DOMAIN,
    // Pods with dnsPolicy Default get this file's (no) nameservers: nothing in the cluster may resolve through
    // this machine's upstream resolvers (traffic stays on this machine).
    resolvConf: paths.resolvConf,
    podLogsDir: paths.podLogs,
    volumePluginDir: paths.volumePlugins,
    // As Minikube: never evict or garbage-collect images because a developer's disk is fuller than 85-90 %
    // (the images are local builds that cannot be pulled again).
    evictionHard: { "nodefs.available": "0%", "nodefs.inodesFree": "0%", "imagefs.available": "0%" },
    imageGCHighThresholdPercent: 100,
    rotateCertificates: false,
    serverTLSBootstrap: false,
    staticPodPath: "",
  });
}

function kubelet() {
  return {
    name: "kubelet",
    args: [
      `--config=${join(paths.config, "kubelet.json")}`,
      `--kubeconfig=${componentKubeconfig("kubelet")}`,
      `--hostname-override=${NODE_NAME}`,
      `--node-ip=${NODE_IP}`,
      `--root-dir=${paths.kubelet}`,
    ],
    prepare() {
      kubeletConfig();
      // No nameserver: see resolvConf above.
      writeFileSync(paths.resolvConf, "# todo-chatbot cluster: pods resolve cluster names only (CoreDNS)\n");
    },
    health: () => httpOk("http://127.0.0.1:10248/healthz", { expect: "ok" }),
    timeoutMs: 120_000,
    hint: "cgroup or swap trouble, or cri-dockerd down: the first error lines of the log name it",
  };
}

/** kube-proxy in iptables mode; NodePorts answer on loopback (as `minikube service --url` prints them). */
function kubeProxyConfig() {
  return writeJson(join(paths.config, "kube-proxy.json"), {
    apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
    kind: "KubeProxyConfiguration",
    clientConnection: { kubeconfig: componentKubeconfig("kube-proxy") },
    mode: "iptables",
    hostnameOverride: NODE_NAME,
    clusterCIDR: POD_CIDR,
    bindAddress: "127.0.0.1",
    healthzBindAddress: "127.0.0.1:10256",
    metricsBindAddress: "127.0.0.1:10249",
    // NodePorts on loopback and the node address only, never on this machine's other interfaces.
    nodePortAddresses: ["127.0.0.0/8", `${NODE_IP}/32`],
    iptables: { localhostNodePorts: true },
    // 0: leave the machine's conntrack table size and timeouts as they are (kind does the same).
    conntrack: { maxPerCore: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
  });
}

function kubeProxy() {
  return {
    name: "kube-proxy",
    args: [`--config=${join(paths.config, "kube-proxy.json")}`],
    prepare: kubeProxyConfig,
    // /livez: its rules are in sync. (/healthz also answers 503 while the node is not Ready.)
    health: () => httpOk("http://127.0.0.1:10256/livez"),
    // It reads the node's addresses and podCIDR at start: start it once the kubelet has registered the node.
    needsNode: true,
    hint: "iptables missing? see the first error lines of its log",
  };
}

/** Our hostpath provisioner (ci-rig/cluster/go): serves the default StorageClass `standard`. */
function hostpathProvisioner() {
  return {
    name: "hostpath-provisioner",
    args: [
      `--kubeconfig=${componentKubeconfig("hostpath-provisioner")}`,
      `--root=${paths.hostpath}`,
      `--provisioner=${PROVISIONER}`,
    ],
    prepare() {
      mkdirSync(paths.hostpath, { recursive: true });
    },
    health: async () => true, // no endpoint: alive is healthy; the smoke test binds a claim through it
    hint: "see its log; it needs the API server",
  };
}

/**
 * The components in start order (`down` stops them in reverse), each with its absolute binary path. Building
 * the list writes nothing; `prepare()` writes a component's config files right before it starts.
 * @returns {{ name: string, binary: string, args: string[], health: () => Promise<boolean>, hint: string,
 *   timeoutMs: number, needsNode?: boolean, prepare?: () => void }[]}
 */
export function components() {
  return [
    etcd(),
    apiserver(),
    controllerManager(),
    scheduler(),
    criDockerd(),
    kubelet(),
    kubeProxy(),
    hostpathProvisioner(),
  ].map((component) => ({ timeoutMs: 90_000, ...component, binary: binPath(component.name) }));
}

/** The component names in start order, without touching the toolchain (for `down` and `status`). */
export const COMPONENT_NAMES = [
  "etcd",
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "cri-dockerd",
  "kubelet",
  "kube-proxy",
  "hostpath-provisioner",
];
