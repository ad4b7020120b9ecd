// The two app images, one `docker.Image` (@pulumi/docker) each, built by the docker provider through the Docker
// API of the daemon the environment points at (Minikube's after `eval $(minikube docker-env)`: the provider
// reads DOCKER_HOST and friends like the docker CLI) and pushed only when imageRegistry is set. Tags are
// content hashes (content-tag.ts), so a Deployment rolls exactly when its image's inputs change. The provider
// builds during `pulumi up` only (buildOnPreview defaults to false) and, as the provider's Delete shows,
// `pulumi destroy` forgets an image without removing it from Docker.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import path from "node:path";
import { CHART_DEFAULTS } from "./chart-defaults.ts";
import type { ImageSource, StackConfig } from "./config.ts";
import { contentTag } from "./content-tag.ts";
import { splitReference } from "./image-reference.ts";
import type { BuiltImages } from "./spec.ts";

// The names the chart's values.yaml gives them, so a plain `helm install` finds the images the program built.
export const IMAGE_REPOSITORIES = {
  backend: CHART_DEFAULTS.backend.image.repository,
  frontend: CHART_DEFAULTS.frontend.image.repository,
};

export interface ImagesArgs {
  config: ImageSource & Pick<StackConfig, "imageRegistry" | "nodeImage">;
  /** the repository root: the build context of both Dockerfiles */
  context: string;
  /** the app version, baked into the images' OCI labels */
  version: string;
}

export class Images extends pulumi.ComponentResource {
  /** repository and tag of each image, as the Deployments reference them (known in preview too) */
  readonly refs: BuiltImages;
  /** full image references (repository:tag) */
  readonly backendImage: pulumi.Output<string>;
  readonly frontendImage: pulumi.Output<string>;

  constructor(name: string, args: ImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("todo-chatbot:images:Images", name, {}, opts);
    const { config } = args;

    if (config.buildImages) {
      // The provider resolves a relative Dockerfile against its working directory, the project's (provider.go,
      // Check): relative paths keep the stack's state the same in every checkout.
      const context = path.relative(process.cwd(), args.context) || ".";
      const build = (component: "backend" | "frontend") => {
        const dockerfile = `app/${component}/Dockerfile`;
        // NODE_IMAGE is the Dockerfiles' base (ARG NODE_IMAGE=node:24-slim): a mirror or an air-gapped copy.
        const buildArgs = { VERSION: args.version, NODE_IMAGE: config.nodeImage };
        const repository = [config.imageRegistry, IMAGE_REPOSITORIES[component]].filter(Boolean).join("/");
        const tag = contentTag({ context: args.context, dockerfile, args: buildArgs });
        const image = new docker.Image(
          component,
          {
            imageName: `${repository}:${tag}`,
            build: {
              context,
              dockerfile: path.join(context, dockerfile),
              args: buildArgs,
              // The classic builder uses a base image the daemon already has without asking a registry;
              // BuildKit's default resolve mode asks the registry first and uses a local image only when that
              // fails (moby/buildkit pull request 6760), which a mirror or stand-in nodeImage never needs.
              builderVersion: docker.BuilderVersion.BuilderV1,
            },
            // Local images stay in the daemon the cluster's node uses; a registry gets them pushed.
            skipPush: config.imageRegistry === undefined,
          },
          { parent: this },
        );
        return { ref: { repository, tag }, image };
      };
      const backend = build("backend");
      const frontend = build("frontend");
      this.refs = { backend: backend.ref, frontend: frontend.ref };
      this.backendImage = backend.image.imageName;
      this.frontendImage = frontend.image.imageName;
    } else {
      // parseConfig has checked both references carry a tag.
      this.refs = {
        backend: splitReference(config.backendImage),
        frontend: splitReference(config.frontendImage),
      };
      this.backendImage = pulumi.output(config.backendImage);
      this.frontendImage = pulumi.output(config.frontendImage);
    }

    this.registerOutputs({ backendImage: this.backendImage, frontendImage: this.frontendImage });
  }
}
