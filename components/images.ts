// The two app images, built by the program with the Docker CLI (image-build.ts) into the daemon the environment
// points at (Minikube's after `eval $(minikube docker-env)`) and pushed only when imageRegistry is set. Tags are
// content hashes (content-tag.ts), so a Deployment rolls exactly when its image's inputs change, and an image
// whose inputs did not change is not rebuilt. Builds run in `pulumi up`, never in `pulumi preview`.
import * as pulumi from "@pulumi/pulumi";
import { CHART_DEFAULTS } from "./chart-defaults.js";
import type { StackConfig } from "./config.js";
import { contentTag } from "./content-tag.js";
import { ensureImage } from "./image-build.js";
import { splitReference } from "./image-reference.js";
import type { BuiltImages } from "./spec.js";

// The names the chart's values.yaml gives them, so a plain `helm install` finds the images the program built.
export const IMAGE_REPOSITORIES = {
  backend: CHART_DEFAULTS.backend.image.repository,
  frontend: CHART_DEFAULTS.frontend.image.repository,
};

export interface ImagesArgs {
  config: Pick<StackConfig, "buildImages" | "imageRegistry" | "backendImage" | "frontendImage" | "nodeImage">;
  /** the repository root: the build context of both Dockerfiles */
  context: string;
  /** the app version, baked into the images' OCI labels */
  version: string;
}

export class Images extends pulumi.ComponentResource {
  /** repository and tag of each image, as the Deployments reference them */
  readonly refs: BuiltImages;
  /** full image references (repository:tag) */
  readonly backendImage: pulumi.Output<string>;
  readonly frontendImage: pulumi.Output<string>;

  constructor(name: string, args: ImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("todo-chatbot:images:Images", name, {}, opts);
    const { config } = args;

    if (config.buildImages) {
      const build = (component: "backend" | "frontend") => {
        const dockerfile = `app/${component}/Dockerfile`;
        // NODE_IMAGE is the Dockerfiles' base (ARG NODE_IMAGE=node:24-slim): a mirror or an air-gapped copy.
        const buildArgs = { VERSION: args.version, NODE_IMAGE: config.nodeImage };
        const repository = [config.imageRegistry, IMAGE_REPOSITORIES[component]].filter(Boolean).join("/");
        const tag = contentTag({ context: args.context, dockerfile, args: buildArgs });
        if (!pulumi.runtime.isDryRun()) {
          const result = ensureImage({
            reference: `${repository}:${tag}`,
            context: args.context,
            dockerfile,
            buildArgs,
            push: config.imageRegistry !== undefined,
          });
          pulumi.log.info(`${component} image ${repository}:${tag}: ${result}`, this);
        }
        return { repository, tag };
      };
      this.refs = { backend: build("backend"), frontend: build("frontend") };
    } else {
      // parseConfig has checked both references carry a tag.
      this.refs = {
        backend: splitReference(config.backendImage!),
        frontend: splitReference(config.frontendImage!),
      };
    }
    this.backendImage = pulumi.output(`${this.refs.backend.repository}:${this.refs.backend.tag}`);
    this.frontendImage = pulumi.output(`${this.refs.frontend.repository}:${this.refs.frontend.tag}`);

    this.registerOutputs({ backendImage: this.backendImage, frontendImage: this.frontendImage });
  }
}
