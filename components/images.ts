// The two app images: built with @pulumi/docker into the Docker daemon the environment points at (Minikube's
// after `eval $(minikube docker-env)`, or the provider's `docker:host`), pushed only when imageRegistry is set.
// Tags are content hashes (content-tag.ts), so a Deployment rolls exactly when its image's inputs change.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config.js";
import { contentTag } from "./content-tag.js";
import type { BuiltImages } from "./spec.js";

export const IMAGE_REPOSITORIES = {
  backend: "todo-chatbot-backend",
  frontend: "todo-chatbot-frontend",
} as const;

export interface ImagesArgs {
  config: Pick<StackConfig, "buildImages" | "imageRegistry" | "backendImage" | "frontendImage">;
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
        const buildArgs = { VERSION: args.version };
        const repository = [config.imageRegistry, IMAGE_REPOSITORIES[component]].filter(Boolean).join("/");
        const tag = contentTag({ context: args.context, dockerfile, args: buildArgs });
        const image = new docker.Image(
          component,
          {
            imageName: `${repository}:${tag}`,
            // Relative paths keep the inputs the same on every machine (Pulumi runs in the project folder).
            build: { context: ".", dockerfile, args: buildArgs },
            skipPush: config.imageRegistry === undefined,
          },
          { parent: this },
        );
        return { ref: { repository, tag }, imageName: image.imageName };
      };
      const backend = build("backend");
      const frontend = build("frontend");
      this.refs = { backend: backend.ref, frontend: frontend.ref };
      this.backendImage = backend.imageName;
      this.frontendImage = frontend.imageName;
    } else {
      // parseConfig has checked both references carry a tag.
      this.refs = {
        backend: splitReference(config.backendImage!),
        frontend: splitReference(config.frontendImage!),
      };
      this.backendImage = pulumi.output(config.backendImage!);
      this.frontendImage = pulumi.output(config.frontendImage!);
    }

    this.registerOutputs({ backendImage: this.backendImage, frontendImage: this.frontendImage });
  }
}

/** "registry:5000/team/app:1.2" -> { repository: "registry:5000/team/app", tag: "1.2" } */
export function splitReference(reference: string): { repository: string; tag: string } {
  const colon = reference.lastIndexOf(":");
  return { repository: reference.slice(0, colon), tag: reference.slice(colon + 1) };
}
