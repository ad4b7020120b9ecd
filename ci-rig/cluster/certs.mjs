// The cluster's PKI and kubeconfigs, made with openssl: the same certificates `kubeadm init phase certs` makes
// (kubernetes/cmd/kubeadm/app/phases/certs/certlist.go: ca, apiserver, apiserver-kubelet-client, front-proxy,
// etcd ca/server/peer, apiserver-etcd-client, sa.key/sa.pub) plus one client certificate per component, whose
// subject is the user RBAC's bootstrap policy already binds (system:kube-controller-manager, system:node:<node>
// in system:nodes, system:kube-proxy ...). Made once; `up` reuses them, `down` deletes them with the state dir.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  API_SERVER,
  CLUSTER_DOMAIN,
  CONTEXT,
  KUBERNETES_SERVICE_IP,
  NODE_IP,
  NODE_NAME,
  paths,
} from "./state.mjs";

const CA_DAYS = 3650;
const LEAF_DAYS = 1095; // Minikube's certificates last three years too

function openssl(args, what) {
  const result = spawnSync("openssl", args, { encoding: "utf8" });
  if (result.error || result.status !== 0) {
    throw new Error(
      `openssl failed making ${what}: ${result.error?.message ?? result.stderr.trim()} ` +
        "(is openssl installed? apt-get install -y openssl)",
    );
  }
}

const pki = (name, ext) => join(paths.pki, `${name}.${ext}`);

function makeCa(name, commonName) {
  if (existsSync(pki(name, "crt"))) return;
  mkdirSync(dirname(pki(name, "crt")), { recursive: true });
  openssl(["genrsa", "-out", pki(name, "key"), "2048"], `${name}.key`);
  openssl(
    [
      "req",
      "-x509",
      "-new",
      "-key",
      pki(name, "key"),
      "-subj",
      `/CN=${commonName}`,
      "-days",
      String(CA_DAYS),
      "-sha256",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign",
      "-out",
      pki(name, "crt"),
    ],
    `${name}.crt`,
  );
}

/**
 * A key and a certificate signed by `ca`. `usage` is serverAuth, clientAuth or both; `sans` are "DNS:x"/"IP:y".
 * @param {string} name
 * @param {{ ca: string, subject: string, usage: string[], sans?: string[] }} options
 */
function makeLeaf(name, { ca, subject, usage, sans = [] }) {
  if (existsSync(pki(name, "crt"))) return;
  mkdirSync(dirname(pki(name, "crt")), { recursive: true });
  const csr = pki(name, "csr");
  const ext = pki(name, "ext");
  openssl(["genrsa", "-out", pki(name, "key"), "2048"], `${name}.key`);
  openssl(["req", "-new", "-key", pki(name, "key"), "-subj", subject, "-out", csr], `${name}.csr`);
  writeFileSync(
    ext,
    [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      `extendedKeyUsage=${usage.join(",")}`,
      ...(sans.length ? [`subjectAltName=${sans.join(",")}`] : []),
    ].join("\n") + "\n",
  );
  openssl(
    [
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      pki(ca, "crt"),
      "-CAkey",
      pki(ca, "key"),
      "-set_serial",
      `0x${randomBytes(16).toString("hex")}`,
      "-days",
      String(LEAF_DAYS),
      "-sha256",
      "-extfile",
      ext,
      "-out",
      pki(name, "crt"),
    ],
    `${name}.crt`,
  );
  rmSync(csr);
  rmSync(ext);
}

/** Client certificates of the components and users, by kubeconfig name. */
export const CLIENTS = {
  // The user's: in system:masters, like Minikube's minikube-user.
  admin: "/O=system:masters/CN=minikube-user",
  "controller-manager": "/CN=system:kube-controller-manager",
  scheduler: "/CN=system:kube-scheduler",
  // The Node authorizer and NodeRestriction only admit a kubelet whose name matches its node.
  kubelet: `/O=system:nodes/CN=system:node:${NODE_NAME}`,
  // Bound to ClusterRole system:node-proxier by the bootstrap policy.
  "kube-proxy": "/CN=system:kube-proxy",
  // Bound to ClusterRole system:persistent-volume-provisioner by addons.mjs.
  "hostpath-provisioner": "/CN=todo-chatbot:hostpath-provisioner",
};
export const PROVISIONER_USER = "todo-chatbot:hostpath-provisioner";

/** Makes every missing key and certificate under <state>/pki. */
export function ensureCertificates() {
  makeCa("ca", "minikubeCA");
  makeCa("front-proxy-ca", "front-proxy-ca");
  makeCa("etcd/ca", "etcd-ca");
  const localhost = ["DNS:localhost", "IP:127.0.0.1", "IP:0:0:0:0:0:0:0:1"];
  makeLeaf("apiserver", {
    ca: "ca",
    subject: "/CN=kube-apiserver",
    usage: ["serverAuth"],
    sans: [
      "DNS:kubernetes",
      "DNS:kubernetes.default",
      "DNS:kubernetes.default.svc",
      `DNS:kubernetes.default.svc.${CLUSTER_DOMAIN}`,
      `DNS:${NODE_NAME}`,
      "DNS:control-plane.minikube.internal",
      `IP:${KUBERNETES_SERVICE_IP}`,
      `IP:${NODE_IP}`,
      ...localhost,
    ],
  });
  makeLeaf("apiserver-kubelet-client", {
    ca: "ca",
    subject: "/O=system:masters/CN=kube-apiserver-kubelet-client",
    usage: ["clientAuth"],
  });
  makeLeaf("front-proxy-client", {
    ca: "front-proxy-ca",
    subject: "/CN=front-proxy-client",
    usage: ["clientAuth"],
  });
  const etcdSans = [`DNS:${NODE_NAME}`, ...localhost];
  makeLeaf("etcd/server", {
    ca: "etcd/ca",
    subject: `/CN=${NODE_NAME}`,
    usage: ["serverAuth", "clientAuth"],
    sans: etcdSans,
  });
  makeLeaf("etcd/peer", {
    ca: "etcd/ca",
    subject: `/CN=${NODE_NAME}`,
    usage: ["serverAuth", "clientAuth"],
    sans: etcdSans,
  });
  makeLeaf("apiserver-etcd-client", {
    ca: "etcd/ca",
    subject: "/CN=kube-apiserver-etcd-client",
    usage: ["clientAuth"],
  });
  for (const [name, subject] of Object.entries(CLIENTS)) {
    makeLeaf(`clients/${name}`, { ca: "ca", subject, usage: ["clientAuth"] });
  }
  // The service-account token signing pair (kube-apiserver --service-account-signing-key-file/-key-file).
  if (!existsSync(pki("sa", "key"))) {
    openssl(["genrsa", "-out", pki("sa", "key"), "2048"], "sa.key");
    openssl(["rsa", "-in", pki("sa", "key"), "-pubout", "-out", pki("sa", "pub")], "sa.pub");
  }
}

/** Paths of a certificate and its key, e.g. certFiles("apiserver") or certFiles("etcd/server"). */
export function certFiles(name) {
  return { cert: pki(name, "crt"), key: pki(name, "key"), ca: pki("ca", "crt") };
}

/** A self-contained kubeconfig (JSON is YAML too) whose cluster, user and context are all named `minikube`. */
export function kubeconfigFor(client) {
  const b64 = (file) => readFileSync(file).toString("base64");
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: CONTEXT, cluster: { server: API_SERVER, "certificate-authority-data": b64(pki("ca", "crt")) } },
    ],
    users: [
      {
        name: CONTEXT,
        user: {
          "client-certificate-data": b64(pki(`clients/${client}`, "crt")),
          "client-key-data": b64(pki(`clients/${client}`, "key")),
        },
      },
    ],
    contexts: [{ name: CONTEXT, context: { cluster: CONTEXT, user: CONTEXT, namespace: "default" } }],
    "current-context": CONTEXT,
    preferences: {},
  };
}

/** Writes <state>/config/<client>.kubeconfig for each component and <state>/kubeconfig for the user. */
export function writeKubeconfigs() {
  mkdirSync(paths.config, { recursive: true });
  for (const client of Object.keys(CLIENTS)) {
    const file = client === "admin" ? paths.kubeconfig : componentKubeconfig(client);
    writeFileSync(file, JSON.stringify(kubeconfigFor(client), null, 2) + "\n", { mode: 0o600 });
  }
}

export const componentKubeconfig = (client) => join(paths.config, `${client}.kubeconfig`);
