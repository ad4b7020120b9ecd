// The app's Secrets, created by the program in both modes and handed to the pods (and the chart) by name:
// the database URL from encrypted config (or built from a generated password for the in-cluster PostgreSQL),
// a generated auth secret and the LLM key. Values only ever travel as secret Outputs.
//
// Generated values live in one Secret (GENERATED_SECRET) created once and never updated (ignoreChanges): the
// program draws fresh random bytes on every run, but the engine keeps the first ones, so the values are stable
// across updates and across a deployMode switch (an old volume still matches its password). This needs no
// provider plugin (it replaces @pulumi/random's RandomPassword).
import { randomBytes } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { APP_NAME, namingFor, PART_OF } from "./naming.js";
import { PORTS, type AppSpec } from "./spec.js";

/** The Secret holding the generated values; one name in both modes, since both use the same values. */
export const GENERATED_SECRET = "todo-chatbot-generated";

export interface AppSecretsArgs {
  spec: AppSpec;
  /** external database URL (secret); undefined -> the in-cluster PostgreSQL's */
  databaseUrl?: pulumi.Output<string>;
  /** LLM API key (secret) */
  llmApiKey?: pulumi.Output<string>;
}

/** A random alphanumeric string (hex), so it needs no escaping inside a URL. */
function generated(bytes: number): pulumi.Output<string> {
  return pulumi.secret(randomBytes(bytes).toString("hex"));
}

export class AppSecrets extends pulumi.ComponentResource {
  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("todo-chatbot:secrets:AppSecrets", name, {}, opts);
    const { spec } = args;
    const naming = namingFor(spec);
    const metadata = (secretName: string, component: "backend" | "postgresql") => ({
      name: secretName,
      namespace: spec.namespace,
      labels: naming.labels(component),
    });
    const secret = (
      resourceName: string,
      secretName: string,
      stringData: Record<string, pulumi.Input<string>>,
      component: "backend" | "postgresql" = "backend",
    ) =>
      new k8s.core.v1.Secret(
        resourceName,
        { metadata: metadata(secretName, component), type: "Opaque", stringData },
        { parent: this },
      );

    const kept = new k8s.core.v1.Secret(
      "generated",
      {
        // Labels of no mode: the object is the same in both, and only Pulumi manages it.
        metadata: {
          name: GENERATED_SECRET,
          namespace: spec.namespace,
          labels: {
            "app.kubernetes.io/name": APP_NAME,
            "app.kubernetes.io/part-of": PART_OF,
            "app.kubernetes.io/managed-by": "pulumi",
          },
        },
        type: "Opaque",
        stringData: { BETTER_AUTH_SECRET: generated(24), POSTGRES_PASSWORD: generated(16) },
      },
      // pulumi-kubernetes turns a Secret's stringData into data before diffing, so both must be ignored: the
      // cluster suite found that ignoring stringData alone rewrote the values on the next update.
      { parent: this, ignoreChanges: ["stringData", "data"] },
    );
    // The values as stored (base64 in `data`), not this run's fresh draw.
    const keptValue = (key: string) =>
      pulumi.secret(kept.data.apply((data) => Buffer.from(data[key] ?? "", "base64").toString("utf8")));

    secret("auth", spec.secrets.auth, { BETTER_AUTH_SECRET: keptValue("BETTER_AUTH_SECRET") });

    if (spec.database.inCluster) {
      const db = spec.database;
      const password = keptValue("POSTGRES_PASSWORD");
      const host = naming.name("postgresql");
      const url = pulumi.interpolate`postgresql://${db.username}:${password}@${host}:${PORTS.postgresql}/${db.database}`;
      secret("database", spec.secrets.database, { password, DATABASE_URL: pulumi.secret(url) }, "postgresql");
    } else {
      if (!args.databaseUrl) throw new Error("AppSecrets: an external database needs databaseUrl");
      secret("database", spec.secrets.database, { DATABASE_URL: pulumi.secret(args.databaseUrl) });
    }

    if (spec.llm.hasKey) {
      if (!args.llmApiKey) throw new Error("AppSecrets: spec.llm.hasKey needs llmApiKey");
      secret("llm", spec.secrets.llm, { LLM_API_KEY: pulumi.secret(args.llmApiKey) });
    }

    this.registerOutputs({});
  }
}
