// The app's Secrets, created by the program in both modes and handed to the pods (and the chart) by name:
// the database URL from encrypted config (or built from a random password for the in-cluster PostgreSQL), the
// auth secret from @pulumi/random and the LLM key. Values only ever travel as secret Outputs.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { namingFor } from "./naming.js";
import { PORTS, type AppSpec } from "./spec.js";

export interface AppSecretsArgs {
  spec: AppSpec;
  /** external database URL (secret); undefined -> the in-cluster PostgreSQL's */
  databaseUrl?: pulumi.Output<string>;
  /** LLM API key (secret) */
  llmApiKey?: pulumi.Output<string>;
}

export class AppSecrets extends pulumi.ComponentResource {
  /** the DATABASE_URL the backend uses (secret) */
  readonly databaseUrl: pulumi.Output<string>;

  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("todo-chatbot:secrets:AppSecrets", name, {}, opts);
    const { spec } = args;
    const naming = namingFor(spec);
    const secret = (
      resourceName: string,
      secretName: string,
      stringData: Record<string, pulumi.Input<string>>,
      component: "backend" | "postgresql" = "backend",
    ) =>
      new k8s.core.v1.Secret(
        resourceName,
        {
          metadata: { name: secretName, namespace: spec.namespace, labels: naming.labels(component) },
          type: "Opaque",
          stringData,
        },
        { parent: this },
      );

    // Alphanumeric, so it needs no escaping inside a URL. The resource's name is the same in both modes, so
    // switching modes keeps the password and the auth secret.
    const authSecret = new random.RandomPassword(
      "auth-secret",
      { length: 48, special: false },
      { parent: this },
    );
    secret("auth", spec.secrets.auth, { BETTER_AUTH_SECRET: authSecret.result });

    if (spec.database.inCluster) {
      const db = spec.database;
      const password = new random.RandomPassword(
        "postgres-password",
        { length: 32, special: false },
        { parent: this },
      );
      const host = naming.name("postgresql");
      this.databaseUrl = pulumi.secret(
        pulumi.interpolate`postgresql://${db.username}:${password.result}@${host}:${PORTS.postgresql}/${db.database}`,
      );
      secret(
        "database",
        spec.secrets.database,
        { password: password.result, DATABASE_URL: this.databaseUrl },
        "postgresql",
      );
    } else {
      if (!args.databaseUrl) throw new Error("AppSecrets: an external database needs databaseUrl");
      this.databaseUrl = pulumi.secret(args.databaseUrl);
      secret("database", spec.secrets.database, { DATABASE_URL: this.databaseUrl });
    }

    if (spec.llm.hasKey) {
      if (!args.llmApiKey) throw new Error("AppSecrets: spec.llm.hasKey needs llmApiKey");
      secret("llm", spec.secrets.llm, { LLM_API_KEY: pulumi.secret(args.llmApiKey) });
    }

    this.registerOutputs({});
  }
}
