// Content-addressed image tags: they change exactly when what an image is built from changes.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { contentTag, copySources } from "../../components/content-tag.js";
import { repoRoot } from "../chart/support.js";

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

  it("names a COPY source that does not exist and the fix", () => {
    rmSync(path.join(context, "config"), { recursive: true });
    assert.throws(() => tag(), /The Dockerfile copies "config\/settings.json" but .* does not exist/);
  });

  it("gives the repository's two images different tags, and a frontend change leaves the backend's alone", () => {
    const repo = mkdtempSync(path.join(tmpdir(), "todo-content-tag-repo-"));
    try {
      for (const entry of [
        ".dockerignore",
        ".npmrc",
        "package.json",
        "package-lock.json",
        "tsconfig.base.json",
      ]) {
        cpSync(path.join(repoRoot, entry), path.join(repo, entry));
      }
      for (const dir of ["app/backend/src", "app/backend/drizzle", "app/frontend/app", "app/frontend/lib"]) {
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
