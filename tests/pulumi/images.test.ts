// The images component under Pulumi's mocks: one docker.Image (@pulumi/docker) per app, whose inputs are what
// the docker provider builds during `pulumi up` (the real build is the cluster suite's). Nothing runs here.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { StackConfig } from "../../components/config.js";
import { repoRoot } from "../support/chart.js";
import {
  installMocks,
  ofType,
  takeRecorded,
  valueOf,
  type RecordedResource,
} from "../support/pulumi-mocks.js";
import { configFrom, type Settings } from "../support/stack-config.js";

const COMPONENTS = ["backend", "frontend"] as const;
const MIRROR = "mirror.example.com/library/node:24.11-slim";
const IMAGE = "docker:index/image:Image";

interface Run {
  images: Record<(typeof COMPONENTS)[number], RecordedResource | undefined>;
  references: Record<(typeof COMPONENTS)[number], string>;
}

async function registerImages(settings: Settings): Promise<Run> {
  const { Images } = await import("../../components/images.js");
  const config: StackConfig = configFrom(settings);
  const images = new Images("images", { config, context: repoRoot, version: "0.1.0" });
  const references = {
    backend: await valueOf(images.backendImage),
    frontend: await valueOf(images.frontendImage),
  };
  const registered = ofType(await takeRecorded(), IMAGE);
  return {
    images: {
      backend: registered.find((r) => r.name === "backend"),
      frontend: registered.find((r) => r.name === "frontend"),
    },
    references,
  };
}

describe("images (components/images.ts: one docker.Image per app)", function () {
  this.timeout(20_000);
  before(installMocks);

  it("registers one image per app, built from its Dockerfile with the repository root as context, named as the Deployments reference it, not pushed", async () => {
    const run = await registerImages({});
    for (const component of COMPONENTS) {
      const image = run.images[component];
      assert.ok(image, `a docker.Image for ${component}`);
      assert.equal(image.inputs.imageName, run.references[component]);
      assert.match(run.references[component], new RegExp(`^todo-chatbot-${component}:[0-9a-f]{12}$`));
      assert.equal(path.resolve(image.inputs.build.context), repoRoot);
      assert.equal(
        path.resolve(image.inputs.build.dockerfile),
        path.join(repoRoot, `app/${component}/Dockerfile`),
      );
      assert.equal(image.inputs.skipPush, true);
      assert.equal(image.inputs.build.builderVersion, "BuilderV1", "a local base image is used as it is");
      assert.notEqual(image.inputs.buildOnPreview, true, "a preview builds nothing");
    }
  });

  it("nodeImage reaches both images' NODE_IMAGE build argument, and their tags change with it", async () => {
    const standard = await registerImages({});
    const mirrored = await registerImages({ nodeImage: MIRROR });
    for (const component of COMPONENTS) {
      assert.equal(standard.images[component]!.inputs.build.args.NODE_IMAGE, configFrom({}).nodeImage);
      assert.equal(mirrored.images[component]!.inputs.build.args.NODE_IMAGE, MIRROR);
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

  it("imageRegistry: names each image in the registry and pushes it", async () => {
    const run = await registerImages({ imageRegistry: "registry.example.com/team" });
    for (const component of COMPONENTS) {
      assert.match(run.references[component], /^registry\.example\.com\/team\//);
      assert.equal(run.images[component]!.inputs.imageName, run.references[component]);
      assert.equal(run.images[component]!.inputs.skipPush, false);
    }
  });

  it("registers no image with buildImages false, and uses the given references", async () => {
    const prebuilt = await registerImages({
      buildImages: false,
      backendImage: "registry.example.com/todo-backend:1.2.3",
      frontendImage: "registry.example.com/todo-frontend:1.2.3",
    });
    assert.deepEqual(prebuilt.images, { backend: undefined, frontend: undefined });
    assert.equal(prebuilt.references.backend, "registry.example.com/todo-backend:1.2.3");
    assert.equal(prebuilt.references.frontend, "registry.example.com/todo-frontend:1.2.3");
  });
});
