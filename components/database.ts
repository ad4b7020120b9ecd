// The in-cluster PostgreSQL (used when the stack has no databaseUrl), owned by the program and the same in both
// deploy modes: a headless Service, the StatefulSet (its volume claim from the claim template) and two
// NetworkPolicies of manifests.ts, with the password from the Secret secrets.ts makes. A deployMode switch does
// not touch it, so every user and task stays. Deleting the StatefulSet leaves its claim in place (Kubernetes'
// default claim retention policy); deleting the namespace (`pulumi destroy`) removes it.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { asArgs, databaseManifests } from "./manifests.ts";
import type { AppSpec } from "./spec.ts";

export interface InClusterDatabaseArgs {
  spec: AppSpec;
}

export class InClusterDatabase extends pulumi.ComponentResource {
  /** the Service the backend connects to */
  readonly serviceName: string;

  constructor(name: string, args: InClusterDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("todo-chatbot:database:InClusterDatabase", name, {}, opts);
    const objects = databaseManifests(args.spec);
    const service = new k8s.core.v1.Service(objects.service.metadata.name, asArgs(objects.service), {
      parent: this,
    });
    for (const policy of objects.networkPolicies) {
      new k8s.networking.v1.NetworkPolicy(policy.metadata.name, asArgs(policy), { parent: this });
    }
    new k8s.apps.v1.StatefulSet(objects.statefulSet.metadata.name, asArgs(objects.statefulSet), {
      parent: this,
      dependsOn: [service],
    });
    this.serviceName = objects.service.metadata.name;
    this.registerOutputs({ serviceName: this.serviceName });
  }
}
