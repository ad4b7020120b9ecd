// `npm run dev:cluster [-- --once]`: the inner loop on a deployed stack. On every save under app/ it rebuilds the
// image whose inputs changed and rolls its Deployment, without the Pulumi engine (what Skaffold's and Tilt's dev
// loops do). The image gets the tag `pulumi up` would give it (components/content-tag.ts, with the build
// arguments read from the labels of the image that runs now), so the next `pulumi up` builds from Docker's cache
// and rolls nothing: the stack's state catches up with the cluster instead of undoing it.
//
// Needs what `pulumi up` needs, run where it runs (the stack selected, PULUMI_CONFIG_PASSPHRASE set), images in
// the local Docker engine the node uses (imageRegistry unset: Minikube after `eval $(minikube docker-env)`), and
// kubectl on PATH. `--once` checks and rolls once, then exits.
import { spawnSync } from "node:child_process";
import { watch } from "node:fs";
import path from "node:path";
import { contentTag } from "../components/content-tag.js";
import { splitReference } from "../components/image-reference.js";

const COMPONENTS = ["backend", "frontend"] as const;
type Component = (typeof COMPONENTS)[number];
const ROOT = process.cwd();
/** The OCI labels the Dockerfiles set from their build arguments (VERSION, NODE_IMAGE). */
const ARG_LABELS = {
  VERSION: "org.opencontainers.image.version",
  NODE_IMAGE: "org.opencontainers.image.base.name",
};
const IGNORED = /(^|\/)(node_modules|\.next|dist|coverage|test-results)(\/|$)/;

class DevError extends Error {}

function run(command: string, args: string[], env?: NodeJS.ProcessEnv): string {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", env: env ?? process.env });
  if (result.error)
    throw new DevError(`${command} could not start (${result.error.message}): is it on PATH?`);
  if (result.status !== 0) {
    throw new DevError(
      `${command} ${args.slice(0, 3).join(" ")} failed:\n${(result.stderr || result.stdout).trim()}`,
    );
  }
  return result.stdout;
}

interface Target {
  component: Component;
  repository: string;
  tag: string;
  args: Record<string, string>;
  deployment: string;
  container: string;
}

/** What runs now: the stack's outputs, each image's build arguments, and the Deployment container using it. */
function currentTargets(): { context: string; namespace: string; targets: Target[] } {
  let outputs: Record<string, string>;
  try {
    outputs = JSON.parse(run("pulumi", ["stack", "output", "--json"]));
  } catch (error) {
    throw new DevError(
      `${(error as Error).message}\nRun dev:cluster where \`pulumi up\` works: the stack deployed and selected, ` +
        "PULUMI_CONFIG_PASSPHRASE set.",
    );
  }
  const { namespace, kubeContext } = outputs;
  if (!namespace || !kubeContext)
    throw new DevError("the stack has no namespace output: run `pulumi up` first.");
  const deployments = JSON.parse(
    run("kubectl", ["--context", kubeContext, "-n", namespace, "get", "deployments", "-o", "json"]),
  ).items as {
    metadata: { name: string };
    spec: { template: { spec: { containers: { name: string; image: string }[] } } };
  }[];
  const targets = COMPONENTS.map((component): Target => {
    const image = outputs[`${component}Image`] ?? "";
    const { repository, tag } = splitReference(image);
    if (repository.includes("/")) {
      throw new DevError(
        `${component}Image is ${image}, pushed to a registry: dev:cluster builds into the local Docker engine only ` +
          "(imageRegistry unset). Use `pulumi up`.",
      );
    }
    const labels = JSON.parse(
      run("docker", ["image", "inspect", image, "--format", "{{json .Config.Labels}}"]),
    ) as Record<string, string> | null;
    const args = Object.fromEntries(
      Object.entries(ARG_LABELS).map(([arg, label]) => {
        const value = labels?.[label];
        if (!value)
          throw new DevError(`${image} has no ${label} label: run \`pulumi up\` once to rebuild it.`);
        return [arg, value];
      }),
    );
    const user = deployments.flatMap((deployment) =>
      deployment.spec.template.spec.containers
        .filter((container) => container.image === image)
        .map((container) => ({ deployment: deployment.metadata.name, container: container.name })),
    );
    if (user.length !== 1) {
      throw new DevError(
        `expected one Deployment container running ${image} in ${namespace}, found ${user.length}`,
      );
    }
    return { component, repository, tag, args, ...user[0]! };
  });
  return { context: kubeContext, namespace, targets };
}

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

/** Rebuilds and rolls each image whose content tag no longer matches what runs; returns the components rolled. */
function sync({ context, namespace, targets }: ReturnType<typeof currentTargets>): Component[] {
  const rolled: Component[] = [];
  for (const target of targets) {
    const dockerfile = `app/${target.component}/Dockerfile`;
    const tag = contentTag({ context: ROOT, dockerfile, args: target.args });
    if (tag === target.tag) continue;
    const image = `${target.repository}:${tag}`;
    const started = performance.now();
    const buildArgs = Object.entries(target.args).flatMap(([key, value]) => [
      "--build-arg",
      `${key}=${value}`,
    ]);
    // The classic builder, as components/images.ts has the docker provider use: one build cache for both.
    console.log(`${target.component}: building ${image}`);
    run("docker", ["build", "-q", "-f", dockerfile, ...buildArgs, "-t", image, "."], {
      ...process.env,
      DOCKER_BUILDKIT: "0",
    });
    const built = seconds(started);
    const kubectl = (...args: string[]) => run("kubectl", ["--context", context, "-n", namespace, ...args]);
    kubectl("set", "image", `deployment/${target.deployment}`, `${target.container}=${image}`);
    kubectl("rollout", "status", `deployment/${target.deployment}`, "--timeout=300s");
    console.log(`${target.component}: ${image} live in ${seconds(started)} s (build ${built} s)`);
    target.tag = tag;
    rolled.push(target.component);
  }
  return rolled;
}

function main() {
  const state = currentTargets();
  const once = process.argv.includes("--once");
  const pass = () => {
    try {
      if (!sync(state).length) console.log("no image's inputs changed: nothing to roll");
    } catch (error) {
      // A failed build (a syntax error being typed) waits for the next save; --once reports it.
      if (!(error instanceof DevError)) throw error;
      console.error(`dev:cluster: ${error.message}`);
      if (once) process.exitCode = 1;
    }
  };
  pass();
  if (once) return;
  console.log(`watching app/ (${state.namespace}); Ctrl-C stops. \`pulumi up\` afterwards rolls nothing.`);
  let timer: NodeJS.Timeout | undefined;
  watch(path.join(ROOT, "app"), { recursive: true }, (_event, file) => {
    if (!file || IGNORED.test(String(file))) return;
    clearTimeout(timer);
    timer = setTimeout(pass, 300); // one pass for an editor's burst of writes
  });
}

try {
  main();
} catch (error) {
  if (!(error instanceof DevError)) throw error;
  console.error(`dev:cluster: ${error.message}`);
  process.exit(1);
}
