// Content-addressed image tags: a hash of exactly what an image is built from (the Dockerfile, its build
// arguments and every file its COPY/ADD instructions take from the context, minus .dockerignore), so the image
// reference in the Deployment changes when the app's code changes and never otherwise. Both images share the
// repository root as context; hashing only the copied paths keeps a frontend change from rolling the backend.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

// A CommonJS module whose types declare a default export: require it to get the function itself.
const dockerignore = createRequire(import.meta.url)(
  "@balena/dockerignore",
) as typeof import("@balena/dockerignore").default;

export interface BuildInputs {
  /** build context directory */
  context: string;
  /** Dockerfile path, relative to the context */
  dockerfile: string;
  /** build arguments (their values are part of the image) */
  args?: Record<string, string>;
}

/** The first 12 hex digits of the build's content hash, e.g. "3f2a9c0d1b7e". */
export function contentTag(inputs: BuildInputs): string {
  return contentHash(inputs).slice(0, 12);
}

export function contentHash({ context, dockerfile, args = {} }: BuildInputs): string {
  const dockerfileText = readFileSync(path.join(context, dockerfile), "utf8");
  const ignore = dockerignore().add(readIgnoreFile(context, dockerfile));
  const hash = createHash("sha256");
  hash.update(`dockerfile\0${dockerfileText}\0`);
  for (const key of Object.keys(args).sort()) hash.update(`arg\0${key}=${args[key]}\0`);
  for (const file of copiedFiles(context, copySources(dockerfileText), ignore)) {
    hash.update(`file\0${file}\0`);
    hash.update(readFileSync(path.join(context, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

// As BuildKit does: `<Dockerfile>.dockerignore` when it exists, else the context's `.dockerignore`.
function readIgnoreFile(context: string, dockerfile: string): string[] {
  for (const file of [`${dockerfile}.dockerignore`, ".dockerignore"]) {
    try {
      return readFileSync(path.join(context, file), "utf8").split("\n");
    } catch {
      // try the next one
    }
  }
  return [];
}

/**
 * The context paths a Dockerfile's COPY/ADD instructions read (not `--from=` stage copies), e.g.
 * ["package.json", "app/backend/src"]. Handles line continuations and the JSON array form.
 */
export function copySources(dockerfileText: string): string[] {
  const instructions = dockerfileText
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => /^(COPY|ADD)\s/i.test(line));
  const sources: string[] = [];
  for (const instruction of instructions) {
    let rest = instruction.replace(/^(COPY|ADD)\s+/i, "");
    const flags: string[] = [];
    for (let flag = /^--\S+\s+/.exec(rest); flag; flag = /^--\S+\s+/.exec(rest)) {
      flags.push(flag[0].trim());
      rest = rest.slice(flag[0].length);
    }
    if (flags.some((flag) => flag.startsWith("--from="))) continue;
    const paths = rest.startsWith("[") ? (JSON.parse(rest) as string[]) : rest.split(/\s+/).filter(Boolean);
    sources.push(...paths.slice(0, -1)); // the last path is the destination
  }
  return sources.map((source) => path.posix.normalize(source.replace(/^\.\//, "")));
}

// Sorted, so the hash never depends on directory listing order.
function copiedFiles(context: string, sources: string[], ignore: ReturnType<typeof dockerignore>): string[] {
  const files = new Set<string>();
  const visit = (relative: string): void => {
    if (relative !== "." && ignore.ignores(relative)) return;
    const absolute = path.join(context, relative);
    let stats;
    try {
      stats = statSync(absolute);
    } catch {
      throw new Error(
        `The Dockerfile copies "${relative}" but ${absolute} does not exist: fix the COPY line or restore the file.`,
      );
    }
    if (stats.isDirectory()) {
      for (const entry of readdirSync(absolute)) visit(relative === "." ? entry : `${relative}/${entry}`);
    } else {
      files.add(relative);
    }
  };
  for (const source of sources) {
    if (/[*?[]/.test(source)) {
      throw new Error(
        `COPY source "${source}" uses a wildcard, which content tags do not support: list the paths.`,
      );
    }
    visit(source);
  }
  return [...files].sort();
}
