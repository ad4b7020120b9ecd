// Builds one app image with the Docker CLI the user already has (the daemon it points at: Minikube's after
// `eval $(minikube docker-env)`), unless an image with that content-addressed reference already exists, and pushes
// it when it goes to a registry. The program runs this itself, during `pulumi up` only, as Pulumi's own docker
// images once did: no provider plugin is needed, and the reference is known in preview because the tag is a hash
// of the build's inputs (content-tag.ts). Works with BuildKit and with the classic builder.
import { spawnSync } from "node:child_process";

export interface ImageBuild {
  /** "<repository>:<content tag>" */
  reference: string;
  /** build context (the repository root) */
  context: string;
  /** Dockerfile path relative to the context */
  dockerfile: string;
  buildArgs: Record<string, string>;
  /** push after building (a registry is set) */
  push: boolean;
}

function docker(args: string[], context: string) {
  const result = spawnSync("docker", args, { cwd: context, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    throw new Error(
      `Could not run docker (${result.error.message}). Install Docker and point it at the cluster's daemon ` +
        "(eval $(minikube docker-env)), or set buildImages false with backendImage and frontendImage.",
    );
  }
  return result;
}

/** Builds (and pushes) the image unless it is already there; throws with docker's last lines on failure. */
export function ensureImage(build: ImageBuild): "built" | "present" {
  if (docker(["image", "inspect", "--format", "{{.Id}}", build.reference], build.context).status === 0) {
    return "present";
  }
  const args = Object.entries(build.buildArgs).flatMap(([key, value]) => ["--build-arg", `${key}=${value}`]);
  const built = docker(
    ["build", "-q", ...args, "-f", build.dockerfile, "-t", build.reference, "."],
    build.context,
  );
  if (built.status !== 0)
    throw new Error(failure(`docker build of ${build.reference} (${build.dockerfile})`, built));
  if (build.push) {
    const pushed = docker(["push", build.reference], build.context);
    if (pushed.status !== 0) {
      throw new Error(
        failure(`docker push ${build.reference} (log in first: docker login <registry>)`, pushed),
      );
    }
  }
  return "built";
}

function failure(what: string, result: { status: number | null; stdout: string; stderr: string }): string {
  const tail = `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-15).join("\n");
  return `${what} failed (exit ${result.status}):\n${tail}`;
}
