// Where the single-node cluster keeps its files, and the few addresses and names every part of it shares.
// One home for each fact: certs, configs, addons and the CLI import these instead of repeating them.
import { homedir } from "node:os";
import { join } from "node:path";

/** Everything the cluster writes (certs, etcd data, kubelet root, logs, pids); `down` removes the folder. */
export const STATE_DIR = process.env.TODO_CLUSTER_DIR || join(homedir(), ".cache/todo-chatbot/cluster");

export const paths = {
  state: STATE_DIR,
  pki: join(STATE_DIR, "pki"),
  logs: join(STATE_DIR, "logs"),
  run: join(STATE_DIR, "run"), // pid files and sockets
  config: join(STATE_DIR, "config"), // component config files and kubeconfigs
  etcd: join(STATE_DIR, "etcd"),
  kubelet: join(STATE_DIR, "kubelet"), // kubelet --root-dir (pods' volumes are mounted under it)
  podLogs: join(STATE_DIR, "pod-logs"), // kubelet podLogsDir (instead of /var/log/pods)
  volumePlugins: join(STATE_DIR, "volume-plugins"), // kubelet volumePluginDir (instead of /usr/libexec/...)
  criDockerd: join(STATE_DIR, "cri-dockerd"), // cri-dockerd --cri-dockerd-root-directory
  cniConf: join(STATE_DIR, "cni/net.d"),
  cniCache: join(STATE_DIR, "cni/cache"),
  cniIpam: join(STATE_DIR, "cni/ipam"), // host-local IPAM's leases
  hostpath: join(STATE_DIR, "hostpath"), // the default StorageClass's volumes
  kubeconfig: join(STATE_DIR, "kubeconfig"), // the user's kubeconfig (context `minikube`)
  criSocket: join(STATE_DIR, "run/cri-dockerd.sock"),
  resolvConf: join(STATE_DIR, "config/resolv.conf"),
};

/**
 * The node, named and addressed as Minikube's docker driver names and addresses its node: `minikube` at
 * 192.168.49.2, API server on 8443. The address lives on a bridge interface of its own (this kernel has no
 * `dummy` links) so that pods can reach it as the `kubernetes` Service's endpoint; it never leaves this machine.
 */
export const NODE_NAME = "minikube";
export const NODE_IP = "192.168.49.2";
export const NODE_INTERFACE = "todo-node0";
export const API_PORT = 8443;
export const API_SERVER = `https://${NODE_IP}:${API_PORT}`;

/** Minikube's defaults: pods 10.244.0.0/16 (the node gets the first /24), Services 10.96.0.0/12, DNS .10. */
export const POD_CIDR = "10.244.0.0/16";
export const NODE_POD_CIDR = "10.244.0.0/24";
export const SERVICE_CIDR = "10.96.0.0/12";
export const KUBERNETES_SERVICE_IP = "10.96.0.1";
export const CLUSTER_DNS_IP = "10.96.0.10";
export const CLUSTER_DOMAIN = "cluster.local";
export const CNI_BRIDGE = "todo-cni0";
export const CNI_NETWORK = "todo-cluster";
/** Debian's containernetworking-plugins (bridge, host-local, portmap, firewall, loopback). */
export const CNI_BIN_DIR = "/usr/lib/cni";

/** The names of kube context, cluster and user, as Minikube writes them (the program's default kubeContext). */
export const CONTEXT = "minikube";

/** Provisioner name of the default StorageClass `standard` (our hostpath-provisioner serves it). */
export const PROVISIONER = "todo-chatbot.local/hostpath";

/** Images are built locally into dockerd under our own names (never an official image name). */
export const IMAGE_PREFIX = "todo-cluster";
