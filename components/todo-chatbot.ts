// The top-level component: one explicit Kubernetes provider for the configured context, the namespace, the
// images, the Secrets, the in-cluster database (both modes'), then EITHER raw manifests OR the Helm release, all
// derived from one app spec.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config.ts";
import { InClusterDatabase } from "./database.ts";
import { HelmApp } from "./helm-release.ts";
import { Images } from "./images.ts";
import { KagentOps } from "./kagent.ts";
import { namingFor, PART_OF } from "./naming.ts";
import { RawApp } from "./raw-app.ts";
import { AppSecrets } from "./secrets.ts";
import { buildAppSpec, type AppSpec } from "./spec.ts";

export interface TodoChatbotArgs {
  config: StackConfig;
  /** the repository root (build context of the images) */
  projectDir: string;
  /** the app version (the chart's appVersion) */
  version: string;
}

export class TodoChatbot extends pulumi.ComponentResource {
  readonly spec: AppSpec;
  readonly namespace: pulumi.Output<string>;
  readonly backendImage: pulumi.Output<string>;
  readonly frontendImage: pulumi.Output<string>;
  readonly backendService: string;
  readonly frontendService: string;
  /** the frontend's node port (NodePort and LoadBalancer Services) */
  readonly frontendNodePort: pulumi.Output<number | undefined>;

  constructor(name: string, args: TodoChatbotArgs, opts?: pulumi.ComponentResourceOptions) {
    super("todo-chatbot:index:TodoChatbot", name, {}, opts);
    const { config } = args;

    // Never "whatever context is current": a stray context could be production.
    const provider = new k8s.Provider("k8s", { context: config.kubeContext }, { parent: this });
    // Custom resources take the provider; components hand it down to their children.
    const k8sResource = { parent: this, provider };
    const k8sChild = { parent: this, providers: [provider] };

    const namespace = new k8s.core.v1.Namespace(
      "namespace",
      {
        metadata: {
          name: config.namespace,
          labels: {
            "app.kubernetes.io/part-of": PART_OF,
            // Every pod of the app meets the restricted Pod Security Standard; let the cluster enforce it.
            "pod-security.kubernetes.io/enforce": "restricted",
          },
        },
      },
      k8sResource,
    );

    const images = new Images(
      "images",
      { config, context: args.projectDir, version: args.version },
      { parent: this },
    );
    this.spec = buildAppSpec(config, images.refs, args.version);
    const spec = this.spec;
    const naming = namingFor(spec);

    const secrets = new AppSecrets(
      "secrets",
      { spec, databaseUrl: config.databaseUrl, llmApiKey: config.llmApiKey },
      { ...k8sChild, dependsOn: [namespace] },
    );
    // One database for both modes, outside the mode branch: a switch leaves it (and its data) as it is.
    const database = spec.database.inCluster
      ? [new InClusterDatabase("database", { spec }, { ...k8sChild, dependsOn: [namespace, secrets] })]
      : [];
    const ready = { ...k8sChild, dependsOn: [namespace, secrets, images, ...database] };

    if (spec.mode === "manifests") {
      const app = new RawApp("raw", { spec }, ready);
      this.frontendNodePort = app.frontendService.spec.ports.apply((ports) => ports[0]?.nodePort);
    } else {
      const helm = new HelmApp("helm", { spec, projectDir: args.projectDir }, ready);
      // The release does not expose its objects; read the Service it created to learn the node port.
      const service = k8s.core.v1.Service.get(
        "frontend-service",
        `${spec.namespace}/${naming.name("frontend")}`,
        { parent: this, provider, dependsOn: [helm] },
      );
      this.frontendNodePort = service.spec.ports.apply((ports) => ports[0]?.nodePort);
    }

    if (config.enableKagent) {
      new KagentOps(
        "kagent",
        {
          appNamespace: spec.namespace,
          backendService: naming.name("backend"),
          backendPort: spec.backend.port,
          apiKey: config.kagentApiKey,
          chartRepository: config.kagentChartRepository,
          model: config.llmModel,
          baseUrl: config.llmBaseUrl,
          mcpToken: config.kagentMcpToken,
        },
        { ...k8sChild, dependsOn: [namespace] },
      );
    }

    this.namespace = namespace.metadata.name;
    this.backendImage = images.backendImage;
    this.frontendImage = images.frontendImage;
    this.backendService = naming.name("backend");
    this.frontendService = naming.name("frontend");
    this.registerOutputs({
      namespace: this.namespace,
      backendImage: this.backendImage,
      frontendImage: this.frontendImage,
      frontendNodePort: this.frontendNodePort,
    });
  }
}
