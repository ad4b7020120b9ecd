// The user's ~/.kube/config: `minikube start` writes its context there; so do we, but only into a file that
// has no context of anyone else's (a missing file, an empty one, or one whose `minikube` context is ours).
// A user's own config is never rewritten: they use KUBECONFIG=<state>/kubeconfig instead (`cluster:env`).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { certFiles } from "./certs.mjs";
import { API_SERVER, CONTEXT, paths } from "./state.mjs";

export const USER_KUBECONFIG = join(homedir(), ".kube/config");

function kubectlConfig(kubectl, args) {
  const result = spawnSync(kubectl, ["config", "--kubeconfig", USER_KUBECONFIG, ...args], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`kubectl config ${args.join(" ")}: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Contexts of ~/.kube/config and the server of its `minikube` cluster. */
function describe(kubectl) {
  const contexts = kubectlConfig(kubectl, ["get-contexts", "-o", "name"]).split("\n").filter(Boolean);
  const server = kubectlConfig(kubectl, [
    "view",
    "-o",
    `jsonpath={.clusters[?(@.name=="${CONTEXT}")].cluster.server}`,
  ]).trim();
  const ca = kubectlConfig(kubectl, [
    "view",
    "--raw",
    "-o",
    `jsonpath={.clusters[?(@.name=="${CONTEXT}")].cluster.certificate-authority-data}`,
  ]).trim();
  const ours = server === API_SERVER && ca === readFileSync(certFiles("ca").cert).toString("base64");
  return { contexts, server, ours };
}

/** Writes or merges our `minikube` context into ~/.kube/config when allowed; returns what it did, for the log. */
export function mergeUserKubeconfig(kubectl) {
  if (!existsSync(USER_KUBECONFIG)) {
    mkdirSync(dirname(USER_KUBECONFIG), { recursive: true, mode: 0o700 });
    copyFileSync(paths.kubeconfig, USER_KUBECONFIG);
    return `wrote ${USER_KUBECONFIG} (context ${CONTEXT})`;
  }
  const { contexts, server, ours } = describe(kubectl);
  const others = contexts.filter((name) => name !== CONTEXT);
  if (others.length || (contexts.includes(CONTEXT) && server && !ours)) {
    return `left ${USER_KUBECONFIG} as it is (it has contexts of its own); use KUBECONFIG=${paths.kubeconfig}`;
  }
  const ca = certFiles("ca").cert;
  const admin = certFiles("clients/admin");
  kubectlConfig(kubectl, [
    "set-cluster",
    CONTEXT,
    `--server=${API_SERVER}`,
    `--certificate-authority=${ca}`,
    "--embed-certs=true",
  ]);
  kubectlConfig(kubectl, [
    "set-credentials",
    CONTEXT,
    `--client-certificate=${admin.cert}`,
    `--client-key=${admin.key}`,
    "--embed-certs=true",
  ]);
  kubectlConfig(kubectl, [
    "set-context",
    CONTEXT,
    `--cluster=${CONTEXT}`,
    `--user=${CONTEXT}`,
    "--namespace=default",
  ]);
  kubectlConfig(kubectl, ["use-context", CONTEXT]);
  return `merged context ${CONTEXT} into ${USER_KUBECONFIG}`;
}

/** `down`: takes our `minikube` entries out of ~/.kube/config again (only when they are ours). */
export function removeFromUserKubeconfig(kubectl) {
  if (!kubectl || !existsSync(USER_KUBECONFIG) || !existsSync(certFiles("ca").cert)) return undefined;
  try {
    if (!describe(kubectl).ours) return undefined;
    kubectlConfig(kubectl, ["delete-context", CONTEXT]);
    kubectlConfig(kubectl, ["delete-cluster", CONTEXT]);
    kubectlConfig(kubectl, ["delete-user", CONTEXT]);
    kubectlConfig(kubectl, ["unset", "current-context"]);
    // Nothing left in it (it held only ours, as `up` wrote it): remove the file too.
    const left = JSON.parse(kubectlConfig(kubectl, ["view", "-o", "json"]));
    if (![left.clusters, left.contexts, left.users].some((list) => list?.length)) {
      rmSync(USER_KUBECONFIG);
      return `removed ${USER_KUBECONFIG} (it held only context ${CONTEXT})`;
    }
    return `removed context ${CONTEXT} from ${USER_KUBECONFIG}`;
  } catch (error) {
    return `could not clean ${USER_KUBECONFIG}: ${error instanceof Error ? error.message : error}`;
  }
}
