// `npm run bench:deploy [-- --runs N]`: the main job's speed beside its floor, on the real cluster. Each figure
// is the median of N runs (default 3) of the program (the real Pulumi engine and its plugins) and of the same
// job done by hand with the same images, the same chart and the same node (helm, kubectl, docker), measured in
// the same run, with the ratio. Also the peak memory (RSS summed over the process tree) of `pulumi` with its
// plugins beside helm's. Needs the cluster running: `npm run cluster:up` (this repository's node), or a user's
// own Minikube with kubectl and pulumi on PATH. It deploys into its own namespace and removes it at the end.
// Results: docs/benchmarks.md, "Deploy".
import { execFileSync, spawn } from "node:child_process";
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import YAML from "yaml";
import { copyProject, initStack, pulumiEnv } from "./pulumi-stack.mjs";
import { baseImages, clusterEnvironment } from "./stand-ins.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
const RUNS = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 3;
const NAMESPACE = "todo-bench-deploy";
const CONTEXT = "minikube";
// The program's release name, read from the cluster after its first deploy: the floor's objects are named alike.
let RELEASE = "";
let standIns: { nodeImage: string; postgresImage: string } | undefined;

// This repository's node (the CI rig's) needs its toolchain on PATH and stand-in base images; a user's Minikube
// has its own tools and pulls the stack's default images.
const rigCluster = clusterEnvironment();
const ownMinikube = Object.keys(rigCluster).length === 0;
const env: NodeJS.ProcessEnv = { ...process.env, ...rigCluster };
const helmBinary = execFileSync(process.execPath, [path.join(ROOT, "scripts/helm.mjs")], {
  encoding: "utf8",
}).trim();

interface Measured {
  seconds: number;
  peakRssMiB: number;
  stdout: string;
}

/** RSS of a process and all its descendants, in MiB, from /proc (Linux). */
function treeRssMiB(root: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name is in parentheses and may hold spaces: fields after the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const parent = Number(fields[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
      rss.set(Number(entry), Number(fields[21]) * 4096);
    } catch {
      // the process ended while it was read
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total / 2 ** 20;
}

/**
 * Runs a command to its end, timing it and sampling its process tree's memory every 50 ms. Exit codes other
 * than 0 and `okExits` fail.
 */
function measure(
  command: string,
  args: string[],
  options: { cwd?: string; input?: string; okExits?: number[] } = {},
) {
  return new Promise<Measured>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: currentEnv, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, treeRssMiB(child.pid!))), 50);
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdin.end(options.input ?? "");
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(sampler);
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0 && !options.okExits?.includes(code ?? -1))
        reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${stdout}\n${stderr}`));
      else resolve({ seconds, peakRssMiB: peak, stdout });
    });
  });
}

/** Several commands in sequence as one figure: summed time, the highest peak. */
async function sequence(steps: Array<() => Promise<Measured>>): Promise<Measured> {
  const total: Measured = { seconds: 0, peakRssMiB: 0, stdout: "" };
  for (const step of steps) {
    const result = await step();
    total.seconds += result.seconds;
    total.peakRssMiB = Math.max(total.peakRssMiB, result.peakRssMiB);
    total.stdout += result.stdout;
  }
  return total;
}

let currentEnv: NodeJS.ProcessEnv = env;
const work = mkdtempSync(path.join(tmpdir(), "todo-bench-deploy-"));
const project = path.join(work, "project");
const stackEnv = pulumiEnv({
  stateDir: path.join(work, "state"),
  passphrase: randomBytes(12).toString("hex"),
  kubeconfig: env.KUBECONFIG,
  path: env.PATH,
});
const withStackEnv = async <T>(work: () => Promise<T>): Promise<T> => {
  currentEnv = stackEnv;
  try {
    return await work();
  } finally {
    currentEnv = env;
  }
};
const pulumi = (...args: string[]) =>
  withStackEnv(() => measure("pulumi", [...args, "--non-interactive"], { cwd: project }));
const up = () => pulumi("up", "--yes", "--skip-preview");
// An empty program on the same engine, runtime options, Node and SDK: what any Pulumi Node program pays before
// its first resource, so the no-op row can be read as engine floor + the program's own part.
const emptyProject = path.join(work, "empty");
const upEmpty = () =>
  withStackEnv(() =>
    measure("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], { cwd: emptyProject }),
  );

function createEmptyProject() {
  const ours = YAML.parse(readFileSync(path.join(project, "Pulumi.yaml"), "utf8")) as { runtime: unknown };
  mkdirSync(emptyProject);
  writeFileSync(
    path.join(emptyProject, "Pulumi.yaml"),
    YAML.stringify({ name: "bench-empty", runtime: ours.runtime, main: "index.mjs" }),
  );
  writeFileSync(path.join(emptyProject, "package.json"), '{ "type": "module" }\n');
  writeFileSync(path.join(emptyProject, "index.mjs"), 'import "@pulumi/pulumi";\n');
  copyFileSync(path.join(project, "compile-cache.mjs"), path.join(emptyProject, "compile-cache.mjs"));
  symlinkSync(path.join(ROOT, "node_modules"), path.join(emptyProject, "node_modules"));
  initStack({ cwd: emptyProject, env: stackEnv });
}
const kubectl = (...args: string[]) => measure("kubectl", ["--context", CONTEXT, ...args]);
const helm = (...args: string[]) => measure(helmBinary, ["--kube-context", CONTEXT, ...args]);

/** The program's backend source, changed by one line: a new content tag, so exactly the backend rebuilds and rolls. */
let edits = 0;
function changeBackendLine(root: string) {
  edits += 1;
  appendFileSync(
    path.join(root, "app/backend/src/app.ts"),
    `\n// bench-deploy edit ${Date.now()}-${edits}\n`,
  );
}

const figures = new Map<string, { program: Measured[]; floor: Measured[]; floorName: string }>();
function record(figure: string, floorName: string, program: Measured, floor: Measured) {
  const entry = figures.get(figure) ?? { program: [], floor: [], floorName };
  entry.program.push(program);
  entry.floor.push(floor);
  figures.set(figure, entry);
  console.log(
    `  ${figure}: ${program.seconds.toFixed(1)} s (floor ${floor.seconds.toFixed(1)} s), peak ${program.peakRssMiB.toFixed(0)} MiB (floor ${floor.peakRssMiB.toFixed(0)} MiB)`,
  );
}

const namespaceGone = async () => {
  await kubectl("delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=true");
};

/** The values the program gave its release, with the chart's own PostgreSQL in place of the program's. */
async function floorValues(): Promise<string> {
  const releases = JSON.parse((await helm("list", "-n", NAMESPACE, "-o", "json")).stdout) as {
    name: string;
  }[];
  RELEASE = releases[0]!.name;
  const values = JSON.parse(
    (await helm("get", "values", RELEASE, "-n", NAMESPACE, "-o", "json")).stdout,
  ) as Record<string, Record<string, unknown>>;
  const database = JSON.parse((await kubectl("-n", NAMESPACE, "get", "statefulset", "-o", "json")).stdout)
    .items[0].spec.template.spec;
  const [repository, tag] = database.containers[0].image.split(/:(?=[^:/]+$)/);
  const file = path.join(work, "floor-values.json");
  writeFileSync(
    file,
    JSON.stringify({
      ...values,
      // The Secrets the program makes are not there: the chart makes its own (as for a plain `helm install`).
      database: { ...values.database, external: false, existingSecret: "", url: "" },
      auth: { ...values.auth, existingSecret: "" },
      llm: { ...values.llm, existingSecret: "" },
      postgresql: {
        ...values.postgresql,
        image: { repository, tag, pullPolicy: "IfNotPresent" },
        runAsUser: database.securityContext?.runAsUser ?? database.containers[0].securityContext?.runAsUser,
      },
    }),
  );
  return file;
}

const chart = () => path.join(project, "helm/todo-chatbot");
const helmInstall = (valuesFile: string) =>
  helm(
    "upgrade",
    "--install",
    RELEASE,
    chart(),
    "-n",
    NAMESPACE,
    "--create-namespace",
    "--wait",
    "-f",
    valuesFile,
  );
/** The chart's objects as the floor applies them (`helm template`; its test hooks left out). */
const renderChart = (valuesFile: string) =>
  helm("template", RELEASE, chart(), "-n", NAMESPACE, "-f", valuesFile, "--skip-tests");
const rollouts = async () => {
  const names = ["deployment/todo-chatbot-backend", "deployment/todo-chatbot-frontend"];
  return sequence(
    names.map((name) => () => kubectl("-n", NAMESPACE, "rollout", "status", name, "--timeout=5m")),
  );
};

async function main() {
  console.log(
    `bench:deploy: ${RUNS} runs a figure, namespace ${NAMESPACE}, ${ownMinikube ? "your Minikube" : "this repository's node"}`,
  );
  await kubectl("get", "--raw", "/readyz").catch(() => {
    throw new Error(
      "no cluster answers as context minikube: start it with `npm run cluster:up` (or `minikube start`)",
    );
  });
  await namespaceGone();
  copyProject(project);
  standIns = ownMinikube ? undefined : baseImages();
  initStack({
    cwd: project,
    env: stackEnv,
    config: { namespace: NAMESPACE, ...standIns },
  });
  createEmptyProject();
  await upEmpty();
  // Warm: the images exist in the daemon, as they do for the floor (which reuses them).
  await up();
  const valuesFile = await floorValues();
  await pulumi("destroy", "--yes", "--skip-preview");
  await namespaceGone();

  for (let run = 1; run <= RUNS; run += 1) {
    console.log(`run ${run} of ${RUNS}`);
    try {
      await oneRun(run, valuesFile);
    } catch (error) {
      // The runs that finished are still a table; this one's figures are left out, and the reason printed.
      console.error(`run ${run} failed, left out of the table: ${(error as Error).message.split("\n")[0]}`);
      await pulumi("destroy", "--yes", "--skip-preview").catch(() => undefined);
      await helm("uninstall", RELEASE, "-n", NAMESPACE, "--wait").catch(() => undefined);
      await namespaceGone();
      break;
    }
  }
  printTable();
}

/** One run of every figure: the program's, then the floor's, helm mode; then manifests mode. */
async function oneRun(run: number, valuesFile: string) {
  // --- helm mode: the program ---
  const firstUp = await up();
  const noopUp = await up();
  const noopEmpty = await upEmpty();
  const preview = await pulumi("preview", "--expect-no-changes");
  changeBackendLine(project);
  const changeUp = await up();
  // The developer loop (scripts/dev-cluster.ts) on the next edit: `--once` pays its start (stack outputs, the
  // Deployments, the image labels) on every change, which the watching loop pays once.
  changeBackendLine(project);
  const changeDev = await withStackEnv(() =>
    measure(process.execPath, ["--import", "tsx", "scripts/dev-cluster.ts", "--once"], { cwd: project }),
  );
  const destroy = await pulumi("destroy", "--yes", "--skip-preview");
  await namespaceGone();

  // --- helm mode: the floor, same images and chart ---
  const firstHelm = await helmInstall(valuesFile);
  const noopHelm = await helmInstall(valuesFile);
  // kubectl diff exits 1 when it finds a difference: the chart's generated secrets differ on every render.
  const rendered = await renderChart(valuesFile);
  const diff = await measure("kubectl", ["--context", CONTEXT, "diff", "-n", NAMESPACE, "-f", "-"], {
    input: rendered.stdout,
    okExits: [1],
  });
  const floorPreview = {
    seconds: rendered.seconds + diff.seconds,
    peakRssMiB: Math.max(rendered.peakRssMiB, diff.peakRssMiB),
    stdout: "",
  };
  changeBackendLine(project);
  const backendImage = `todo-chatbot-bench/backend:edit-${run}`;
  const changeFloor = await sequence([
    () =>
      measure(
        "docker",
        [
          ...["build", "-q", "-f", "app/backend/Dockerfile", "-t", backendImage],
          ...(standIns ? ["--build-arg", `NODE_IMAGE=${standIns.nodeImage}`] : []),
          ".",
        ],
        { cwd: project },
      ),
    () =>
      kubectl("-n", NAMESPACE, "set", "image", "deployment/todo-chatbot-backend", `backend=${backendImage}`),
    () => kubectl("-n", NAMESPACE, "rollout", "status", "deployment/todo-chatbot-backend", "--timeout=5m"),
  ]);
  const uninstall = await sequence([
    () => helm("uninstall", RELEASE, "-n", NAMESPACE, "--wait"),
    () => kubectl("delete", "namespace", NAMESPACE, "--wait=true"),
  ]);
  record(
    "first deploy to ready, helm mode",
    "`helm upgrade --install --wait` of the chart",
    firstUp,
    firstHelm,
  );
  record("no-op `pulumi up`", "no-op `helm upgrade --install --wait`", noopUp, noopHelm);
  record(
    "no-op `pulumi up` of an empty program (the engine's own floor)",
    "no-op `helm upgrade --install --wait`",
    noopEmpty,
    noopHelm,
  );
  record("`pulumi preview` of an unchanged stack", "`helm template` + `kubectl diff`", preview, floorPreview);
  record(
    "one backend source line changed → new pods ready",
    "`docker build` + `kubectl set image` + `rollout status`",
    changeUp,
    changeFloor,
  );
  record(
    "the same with `npm run dev:cluster -- --once`",
    "`docker build` + `kubectl set image` + `rollout status`",
    changeDev,
    changeFloor,
  );
  record("`pulumi destroy`", "`helm uninstall --wait` + namespace delete", destroy, uninstall);

  // --- manifests mode ---
  await pulumi("config", "set", "deployMode", "manifests");
  const firstManifests = await up();
  await pulumi("destroy", "--yes", "--skip-preview");
  await namespaceGone();
  await pulumi("config", "set", "deployMode", "helm");
  const manifests = await renderChart(valuesFile);
  const applyFloor = await sequence([
    () => kubectl("create", "namespace", NAMESPACE),
    () =>
      measure("kubectl", ["--context", CONTEXT, "apply", "-n", NAMESPACE, "-f", "-"], {
        input: manifests.stdout,
      }),
    rollouts,
  ]);
  await namespaceGone();
  record(
    "first deploy to ready, manifests mode",
    "`kubectl apply` of the rendered objects + `rollout status`",
    firstManifests,
    { ...applyFloor, seconds: applyFloor.seconds + manifests.seconds },
  );
}

function printTable() {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const rows = [...figures].map(([figure, { program, floor, floorName }]) => {
    const seconds = median(program.map((m) => m.seconds));
    const floorSeconds = median(floor.map((m) => m.seconds));
    return [
      figure,
      seconds.toFixed(1),
      program.map((m) => m.seconds.toFixed(1)).join(", "),
      floorName,
      floorSeconds.toFixed(1),
      (seconds / floorSeconds).toFixed(2),
      median(program.map((m) => m.peakRssMiB)).toFixed(0),
      median(floor.map((m) => m.peakRssMiB)).toFixed(0),
    ];
  });
  const header = [
    "figure",
    "median s",
    "runs s",
    "floor",
    "floor median s",
    "ratio",
    "peak RSS MiB",
    "floor peak RSS MiB",
  ];
  console.log(
    `\nMachine: ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)} at the end; medians of ${RUNS} runs.\n`,
  );
  console.log(`| ${header.join(" | ")} |\n| ${header.map(() => "---").join(" | ")} |`);
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
}

try {
  await main();
} finally {
  await pulumi("destroy", "--yes", "--skip-preview").catch(() => undefined);
  await namespaceGone().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
}
