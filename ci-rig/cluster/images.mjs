// The two images the node itself runs, built into this machine's dockerd FROM scratch around the toolchain's
// static binaries (nothing can be pulled here): the pod sandbox ("pause") and CoreDNS. Named under
// todo-cluster/ — never under an official image name. Rebuilt only when the binary changed (a label holds its
// sha256). The classic builder (DOCKER_BUILDKIT=0) is enough for FROM scratch + COPY.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IMAGE_PREFIX } from "./state.mjs";
import { binPath } from "./toolchain.mjs";

/** Versions of the upstream projects the binaries are built from (the tags say which). */
export const PAUSE_VERSION = "3.10.1"; // what kubelet 1.34 / kubeadm 1.34 use as the sandbox image
export const COREDNS_VERSION = "1.13.1";

export const pauseImage = () => `${IMAGE_PREFIX}/pause:${PAUSE_VERSION}`;
export const corednsImage = () => `${IMAGE_PREFIX}/coredns:${COREDNS_VERSION}`;

const LABEL = "todo-cluster.binary-sha256";

function docker(args, options = {}) {
  return spawnSync("docker", args, { encoding: "utf8", ...options });
}

/**
 * Builds `tag` FROM scratch holding `binary` as /<name> (its entrypoint), unless an image of that tag built
 * from the same binary exists. `user` is the numeric user the image runs as.
 * @param {{ tag: string, binary: string, name: string, user?: number, expose?: string[] }} image
 */
export function buildScratchImage({ tag, binary, name, user, expose = [] }) {
  const sha = createHash("sha256").update(readFileSync(binary)).digest("hex");
  const inspect = docker(["image", "inspect", "--format", `{{index .Config.Labels "${LABEL}"}}`, tag]);
  if (inspect.status === 0 && inspect.stdout.trim() === sha) return { tag, built: false };
  const context = mkdtempSync(join(tmpdir(), "todo-cluster-image-"));
  try {
    copyFileSync(binary, join(context, name));
    writeFileSync(
      join(context, "Dockerfile"),
      [
        "FROM scratch",
        `COPY ${name} /${name}`,
        ...(user !== undefined ? [`USER ${user}`] : []),
        ...expose.map((port) => `EXPOSE ${port}`),
        `LABEL ${LABEL}=${sha}`,
        `ENTRYPOINT ["/${name}"]`,
      ].join("\n") + "\n",
    );
    const result = docker(["build", "--quiet", "-t", tag, context], {
      env: { ...process.env, DOCKER_BUILDKIT: "0" },
    });
    if (result.status !== 0) {
      throw new Error(`docker build of ${tag} failed: ${result.stderr || result.stdout}`);
    }
    return { tag, built: true };
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** The sandbox and CoreDNS images, built when missing or stale. */
export function ensureNodeImages() {
  return [
    // 65535 as the upstream pause image: the sandbox needs no privileges.
    buildScratchImage({ tag: pauseImage(), binary: binPath("pause"), name: "pause", user: 65535 }),
    buildScratchImage({
      tag: corednsImage(),
      binary: binPath("coredns"),
      name: "coredns",
      expose: ["53/udp", "53/tcp", "9153/tcp"],
    }),
  ];
}
