// The cluster toolchain: every Go binary the real cluster tests need (Kubernetes, etcd, cri-dockerd, CoreDNS,
// pause, the hostpath provisioner, the Pulumi CLI and its kubernetes, random and docker resource plugins), built from
// Go modules through the wrapper modules in ci-rig/cluster/go/<name> (their go.mod and go.sum pin every
// version), or, for the random and docker plugins whose modules the proxy refuses, from the checked upstream
// archives in ../shared/third_party (provider-source.mjs). docs/cluster.md, "Toolchain", says why each exists. Binaries and Go caches live outside the checkout, so every clone and CI
// run shares them:
//   ${TODO_TOOLCHAIN_DIR:-~/.cache/todo-chatbot/toolchain}/<name>-<version>/bin/<binary>
//   ~/.cache/todo-chatbot/go/{mod,build}   (GOMODCACHE, GOCACHE)
//
//   node ci-rig/cluster/toolchain.mjs build [name...]   builds what is missing or out of date, installs plugins
//   node ci-rig/cluster/toolchain.mjs paths             prints {binary: absolute path} as JSON
//   node ci-rig/cluster/toolchain.mjs check             exit 0 when everything is built and installed
//   node ci-rig/cluster/toolchain.mjs tidy name         regenerates a wrapper's go.mod/go.sum (after a version bump)
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  closeSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { homedir } from "node:os";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ARCHIVES, prepareProviderSource } from "./provider-source.mjs";
import { withMachineLock } from "../../scripts/machine-lock.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const WRAPPERS = join(ROOT, "ci-rig/cluster/go");
const CACHE = join(homedir(), ".cache/todo-chatbot");

/** Pulumi never looks for updates or downloads plugins here: every plugin comes from this toolchain. */
export const PULUMI_ENV = {
  PULUMI_SKIP_UPDATE_CHECK: "true",
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
};

const K8S_VERSION_PACKAGES = ["k8s.io/client-go/pkg/version", "k8s.io/component-base/version"];

/**
 * One entry a wrapper module, in build order (helm, then longest first, so a partial run leaves the most valuable
 * part). version: the upstream release, read from the wrapper's go.mod (`versionOf`), or a hash of our own
 * sources. binaries: binary name -> Go package. ldflags(info): -X flags from the version, the module's .info
 * (time, commit) and `requires(module)`, the version the wrapper's go.mod requires of another module. plugin: the npm package whose `pulumi` field names the resource plugin this binary is.
 * sumdbMissing: module prefixes the checksum database does not know (GONOSUMDB, used by `tidy` only: builds
 * read the committed go.sum).
 */
const TOOLS = [
  // First: npm test's chart suite needs it early and waits for it (scripts/helm.mjs runs `build helm`, which
  // waits on this tool's lock while .ci/run's background build has it). Cold: docs/cluster.md, "What is built".
  {
    name: "helm",
    versionOf: "helm.sh/helm/v3",
    binaries: { helm: "helm.sh/helm/v3/cmd/helm" },
    // Makefile: version, metadata (empty for a tag), gitCommit, gitTreeState; and K8S_MODULES_VER from client-go
    // (major 0 -> 1 + 0, minor as is) on pkg/lint/rules and pkg/chartutil, the default .Capabilities.KubeVersion.
    ldflags: ({ version, commit, requires }) => {
      const [, clientGoMinor] = requires("k8s.io/client-go").replace(/^v/, "").split(".");
      return [
        `-X helm.sh/helm/v3/internal/version.version=${version}`,
        `-X helm.sh/helm/v3/internal/version.metadata=`,
        ...(commit ? [`-X helm.sh/helm/v3/internal/version.gitCommit=${commit}`] : []),
        `-X helm.sh/helm/v3/internal/version.gitTreeState=clean`,
        ...["pkg/lint/rules", "pkg/chartutil"].flatMap((pkg) => [
          `-X helm.sh/helm/v3/${pkg}.k8sVersionMajor=1`,
          `-X helm.sh/helm/v3/${pkg}.k8sVersionMinor=${clientGoMinor}`,
        ]),
      ];
    },
  },
  {
    name: "kubernetes",
    versionOf: "k8s.io/kubernetes",
    binaries: Object.fromEntries(
      ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy", "kubelet", "kubectl"].map(
        (binary) => [binary, `k8s.io/kubernetes/cmd/${binary}`],
      ),
    ),
    // hack/lib/golang.sh: non-debug builds use these tags; hack/lib/version.sh: these -X flags, on both packages.
    tags: "selinux,notest,grpcnotrace",
    ldflags: ({ version, time, commit }) => {
      const [major, minor] = version.replace(/^v/, "").split(".");
      const values = {
        gitVersion: version,
        gitMajor: major,
        gitMinor: minor,
        gitTreeState: "clean",
        buildDate: time,
      };
      if (commit) values.gitCommit = commit;
      return K8S_VERSION_PACKAGES.flatMap((pkg) =>
        Object.entries(values).map(([key, value]) => `-X ${pkg}.${key}=${value}`),
      );
    },
  },
  {
    name: "etcd",
    versionOf: "go.etcd.io/etcd/server/v3",
    binaries: { etcd: "go.etcd.io/etcd/server/v3" },
  },
  {
    name: "cri-dockerd",
    versionOf: "github.com/Mirantis/cri-dockerd",
    binaries: { "cri-dockerd": "github.com/Mirantis/cri-dockerd" },
    // Makefile: Version without the leading v, GitCommit the short commit.
    ldflags: ({ version, commit }) => [
      `-X github.com/Mirantis/cri-dockerd/cmd/version.Version=${version.replace(/^v/, "")}`,
      `-X github.com/Mirantis/cri-dockerd/cmd/version.GitCommit=${commit?.slice(0, 7) ?? version}`,
    ],
  },
  {
    name: "coredns",
    versionOf: "github.com/coredns/coredns",
    binaries: { coredns: "github.com/coredns/coredns" },
    ldflags: ({ version, commit }) => [
      `-X github.com/coredns/coredns/coremain.GitCommit=${commit?.slice(0, 7) ?? version}`,
    ],
  },
  {
    name: "pause",
    binaries: { pause: "todo-chatbot.local/toolchain/pause" },
  },
  {
    name: "hostpath-provisioner",
    binaries: { "hostpath-provisioner": "todo-chatbot.local/toolchain/hostpath-provisioner" },
  },
  {
    name: "pulumi",
    versionOf: "github.com/pulumi/pulumi/pkg/v3",
    binaries: {
      pulumi: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
      "pulumi-language-nodejs": "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3",
    },
    ldflags: ({ version }) => [`-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`],
    npmPackage: "@pulumi/pulumi", // must be the same version as the CLI
    sumdbMissing: ["github.com/pulumi/pulumi/pkg/v3", "github.com/pulumi/pulumi/sdk/nodejs"],
  },
  {
    name: "pulumi-kubernetes",
    versionOf: "github.com/pulumi/pulumi-kubernetes/sdk/v4", // the provider module itself has a pseudo-version
    binaries: {
      "pulumi-resource-kubernetes":
        "github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes",
    },
    ldflags: ({ version }) => [
      `-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${version}`,
    ],
    prepare: generateKubernetesSchema,
    plugin: { npmPackage: "@pulumi/kubernetes", name: "kubernetes" },
    needs: ["pulumi"],
    sumdbMissing: ["github.com/pulumi/pulumi-kubernetes/provider"],
  },
  // Source tools: no wrapper module; `source` names the upstream archives (checked by sha256) and how the
  // provider's own go.mod is edited so every module it needs resolves from the proxy (provider-source.mjs).
  // The version ldflag is each repository's Makefile / .goreleaser.yml one.
  {
    name: "pulumi-random",
    version: "4.21.1",
    source: {
      archives: [ARCHIVES.random, ARCHIVES.pulumiYaml, ARCHIVES.pulumiDotnet],
      provider: "pulumi-random/provider",
      // providertest is test-only and its module graph pulls in versions the proxy refuses.
      goModEdits: ["-droprequire=github.com/pulumi/providertest"],
    },
    binaries: { "pulumi-resource-random": "./cmd/pulumi-resource-random" },
    ldflags: ({ version }) => [
      `-X github.com/pulumi/pulumi-random/provider/v4/pkg/version.Version=${version}`,
    ],
    prepare: prepareProviderSource,
    plugin: { npmPackage: "@pulumi/random", name: "random" },
    needs: ["pulumi"],
  },
  {
    name: "pulumi-docker",
    version: "5.0.0",
    source: {
      archives: [ARCHIVES.docker, ARCHIVES.terraformDocker, ARCHIVES.pulumiYaml, ARCHIVES.pulumiDotnet],
      provider: "pulumi-docker/provider",
      // provider/go.mod replaces the Terraform provider with ../upstream (the repository's git submodule),
      // which is patched with pulumi-docker's patches/*.patch before a build (upstream's Makefile `upstream`).
      upstream: {
        archive: ARCHIVES.terraformDocker,
        into: "pulumi-docker/upstream",
        patches: "pulumi-docker/patches",
      },
      // v5.0.0 names terraform-bridge v3.126.0, which the proxy refuses; v3.135.0 is served and builds.
      goModEdits: [
        "-require=github.com/pulumi/pulumi-terraform-bridge/v3@v3.135.0",
        "-droprequire=github.com/pulumi/providertest",
      ],
    },
    binaries: { "pulumi-resource-docker": "./cmd/pulumi-resource-docker" },
    ldflags: ({ version }) => [
      `-X github.com/pulumi/pulumi-docker/provider/v5/pkg/version.Version=${version}`,
    ],
    prepare: prepareProviderSource,
    plugin: { npmPackage: "@pulumi/docker", name: "docker" },
    needs: ["pulumi"],
  },
];

export function toolchainDir() {
  return resolve(process.env.TODO_TOOLCHAIN_DIR || join(CACHE, "toolchain"));
}

function goEnv() {
  return {
    ...process.env,
    GOMODCACHE: join(CACHE, "go/mod"),
    GOCACHE: join(CACHE, "go/build"),
    GOTOOLCHAIN: "local",
    CGO_ENABLED: "0",
    GOFLAGS: "-mod=readonly -buildvcs=false",
  };
}

const wrapperDir = (tool) => join(WRAPPERS, tool.name);

function toolByName(name) {
  const tool = TOOLS.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`unknown tool "${name}"; the tools are: ${TOOLS.map((t) => t.name).join(", ")}`);
  return tool;
}

/** Every file of a wrapper module (go.mod, go.sum, our sources, stand-ins), sorted, for hashing. */
function wrapperFiles(dir) {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => statSync(join(dir, file)).isFile())
    .sort();
}

/** The version a wrapper's go.mod requires of `module` (replace lines are skipped). */
function requiredVersion(tool, module = tool.versionOf) {
  const goMod = readFileSync(join(wrapperDir(tool), "go.mod"), "utf8");
  for (const line of goMod.split("\n")) {
    const words = line
      .replace(/\/\/.*/, "")
      .trim()
      .replace(/^require\s+/, "")
      .split(/\s+/);
    if (words[0] === module && /^v\d/.test(words[1] ?? "") && !line.includes("=>")) return words[1];
  }
  throw new Error(`ci-rig/cluster/go/${tool.name}/go.mod does not require ${module}`);
}

/**
 * What identifies a build: the wrapper's files, the recipe (packages, tags, the ldflags function) and, for
 * upstream tools, the required version. `version` names the folder: the upstream release without its "v", or a
 * hash of our own sources (pause, the provisioner), so any change gets a new folder.
 */
function identity(tool) {
  if (tool.source) {
    // The archives' hashes stand for their content (checked before every build); the recipe is the rest.
    const digest = createHash("sha256")
      .update(JSON.stringify({ source: tool.source, binaries: tool.binaries, version: tool.version }))
      .update(recipeSource(tool.ldflags))
      .update(recipeSource(tool.prepare))
      .digest("hex")
      .slice(0, 12);
    return { goVersion: tool.version, version: tool.version, digest };
  }
  const dir = wrapperDir(tool);
  const hash = createHash("sha256");
  for (const file of wrapperFiles(dir))
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(dir, file)))
      .update("\0");
  hash.update(JSON.stringify({ binaries: tool.binaries, tags: tool.tags ?? "" }));
  hash.update(recipeSource(tool.ldflags)).update(recipeSource(tool.prepare));
  const digest = hash.digest("hex").slice(0, 12);
  const goVersion = tool.versionOf ? requiredVersion(tool) : undefined;
  return { goVersion, version: goVersion ? goVersion.replace(/^v/, "") : digest, digest };
}

/** A recipe function's source without comments, spaces or trailing commas: reformatting it rebuilds nothing. */
function recipeSource(fn) {
  return String(fn ?? "")
    .replace(/\/\/[^\n]*/g, "")
    .replace(/\s+/g, "")
    .replace(/,([\])}])/g, "$1");
}

function toolHome(tool) {
  return join(toolchainDir(), `${tool.name}-${identity(tool).version}`);
}

/** Absolute path of a binary by its name ("kubelet", "pulumi", "etcd", ...), built or not. */
export function binPath(binaryName) {
  const tool = TOOLS.find((candidate) => binaryName in candidate.binaries);
  if (!tool) {
    const all = TOOLS.flatMap((t) => Object.keys(t.binaries));
    throw new Error(`no tool builds a binary named "${binaryName}"; the binaries are: ${all.join(", ")}`);
  }
  return join(toolHome(tool), "bin", binaryName);
}

/** The bin folders of every tool, to put in front of PATH (pulumi finds its language host and plugins there). */
export function binDirs() {
  return TOOLS.map((tool) => join(toolHome(tool), "bin"));
}

/** {binary: absolute path} for every binary of the toolchain. */
export function toolchainPaths() {
  return Object.fromEntries(
    TOOLS.flatMap((tool) => Object.keys(tool.binaries).map((binary) => [binary, binPath(binary)])),
  );
}

function stampPath(tool) {
  return join(toolHome(tool), "build.json");
}

function isBuilt(tool) {
  const home = toolHome(tool);
  if (!Object.keys(tool.binaries).every((binary) => existsSync(join(home, "bin", binary)))) return false;
  try {
    return JSON.parse(readFileSync(stampPath(tool), "utf8")).digest === identity(tool).digest;
  } catch {
    return false;
  }
}

// --- running commands -------------------------------------------------------------------------------------

/** Runs a command; its output goes to the log (fd) unless `capture`, which returns stdout (stderr still logged). */
function run(command, args, { cwd, env, log, capture = false }) {
  writeSync(log, `\n$ ${[command, ...args].join(" ")}\n  (in ${cwd})\n`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", capture ? "pipe" : log, log] });
    let stdout = "";
    child.stdout?.on("data", (chunk) => (stdout += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      writeSync(log, `(exit ${code ?? signal})\n`);
      if (code === 0) resolvePromise(stdout);
      else
        reject(Object.assign(new Error(`${command} ${args[0]} failed (exit ${code ?? signal})`), { code }));
    });
  });
}

/** Turns a failed build's log into a sentence: a refused module version, a too-old Go, or the log's tail. */
function explainFailure(tool, logFile, error) {
  const text = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
  const refused = text.match(/\/([^\s:]+)\/@v\/([^\s/:]+)\.(?:zip|mod|info): 40[34]/);
  if (refused && /40[34] (Forbidden|Not Found)|not available/.test(text)) {
    const module = (refused[1] ?? "").replace(/!([a-z])/g, (_, letter) => letter.toUpperCase());
    return (
      `${tool.name}: the Go module proxy refuses ${module}@${refused[2]}. Pick a version it serves, update ` +
      `ci-rig/cluster/go/${tool.name}/go.mod, run \`node ci-rig/cluster/toolchain.mjs tidy ${tool.name}\` ` +
      `(docs/cluster.md, "Toolchain"). Log: ${logFile}`
    );
  }
  const tooOld = text.match(/requires go >= (\S+) \(running go (\S+)/);
  if (tooOld)
    return `${tool.name}: needs Go ${tooOld[1]} or newer (this is go ${tooOld[2]}). Log: ${logFile}`;
  if (/missing go\.sum entry/.test(text)) {
    return (
      `${tool.name}: ci-rig/cluster/go/${tool.name}/go.sum lacks an entry; run ` +
      `\`node ci-rig/cluster/toolchain.mjs tidy ${tool.name}\`. Log: ${logFile}`
    );
  }
  const tail = text.trim().split("\n").slice(-15).join("\n");
  return `${tool.name}: ${error.message}. Last lines of ${logFile}:\n${tail}`;
}

/** Go must be on PATH and at least as new as every wrapper's `go` line (GOTOOLCHAIN=local: no downloads). */
function checkGo() {
  const result = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8", env: goEnv() });
  if (/** @type {NodeJS.ErrnoException | undefined} */ (result.error)?.code === "ENOENT") {
    throw new Error(
      "`go` is not on PATH. The cluster toolchain is built from Go modules: install Go 1.26 or newer " +
        "(an official Go release tarball under /usr/local/go, then PATH=/usr/local/go/bin:$PATH), then run this again.",
    );
  }
  const have = result.stdout.trim().replace(/^go/, "");
  const needed = TOOLS.filter((tool) => !tool.source)
    .map((tool) => readFileSync(join(wrapperDir(tool), "go.mod"), "utf8").match(/^go (\S+)/m)?.[1] ?? "0")
    .sort(compareVersions)
    .at(-1);
  if (compareVersions(have, needed) < 0) {
    throw new Error(
      `Go ${needed} or newer is needed (the wrappers' go.mod files say so), and this is go ${have}.`,
    );
  }
}

function compareVersions(a, b) {
  const pa = a.split(/[.-]/).map((part) => parseInt(part, 10) || 0);
  const pb = b.split(/[.-]/).map((part) => parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++)
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** Downloads (verified against the wrapper's go.sum) and describes a required module: Dir, version, time, commit. */
async function moduleInfo(tool, module, context) {
  const out = await run("go", ["mod", "download", "-json", module], { ...context, capture: true });
  const download = JSON.parse(out);
  const info = JSON.parse(readFileSync(download.Info, "utf8"));
  return { dir: download.Dir, version: download.Version, time: info.Time, commit: info.Origin?.Hash };
}

// --- steps particular to one tool ----------------------------------------------------------------------------

/**
 * pulumi-resource-kubernetes embeds schema-embed.json and terraform-mapping-embed.json, which upstream makes
 * with `VERSION=<version> go generate` in cmd/pulumi-resource-kubernetes (generate.go stamps the version into
 * schema.json and compacts both). The module cache is read-only (and `go build -overlay` may not touch it), so
 * the provider module (verified against the wrapper's go.sum) is copied to a writable folder under
 * ~/.cache/todo-chatbot/go/src, generate.go is built with the wrapper's modules and run there, and the build uses
 * a copy of the wrapper's go.mod that replaces the provider module with that folder (-modfile; go.sum alongside).
 * Returns the extra build arguments.
 */
async function generateKubernetesSchema(tool, { version, context, work }) {
  const module = "github.com/pulumi/pulumi-kubernetes/provider/v4";
  const provider = await moduleInfo(tool, module, context);
  // The folder's path is recorded in the binary's build info (the replace), so it is the same on every build.
  const copy = join(CACHE, "go/src", `${module.replaceAll("/", "+")}@${provider.version}`);
  if (existsSync(copy)) makeWritable(copy);
  rmSync(copy, { recursive: true, force: true });
  cpSync(provider.dir, copy, { recursive: true });
  makeWritable(copy);
  const cmd = join(copy, "cmd/pulumi-resource-kubernetes");
  await run("go", ["build", "-o", join(work, "generate"), join(cmd, "generate.go")], context);
  await run(join(work, "generate"), [], {
    ...context,
    cwd: cmd,
    env: { ...context.env, VERSION: version.replace(/^v/, "") },
  });
  const goMod = readFileSync(join(wrapperDir(tool), "go.mod"), "utf8");
  writeFileSync(
    join(work, "go.mod"),
    `${goMod}\n// Added by toolchain.mjs: the copy with the generated files.\nreplace ${module} => ${copy}\n`,
  );
  copyFileSync(join(wrapperDir(tool), "go.sum"), join(work, "go.sum"));
  return ["-modfile", join(work, "go.mod")];
}

/** Module-cache copies keep its read-only modes; the copy must be written (and later removed). */
function makeWritable(dir) {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(path);
    else chmodSync(path, 0o644);
  }
}

/** The plugin name and version an npm package asks for (its package.json `pulumi` field), if installed. */
function npmPluginRequest(npmPackage) {
  const file = join(ROOT, "node_modules", npmPackage, "package.json");
  if (!existsSync(file)) return undefined;
  const json = JSON.parse(readFileSync(file, "utf8"));
  return { name: json.pulumi?.name, version: json.pulumi?.version ?? json.version };
}

/** Fails when node_modules wants another version than the wrapper pins (the engine would look for that one). */
function checkNpmVersion(tool, version) {
  const npmPackage = tool.plugin?.npmPackage ?? tool.npmPackage;
  if (!npmPackage) return;
  const wanted = npmPluginRequest(npmPackage);
  if (!wanted) {
    console.warn(
      `  (${npmPackage} is not in node_modules: not checking that it asks for ${tool.name} ${version})`,
    );
    return;
  }
  if (wanted.version !== version.replace(/^v/, "") || (tool.plugin && wanted.name !== tool.plugin.name)) {
    throw new Error(
      `${npmPackage} in node_modules asks for ${wanted.name ?? tool.name} ${wanted.version}, but ` +
        `ci-rig/cluster/go/${tool.name}/go.mod pins ${version}: update the wrapper (docs/cluster.md, "Toolchain") ` +
        `or the npm package so that they agree.`,
    );
  }
}

function pulumiEnvironment() {
  return { ...process.env, ...PULUMI_ENV, PATH: [...binDirs(), process.env.PATH].join(":") };
}

/** Resource plugins `pulumi plugin ls` shows, as "name@version". */
function installedPlugins() {
  const pulumi = binPath("pulumi");
  if (!existsSync(pulumi)) return new Set();
  const result = spawnSync(pulumi, ["plugin", "ls", "--json"], {
    encoding: "utf8",
    env: pulumiEnvironment(),
  });
  if (result.status !== 0) throw new Error(`pulumi plugin ls failed: ${result.stderr.trim()}`);
  return new Set(
    JSON.parse(result.stdout || "[]")
      .filter((p) => p.kind === "resource")
      .map((p) => `${p.name}@${p.version}`),
  );
}

function pulumiHome() {
  return process.env.PULUMI_HOME || join(homedir(), ".pulumi");
}

/** True when PULUMI_HOME holds this plugin version and its binary is byte-for-byte the one built here. */
function pluginIsOurs(tool, version) {
  const binary = Object.keys(tool.binaries)[0] ?? "";
  const installed = join(pulumiHome(), "plugins", `resource-${tool.plugin.name}-v${version}`, binary);
  const ours = join(toolHome(tool), "bin", binary);
  if (!existsSync(installed) || statSync(installed).size !== statSync(ours).size) return false;
  const digest = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");
  return digest(installed) === digest(ours) && installedPlugins().has(`${tool.plugin.name}@${version}`);
}

/** `pulumi plugin install resource NAME VERSION --file BIN`, unless that very binary is installed already. */
async function installPlugin(tool, goVersion, log) {
  const version = goVersion.replace(/^v/, "");
  if (pluginIsOurs(tool, version)) return false;
  const binary = join(toolHome(tool), "bin", Object.keys(tool.binaries)[0] ?? "");
  await run(
    binPath("pulumi"),
    ["plugin", "install", "resource", tool.plugin.name, version, "--file", binary, "--reinstall"],
    {
      cwd: toolHome(tool),
      env: pulumiEnvironment(),
      log,
    },
  );
  if (!installedPlugins().has(`${tool.plugin.name}@${version}`)) {
    throw new Error(
      `pulumi plugin install ran, but pulumi plugin ls does not show ${tool.plugin.name} ${version}`,
    );
  }
  return true;
}

// --- building ----------------------------------------------------------------------------------------------

/** One build of a tool at a time on this machine (other sessions may build too): a lock file with our pid. */
function withLock(tool, body) {
  return withMachineLock(tool.name, body, { dir: toolchainDir(), pollMs: 5000 });
}

function seconds(ms) {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

async function buildTool(tool) {
  const { goVersion, version, digest } = identity(tool);
  const home = toolHome(tool);
  const logs = join(toolchainDir(), "logs");
  mkdirSync(logs, { recursive: true });
  const logFile = join(logs, `${tool.name}.log`);
  const started = Date.now();
  if (goVersion) checkNpmVersion(tool, goVersion);
  return withLock(tool, async () => {
    const log = openSync(logFile, isBuilt(tool) ? "a" : "w");
    try {
      const context = { cwd: wrapperDir(tool), env: goEnv(), log };
      let built = false;
      if (!isBuilt(tool)) {
        writeSync(log, `${tool.name} ${version} (${new Date().toISOString()})\n`);
        const tmp = join(home, `.tmp-${process.pid}`);
        rmSync(tmp, { recursive: true, force: true });
        mkdirSync(tmp, { recursive: true });
        try {
          const info = tool.versionOf ? await moduleInfo(tool, tool.versionOf, context) : {};
          // prepare returns extra `go build` arguments, or (source tools) { cwd, env } to build in.
          const prepared = tool.prepare
            ? await tool.prepare(tool, { version: goVersion, context, work: join(tmp, "work"), run })
            : [];
          const extra = Array.isArray(prepared) ? prepared : [];
          const buildContext = Array.isArray(prepared)
            ? context
            : { ...context, cwd: prepared.cwd, env: { ...context.env, ...prepared.env } };
          const ldflags = [
            "-s",
            "-w",
            ...(tool.ldflags?.({
              version: goVersion,
              time: info.time,
              commit: info.commit,
              requires: (module) => requiredVersion(tool, module),
            }) ?? []),
          ];
          const packages = Object.values(tool.binaries);
          const names = Object.keys(tool.binaries);
          // One package: -o names the file (etcd's package path ends in /v3); several: go names them by path.
          const output = packages.length === 1 ? join(tmp, "bin", names[0] ?? "") : join(tmp, "bin") + "/";
          mkdirSync(join(tmp, "bin"), { recursive: true });
          const args = [
            "-n",
            "10",
            "go",
            "build",
            "-trimpath",
            ...(tool.tags ? ["-tags", tool.tags] : []),
            "-ldflags",
            ldflags.join(" "),
            ...extra,
            "-o",
            output,
            ...packages,
          ];
          await run("nice", args, buildContext);
          mkdirSync(join(home, "bin"), { recursive: true });
          for (const name of names) {
            if (!existsSync(join(tmp, "bin", name))) throw new Error(`go build did not produce ${name}`);
            renameSync(join(tmp, "bin", name), join(home, "bin", name)); // whole binaries only, never half of one
          }
          const sizes = Object.fromEntries(
            names.map((name) => [name, statSync(join(home, "bin", name)).size]),
          );
          writeFileSync(
            stampPath(tool),
            JSON.stringify(
              {
                name: tool.name,
                version,
                digest,
                module: info.version,
                builtAt: new Date().toISOString(),
                seconds: Math.round((Date.now() - started) / 1000),
                sizes,
              },
              null,
              2,
            ) + "\n",
          );
          built = true;
        } catch (error) {
          throw new Error(explainFailure(tool, logFile, error), { cause: error });
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
      }
      const installed = tool.plugin ? await installPlugin(tool, goVersion, log) : false;
      const what = built ? `built in ${seconds(Date.now() - started)}` : "up to date";
      console.log(
        `${tool.name.padEnd(22)} ${version.padEnd(14)} ${what}${installed ? ", plugin installed" : ""}`,
      );
    } finally {
      closeSync(log);
    }
  });
}

/**
 * How many tools build at once (TODO_TOOLCHAIN_JOBS, default 2). One `go build` keeps both cores of a 2-core
 * machine busy while it compiles, but not while it downloads modules, runs a generator or links (one core), so
 * two lanes finish sooner; more only add memory (the largest links peak near 4 GiB).
 */
function toolchainJobs() {
  const jobs = Number(process.env.TODO_TOOLCHAIN_JOBS ?? 2);
  if (!Number.isInteger(jobs) || jobs < 1) {
    throw new Error(
      `TODO_TOOLCHAIN_JOBS="${process.env.TODO_TOOLCHAIN_JOBS}" is not a whole number of 1 or more`,
    );
  }
  return jobs;
}

/** Builds the named tools (all by default) and what they need, skipping what is built; installs the plugins. */
export async function buildToolchain(names) {
  const wanted = new Set(names?.length ? names : TOOLS.map((tool) => tool.name));
  for (const name of [...wanted]) for (const need of toolByName(name).needs ?? []) wanted.add(need);
  checkGo();
  mkdirSync(toolchainDir(), { recursive: true });
  const started = Date.now();
  // Tools start in TOOLS order (longest first) as a slot frees; a tool waits for the tools it needs.
  let free = toolchainJobs();
  const waiting = [];
  const slot = async (body) => {
    if (free === 0) await new Promise((wake) => waiting.push(wake));
    else free -= 1;
    try {
      return await body();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    }
  };
  const builds = new Map();
  const build = (tool) => {
    if (!builds.has(tool.name)) {
      builds.set(
        tool.name,
        (async () => {
          await Promise.all((tool.needs ?? []).map((need) => build(toolByName(need))));
          await slot(() => buildTool(tool));
        })(),
      );
    }
    return builds.get(tool.name);
  };
  await Promise.all(TOOLS.filter((tool) => wanted.has(tool.name)).map(build));
  console.log(`toolchain ready in ${seconds(Date.now() - started)} (${toolchainDir()})`);
}

/** What is missing: binaries not built (or built from other sources) and plugins not installed. */
export function missingParts() {
  const missing = TOOLS.filter((tool) => !isBuilt(tool)).map(
    (tool) => `${tool.name} ${identity(tool).version} (${toolHome(tool)})`,
  );
  const plugins = TOOLS.filter((tool) => tool.plugin);
  let installed = new Set();
  try {
    installed = installedPlugins();
  } catch (error) {
    missing.push(error instanceof Error ? error.message : String(error));
  }
  for (const tool of plugins) {
    const plugin = `${tool.plugin?.name}@${identity(tool).version}`;
    if (!installed.has(plugin)) missing.push(`resource plugin ${plugin} (pulumi plugin ls)`);
  }
  return missing;
}

/** `go mod tidy` in a wrapper, with the GONOSUMDB prefixes the checksum database lacks (after a version bump). */
async function tidy(name) {
  const tool = toolByName(name);
  if (tool.source)
    throw new Error(`${name} is built from upstream archives, not a wrapper module: nothing to tidy`);
  checkGo();
  const env = {
    ...goEnv(),
    GOFLAGS: "-mod=mod -buildvcs=false",
    GONOSUMDB: (tool.sumdbMissing ?? []).join(","),
  };
  const result = spawnSync("go", ["mod", "tidy"], { cwd: wrapperDir(tool), env, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** @param {string[]} argv */
async function main([command, ...args]) {
  switch (command) {
    case "build":
      await buildToolchain(args);
      break;
    case "paths":
      console.log(JSON.stringify(toolchainPaths(), null, 2));
      break;
    case "check": {
      const missing = missingParts();
      if (missing.length === 0) {
        console.log(`toolchain complete (${toolchainDir()})`);
        break;
      }
      console.error(`missing (run: node ci-rig/cluster/toolchain.mjs build):\n  ${missing.join("\n  ")}`);
      process.exit(1);
      break;
    }
    case "tidy":
      if (args.length !== 1) throw new Error("usage: toolchain.mjs tidy <name>");
      await tidy(args[0]);
      break;
    default:
      console.error(
        `usage: node ${basename(fileURLToPath(import.meta.url))} build [name...] | paths | check | tidy <name>\n` +
          `tools: ${TOOLS.map((tool) => tool.name).join(", ")}`,
      );
      process.exit(2);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
