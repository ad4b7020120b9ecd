// Raw mode: the app as plain Kubernetes objects (manifests.ts), applied by Pulumi. Pulumi waits for each
// Deployment's rollout, as `helm --wait` does in Helm mode.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { appManifests, asArgs } from "./manifests.ts";
import type { AppSpec } from "./spec.ts";

export interface RawAppArgs {
  spec: AppSpec;
}

export class RawApp extends pulumi.ComponentResource {
  /** the frontend Service, whose node port tells users where the app is */
  readonly frontendService: k8s.core.v1.Service;

  constructor(name: string, args: RawAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("todo-chatbot:app:RawApp", name, {}, opts);
    const objects = appManifests(args.spec);
    const child = { parent: this };

    const configMap = new k8s.core.v1.ConfigMap(
      objects.configMap.metadata.name,
      asArgs(objects.configMap),
      child,
    );
    for (const component of [objects.backend, objects.frontend]) {
      new k8s.apps.v1.Deployment(component.deployment.metadata.name, asArgs(component.deployment), {
        ...child,
        dependsOn: [configMap],
      });
      if (component.pdb)
        new k8s.policy.v1.PodDisruptionBudget(
          `${component.pdb.metadata.name}-pdb`,
          asArgs(component.pdb),
          child,
        );
    }
    new k8s.core.v1.Service(objects.backend.service.metadata.name, asArgs(objects.backend.service), child);
    const frontendService = new k8s.core.v1.Service(
      objects.frontend.service.metadata.name,
      asArgs(objects.frontend.service),
      child,
    );
    for (const policy of objects.networkPolicies) {
      new k8s.networking.v1.NetworkPolicy(`${policy.metadata.name}-netpol`, asArgs(policy), child);
    }

    this.frontendService = frontendService;
    this.registerOutputs({});
  }
}
