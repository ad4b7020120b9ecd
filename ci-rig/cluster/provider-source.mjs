// The random and docker resource plugins, built from upstream source archives: the Go module proxy refuses their
// provider modules (and two modules the Terraform bridge's converter imports), so ../shared/third_party holds
// the exact upstream trees (its README names each repository and commit and says what was checked). Each
// archive's sha256 is checked before use; the trees are unpacked into ~/.cache/todo-chatbot/go/src (outside the
// checkout, like the module cache); the provider's go.mod is edited there; generate.go writes schema-embed.json
// (upstream's Makefile: `VERSION=... go generate`); toolchain.mjs then builds and installs the plugin.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

/** Beside the clone (CI puts a copy of shared/ next to its checkout), unless TODO_THIRD_PARTY_DIR says where. */
export function thirdPartyDir() {
  return resolve(process.env.TODO_THIRD_PARTY_DIR || join(ROOT, "../shared/third_party"));
}

/** file: the archive; sha256: its hash; top: the folder it unpacks to. */
export const ARCHIVES = {
  random: {
    file: "pulumi-random-4.21.1.tar.gz",
    sha256: "fd230932d1543eeca07afbfed00a06c6a2c58c725ce89764ea9825b4fa21a2e6",
    top: "pulumi-random",
  },
  docker: {
    file: "pulumi-docker-5.0.0.tar.gz",
    sha256: "d4770f4213056bea60a60e019997e748ad1b3b63abf9c1e8d8ede4d8a4363c43",
    top: "pulumi-docker",
  },
  terraformDocker: {
    file: "terraform-provider-docker-619686dd.tar.gz",
    sha256: "c30584d90e59dc8395ec2f790784ac319ddc1f900d99f337edbfde651ce5582d",
    top: "terraform-provider-docker",
  },
  pulumiYaml: {
    file: "pulumi-yaml-294c561f47f4.tar.gz",
    sha256: "b8010c111c56b13be67e0580db94ab91b294c8a49e7c297b49631716754044a4",
    top: "pulumi-yaml",
  },
  pulumiDotnet: {
    file: "pulumi-dotnet-6a2eb2585b50.tar.gz",
    sha256: "b2365bbfce4e2c810794ab8e484426804841029f4423c1df989eea1c34adb1a5",
    top: "pulumi-dotnet",
  },
};

/**
 * The Terraform bridge's converter (pkg/tfgen, imported by pkg/pf/tfbridge) imports pulumi-yaml and
 * pulumi-language-dotnet at pseudo-versions the proxy refuses (403): both are replaced by their archives' trees.
 */
/** @type {[string, { file: string, sha256: string, top: string }, string][]} */
const CONVERTER_REPLACES = [
  ["github.com/pulumi/pulumi-yaml", ARCHIVES.pulumiYaml, ""],
  [
    "github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3",
    ARCHIVES.pulumiDotnet,
    "pulumi-language-dotnet",
  ],
];

/** Throws naming the archive, the expected and the actual hash (or that it is missing) and what to do. */
export function verifyArchive(archive, dir = thirdPartyDir()) {
  const path = join(dir, archive.file);
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: the random and docker plugins are built from the upstream archives in ` +
        `shared/third_party beside the checkout (or set TODO_THIRD_PARTY_DIR to their folder).`,
    );
  }
  const actual = createHash("sha256").update(readFileSync(path)).digest("hex");
  if (actual !== archive.sha256) {
    throw new Error(
      `${path} has sha256 ${actual}, expected ${archive.sha256}: the archive is not the checked upstream ` +
        `source (shared/third_party/README.md lists the hashes). Restore the original file.`,
    );
  }
  return path;
}

/**
 * toolchain.mjs's `prepare` for a source tool: checks and unpacks the archives into a fresh folder, patches the
 * upstream Terraform provider (docker), edits the provider's go.mod, generates schema-embed.json. Returns where
 * and how `go build` runs: in the provider folder with -mod=mod, because the edited go.mod needs go.sum lines the
 * upstream go.sum lacks (Go checks each new one against the checksum database).
 */
export async function prepareProviderSource(tool, { version, context, run }) {
  const { archives, provider, upstream, goModEdits } = tool.source;
  const paths = archives.map((archive) => verifyArchive(archive));
  const src = join(homedir(), ".cache/todo-chatbot/go/src", `${tool.name}-${version}`);
  rmSync(src, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  for (const path of paths) await run("tar", ["-xzf", path, "-C", src], { ...context, cwd: src });
  if (upstream) {
    renameSync(join(src, upstream.archive.top), join(src, upstream.into));
    const patchDir = join(src, upstream.patches);
    for (const patch of readdirSync(patchDir)
      .filter((f) => f.endsWith(".patch"))
      .sort()) {
      // git apply works outside a repository too: paths are taken relative to cwd, as `patch -p1`.
      await run("git", ["apply", "-p1", join(patchDir, patch)], {
        ...context,
        cwd: join(src, upstream.into),
      });
    }
  }
  const providerDir = join(src, provider);
  const env = { ...context.env, GOFLAGS: "-mod=mod -buildvcs=false" };
  const replaces = CONVERTER_REPLACES.map(
    ([module, archive, sub]) => `-replace=${module}=${join(src, archive.top, sub)}`,
  );
  await run("go", ["mod", "edit", ...goModEdits, ...replaces], { ...context, cwd: providerDir, env });
  const cmd = join(providerDir, Object.values(tool.binaries)[0]);
  await run("go", ["run", "generate.go"], { ...context, cwd: cmd, env: { ...env, VERSION: version } });
  if (!existsSync(join(cmd, "schema-embed.json"))) {
    throw new Error(`${tool.name}: generate.go did not write ${join(cmd, "schema-embed.json")}`);
  }
  return { cwd: providerDir, env };
}
