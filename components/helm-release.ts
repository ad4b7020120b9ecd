// Helm mode: one release of our own chart (./helm/todo-chatbot) with values derived from the app spec.
// Secrets reach the chart by Secret name only (helm-values.ts).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import path from "node:path";
import { chartDigest } from "./chart-digest.ts";
import { CHART_PATH, helmValues, RELEASE_NAME } from "./helm-values.ts";
import type { AppSpec } from "./spec.ts";

export interface HelmAppArgs {
  spec: AppSpec;
  /** the repository root, where CHART_PATH is */
  projectDir: string;
}

export class HelmApp extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: HelmAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("todo-chatbot:app:HelmApp", name, {}, opts);
    this.release = new k8s.helm.v3.Release(
      RELEASE_NAME,
      {
        // A fixed name: object names are <release>-backend etc., never a random suffix.
        name: RELEASE_NAME,
        chart: CHART_PATH,
        namespace: args.spec.namespace,
        values: helmValues(args.spec),
        // Changes with any file of the chart, so a template edit is an upgrade (chart-digest.ts).
        description: `chart files sha256:${chartDigest(path.join(args.projectDir, CHART_PATH))}`,
        lint: true,
        // Wait for every pod to be ready; on failure roll back to the last good release and delete what the
        // failed one created, so a broken `pulumi up` leaves the app as it was.
        atomic: true,
        cleanupOnFail: true,
        // The first install pulls PostgreSQL and runs the migrations; a slow laptop needs minutes.
        timeout: 600,
        maxHistory: 10,
      },
      { parent: this },
    );
    this.registerOutputs({ release: this.release.status });
  }
}
