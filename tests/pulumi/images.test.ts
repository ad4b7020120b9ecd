// The images component as `pulumi up` runs it: the program builds with the Docker CLI (components/image-build.ts).
// Docker cannot run here, so a stand-in `docker` on PATH records every call and answers `image inspect` with
// FAKE_INSPECT_EXIT (1: the image is missing, so it gets built).
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { StackConfig } from "../../components/config.js";
import { repoRoot } from "../support/chart.js";
import { installMocks, setPreview, takeRecorded, valueOf } from "../support/pulumi-mocks.js";
import { configFrom, type Settings } from "../support/stack-config.js";

// One line a call, its arguments separated by the unit separator (arguments may hold spaces).
const FAKE_DOCKER = `#!/bin/sh
for arg in "$@"; do printf '%s\\037' "$arg" >> "$DOCKER_RECORD"; done
printf '\\n' >> "$DOCKER_RECORD"
if [ "$1" = "image" ]; then exit "\${FAKE_INSPECT_EXIT:-1}"; fi
exit 0
`;

const COMPONENTS = ["backend", "frontend"] as const;
const MIRROR = "mirror.example.com/library/node:24.11-slim";

interface Run {
  /** docker's argv, one array a call */
  calls: string[][];
  references: Record<(typeof COMPONENTS)[number], string>;
}

let workDir: string;
const saved = { PATH: process.env.PATH, DOCKER_RECORD: process.env.DOCKER_RECORD };

async function buildImages(settings: Settings, { preview = false, inspectExit = "1" } = {}): Promise<Run> {
  const record = path.join(mkdtempSync(path.join(workDir, "run-")), "docker.txt");
  writeFileSync(record, "");
  process.env.DOCKER_RECORD = record;
  process.env.FAKE_INSPECT_EXIT = inspectExit;
  await setPreview(preview);
  try {
    const { Images } = await import("../../components/images.js");
    const config: StackConfig = configFrom(settings);
    const images = new Images("images", { config, context: repoRoot, version: "0.1.0" });
    const references = {
      backend: await valueOf(images.backendImage),
      frontend: await valueOf(images.frontendImage),
    };
    await takeRecorded();
    const calls = readFileSync(record, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split("\x1f").slice(0, -1));
    return { calls, references };
  } finally {
    await setPreview(true);
  }
}

/** The value after `flag` in a call's argv. */
function flagValue(call: string[], flag: string): string | undefined {
  const index = call.indexOf(flag);
  return index === -1 ? undefined : call[index + 1];
}

function buildCall(run: Run, component: (typeof COMPONENTS)[number]): string[] {
  const builds = run.calls.filter(
    (call) => call[0] === "build" && flagValue(call, "-f") === `app/${component}/Dockerfile`,
  );
  assert.equal(builds.length, 1, `one build of ${component}: ${JSON.stringify(run.calls)}`);
  return builds[0]!;
}

function buildArgs(call: string[]): Record<string, string> {
  const args: Record<string, string> = {};
  call.forEach((arg, index) => {
    if (arg !== "--build-arg") return;
    const [key, ...value] = call[index + 1]!.split("=");
    args[key!] = value.join("=");
  });
  return args;
}

describe("images (components/images.ts, built with the Docker CLI during pulumi up)", function () {
  this.timeout(20_000);

  before(async () => {
    await installMocks();
    workDir = mkdtempSync(path.join(tmpdir(), "todo-images-"));
    const bin = path.join(workDir, "bin");
    mkdirSync(bin);
    writeFileSync(path.join(bin, "docker"), FAKE_DOCKER);
    chmodSync(path.join(bin, "docker"), 0o755);
    process.env.PATH = `${bin}${path.delimiter}${saved.PATH ?? ""}`;
  });
  after(() => {
    process.env.PATH = saved.PATH;
    if (saved.DOCKER_RECORD === undefined) delete process.env.DOCKER_RECORD;
    else process.env.DOCKER_RECORD = saved.DOCKER_RECORD;
    delete process.env.FAKE_INSPECT_EXIT;
    rmSync(workDir, { recursive: true, force: true });
  });

  it("builds each missing image from its Dockerfile, tagged with the reference the Deployments use, and pushes nothing", async () => {
    const run = await buildImages({});
    for (const component of COMPONENTS) {
      const call = buildCall(run, component);
      assert.equal(flagValue(call, "-t"), run.references[component]);
      assert.equal(call.at(-1), ".", "the repository root is the context");
    }
    assert.deepEqual(
      run.calls.filter((call) => call[0] === "push"),
      [],
    );
  });

  it("nodeImage reaches both images' NODE_IMAGE build argument, and their tags change with it", async () => {
    const standard = await buildImages({});
    const mirrored = await buildImages({ nodeImage: MIRROR });
    for (const component of COMPONENTS) {
      assert.equal(buildArgs(buildCall(standard, component)).NODE_IMAGE, configFrom({}).nodeImage, component);
      assert.equal(buildArgs(buildCall(mirrored, component)).NODE_IMAGE, MIRROR, component);
      assert.notEqual(mirrored.references[component], standard.references[component], component);
    }
  });

  it("the Dockerfiles build every stage FROM ${NODE_IMAGE}, whose own default is nodeImage's", () => {
    for (const component of COMPONENTS) {
      const text = readFileSync(path.join(repoRoot, `app/${component}/Dockerfile`), "utf8");
      assert.match(
        text,
        new RegExp(`^ARG NODE_IMAGE=${configFrom({}).nodeImage.replaceAll(".", "\\.")}$`, "m"),
      );
      const stages = [...text.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)];
      const named = new Set(stages.map((stage) => stage[2]));
      for (const [line, base] of stages) {
        assert.ok(base === "${NODE_IMAGE}" || named.has(base), `${component}: ${line}`);
      }
    }
  });

  it("imageRegistry: builds and pushes each image to the registry", async () => {
    const run = await buildImages({ imageRegistry: "registry.example.com/team" });
    for (const component of COMPONENTS) {
      assert.match(run.references[component], /^registry\.example\.com\/team\//);
      assert.equal(flagValue(buildCall(run, component), "-t"), run.references[component]);
    }
    assert.deepEqual(
      run.calls
        .filter((call) => call[0] === "push")
        .map((call) => call[1])
        .sort(),
      Object.values(run.references).sort(),
    );
  });

  it("does not rebuild an image whose content-addressed reference already exists", async () => {
    const run = await buildImages({}, { inspectExit: "0" });
    assert.deepEqual(
      run.calls.map((call) => call.slice(0, 2)),
      COMPONENTS.map(() => ["image", "inspect"]),
    );
  });

  it("runs no docker command in a preview, or with buildImages false", async () => {
    assert.deepEqual((await buildImages({}, { preview: true })).calls, []);
    const prebuilt = await buildImages({
      buildImages: false,
      backendImage: "registry.example.com/todo-backend:1.2.3",
      frontendImage: "registry.example.com/todo-frontend:1.2.3",
    });
    assert.deepEqual(prebuilt.calls, []);
    assert.equal(prebuilt.references.backend, "registry.example.com/todo-backend:1.2.3");
  });
});
