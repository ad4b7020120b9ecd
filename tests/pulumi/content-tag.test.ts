// Content-addressed image tags: they change exactly when what an image is built from changes.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { contentTag, copySources } from "../../components/content-tag.js";
import { repoRoot } from "../support/chart.js";

const dockerignore = createRequire(import.meta.url)(
  "@balena/dockerignore",
) as typeof import("@balena/dockerignore").default;

/** Every file of the repository (relative, "/"-separated), but those under node_modules and .git. */
function repositoryFiles(dir = "."): string[] {
  return readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = dir === "." ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      return entry.name === "node_modules" || entry.name === ".git" ? [] : repositoryFiles(relative);
    }
    return [relative];
  });
}

const DOCKERFILE = `ARG NODE_IMAGE=node:24-slim
FROM \${NODE_IMAGE} AS build
COPY package.json \\
     package-lock.json ./
COPY --chown=1001:1001 ["src", "/app/src"]
RUN npm ci
FROM \${NODE_IMAGE}
COPY --from=build /app/dist ./dist
ADD config/settings.json /app/
`;

describe("content-addressed image tags (components/content-tag.ts)", () => {
  let context: string;

  beforeEach(() => {
    context = mkdtempSync(path.join(tmpdir(), "todo-content-tag-"));
    const write = (file: string, text: string) => writeFileSync(path.join(context, file), text);
    write("Dockerfile", DOCKERFILE);
    write("package.json", "{}");
    write("package-lock.json", "{}");
    write(".dockerignore", "src/**/*.test.ts\n");
    cpSync(path.join(repoRoot, "components"), path.join(context, "src"), { recursive: true });
    cpSync(path.join(repoRoot, "Pulumi.yaml"), path.join(context, "config", "settings.json"));
    cpSync(path.join(repoRoot, "README.md"), path.join(context, "docs", "README.md"));
  });
  afterEach(() => rmSync(context, { recursive: true, force: true }));

  const tag = (args?: Record<string, string>) => contentTag({ context, dockerfile: "Dockerfile", args });

  it("reads the context paths of COPY and ADD, not stage copies", () => {
    assert.deepEqual(copySources(DOCKERFILE), [
      "package.json",
      "package-lock.json",
      "src",
      "config/settings.json",
    ]);
  });

  it("is 12 hex digits and the same on every run", () => {
    assert.match(tag(), /^[0-9a-f]{12}$/);
    assert.equal(tag(), tag());
  });

  it("changes when a copied file changes, by one line", () => {
    const before = tag();
    const file = path.join(context, "src", "spec.ts");
    writeFileSync(file, readFileSync(file, "utf8") + "\n// one more line\n");
    assert.notEqual(tag(), before);
  });

  it("changes when a copied file is added, or the Dockerfile or a build argument changes", () => {
    const before = tag({ VERSION: "1" });
    assert.notEqual(tag({ VERSION: "2" }), before);
    writeFileSync(path.join(context, "src", "new-module.ts"), "export {};\n");
    const withNewFile = tag({ VERSION: "1" });
    assert.notEqual(withNewFile, before);
    writeFileSync(path.join(context, "Dockerfile"), DOCKERFILE + "USER 1001\n");
    assert.notEqual(tag({ VERSION: "1" }), withNewFile);
  });

  it("does not change for files the build never copies or .dockerignore excludes", () => {
    const before = tag();
    writeFileSync(path.join(context, "docs", "README.md"), "changed");
    writeFileSync(path.join(context, "src", "excluded.test.ts"), "ignored by .dockerignore");
    assert.equal(tag(), before);
  });

  it("reads <Dockerfile>.dockerignore instead of .dockerignore when it exists, as BuildKit does", () => {
    writeFileSync(path.join(context, "Dockerfile.dockerignore"), "src/**/*.md\n");
    const before = tag();
    writeFileSync(path.join(context, "src", "notes.md"), "ignored by Dockerfile.dockerignore");
    assert.equal(tag(), before);
    // .dockerignore no longer applies: the file it excludes now counts.
    writeFileSync(path.join(context, "src", "excluded.test.ts"), "counted");
    assert.notEqual(tag(), before);
  });

  it("names a COPY source that does not exist and the fix", () => {
    rmSync(path.join(context, "config"), { recursive: true });
    assert.throws(() => tag(), /The Dockerfile copies "config\/settings.json" but .* does not exist/);
  });

  it("gives the repository's two images different tags, and a frontend change leaves the backend's alone", () => {
    const repo = mkdtempSync(path.join(tmpdir(), "todo-content-tag-repo-"));
    try {
      for (const entry of [
        ".dockerignore",
        "app/backend/Dockerfile.dockerignore",
        "app/frontend/Dockerfile.dockerignore",
        ".npmrc",
        "package.json",
        "package-lock.json",
        "tsconfig.base.json",
      ]) {
        cpSync(path.join(repoRoot, entry), path.join(repo, entry), { recursive: true });
      }
      for (const dir of [
        "app/backend/src",
        "app/backend/scripts",
        "app/backend/drizzle",
        "app/frontend/app",
        "app/frontend/lib",
      ]) {
        cpSync(path.join(repoRoot, dir), path.join(repo, dir), { recursive: true });
      }
      for (const file of [
        "app/backend/package.json",
        "app/backend/tsconfig.json",
        "app/backend/tsconfig.build.json",
        "app/backend/Dockerfile",
        "app/frontend/package.json",
        "app/frontend/Dockerfile",
      ]) {
        cpSync(path.join(repoRoot, file), path.join(repo, file));
      }
      const repoTag = (component: string) =>
        contentTag({ context: repo, dockerfile: `app/${component}/Dockerfile`, args: { VERSION: "0.1.0" } });
      const backend = repoTag("backend");
      const frontend = repoTag("frontend");
      assert.notEqual(backend, frontend);
      writeFileSync(path.join(repo, "app/frontend/lib/added.ts"), "export const added = 1;\n");
      assert.equal(repoTag("backend"), backend);
      assert.notEqual(repoTag("frontend"), frontend);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});

// BuildKit sends a build only what `<Dockerfile>.dockerignore` admits; the content tag hashes only what COPY takes.
// The two lists must describe the same files, or an image misses a file or rebuilds for nothing.
describe("each Dockerfile's .dockerignore admits exactly what it copies", () => {
  const files = repositoryFiles();
  for (const component of ["backend", "frontend"]) {
    const dockerfile = `app/${component}/Dockerfile`;
    const sources = copySources(readFileSync(path.join(repoRoot, dockerfile), "utf8"));
    const ignore = dockerignore().add(
      readFileSync(path.join(repoRoot, `${dockerfile}.dockerignore`), "utf8").split("\n"),
    );
    const admitted = files.filter((file) => !ignore.ignores(file));
    const under = (source: string) => (file: string) => file === source || file.startsWith(`${source}/`);

    it(`${dockerfile}: every COPY source is admitted`, () => {
      assert.ok(sources.length > 3, "the Dockerfile's COPY lines were read");
      for (const source of sources) {
        assert.ok(
          admitted.some(under(source)),
          `${source} is copied but ${dockerfile}.dockerignore excludes it`,
        );
      }
    });

    it(`${dockerfile}: nothing it does not copy is admitted`, () => {
      assert.deepEqual(
        admitted.filter((file) => !sources.some((source) => under(source)(file))),
        [],
      );
    });
  }
});
