// The app's Secrets, created by the program in both modes and handed to the pods (and the chart) by name:
// the database URL from encrypted config (or built from a generated password for the in-cluster PostgreSQL),
// a generated auth secret and the LLM key. Values only ever travel as secret Outputs.
//
// Generated values are random.RandomPassword resources (@pulumi/random): drawn once at create, kept in the
// stack's state (encrypted) and never redrawn, so they are stable across updates and across a deployMode switch
// (their resources belong to no mode). The database password exists even with an external databaseUrl, so a
// switch to Neon and back still matches the password the in-cluster PostgreSQL's volume was initialised with.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { DATABASE_NAME, databaseNaming, namingFor } from "./naming.ts";
import { PORTS, type AppSpec } from "./spec.ts";

export interface AppSecretsArgs {
  spec: AppSpec;
  /** external database URL (secret); undefined -> the in-cluster PostgreSQL's */
  databaseUrl?: pulumi.Output<string>;
  /** LLM API key (secret) */
  llmApiKey?: pulumi.Output<string>;
}

export class AppSecrets extends pulumi.ComponentResource {
  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("todo-chatbot:secrets:AppSecrets", name, {}, opts);
    const { spec } = args;
    const naming = namingFor(spec);
    const secret = (
      resourceName: string,
      metadata: { name: string; labels: Record<string, string> },
      stringData: Record<string, pulumi.Input<string>>,
    ) =>
      new k8s.core.v1.Secret(
        resourceName,
        { metadata: { ...metadata, namespace: spec.namespace }, type: "Opaque", stringData },
        { parent: this },
      );
    // Letters and digits only (special: false), so a password needs no escaping inside a URL.
    const generated = (resourceName: string, length: number) =>
      // The provider marks `result` secret; saying so here too keeps it secret wherever it flows.
      pulumi.secret(
        new random.RandomPassword(resourceName, { length, special: false }, { parent: this }).result,
      );

    const authSecret = generated("auth-secret", 48);
    const databasePassword = generated("database-password", 32);

    const appSecret = (
      resourceName: string,
      secretName: string,
      stringData: Record<string, pulumi.Input<string>>,
    ) => secret(resourceName, { name: secretName, labels: naming.labels("backend") }, stringData);

    appSecret("auth", spec.secrets.auth, { BETTER_AUTH_SECRET: authSecret });

    if (spec.database.inCluster) {
      const db = spec.database;
      // The PostgreSQL's own Secret: its password, the same object in both modes (database.ts reads it).
      secret(
        "database-password",
        { name: DATABASE_NAME, labels: databaseNaming(spec).labels("postgresql") },
        { password: databasePassword },
      );
      const url = pulumi.interpolate`postgresql://${db.username}:${databasePassword}@${DATABASE_NAME}:${PORTS.postgresql}/${db.database}`;
      appSecret("database", spec.secrets.database, { DATABASE_URL: pulumi.secret(url) });
    } else {
      if (!args.databaseUrl) throw new Error("AppSecrets: an external database needs databaseUrl");
      appSecret("database", spec.secrets.database, { DATABASE_URL: pulumi.secret(args.databaseUrl) });
    }

    if (spec.llm.hasKey) {
      if (!args.llmApiKey) throw new Error("AppSecrets: spec.llm.hasKey needs llmApiKey");
      appSecret("llm", spec.secrets.llm, { LLM_API_KEY: pulumi.secret(args.llmApiKey) });
    }

    this.registerOutputs({});
  }
}
