// Raw mode's in-cluster PostgreSQL (used when the stack has no databaseUrl): the headless Service and the
// StatefulSet of manifests.ts, with the password from the database Secret. Helm mode turns on the chart's own.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { asArgs, databaseManifests } from "./manifests.js";
import type { AppSpec } from "./spec.js";

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
    new k8s.apps.v1.StatefulSet(objects.statefulSet.metadata.name, asArgs(objects.statefulSet), {
      parent: this,
      dependsOn: [service],
    });
    this.serviceName = objects.service.metadata.name;
    this.registerOutputs({ serviceName: this.serviceName });
  }
}
