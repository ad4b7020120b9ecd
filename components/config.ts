// The stack's configuration: every key of Pulumi.yaml's `config:` read, typed and validated here, before any
// resource exists. An invalid value stops the program with one message per problem, each naming the key, the
// value (never a secret's) and the fix. Secret values leave this file only as secret Outputs.
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { unfixedTag } from "../policy/image-tag.cjs";

export const DEPLOY_MODES = ["helm", "manifests"] as const;
export const SERVICE_TYPES = ["NodePort", "LoadBalancer", "ClusterIP"] as const;
export const PULL_POLICIES = ["Always", "IfNotPresent", "Never"] as const;

export type DeployMode = (typeof DEPLOY_MODES)[number];
export type ServiceType = (typeof SERVICE_TYPES)[number];
export type PullPolicy = (typeof PULL_POLICIES)[number];

// Pulumi.yaml's `config:` block is the one home of every key's default. The CLI applies it to a real stack;
// parseConfig applies it too, so a program run with mocks (or a plain object in tests) gets the same values.
const DECLARED = (
  parseYaml(readFileSync(new URL("../Pulumi.yaml", import.meta.url), "utf8")) as {
    config: Record<string, { default: string | number | boolean }>;
  }
).config;

/** Pulumi.yaml's default of a key as the CLI would pass it (a string), or undefined for "" (unset). */
export function declaredDefault(key: string): string | undefined {
  const value = DECLARED[key]?.default;
  return value === undefined || value === "" ? undefined : String(value);
}

const MAX_REPLICAS = 20;

/** Where the app images come from: built here, or two prebuilt references (each with a tag). */
export type ImageSource =
  | { buildImages: true; backendImage?: undefined; frontendImage?: undefined }
  | { buildImages: false; backendImage: string; frontendImage: string };

/** kagent: off, or on with its model key and its chart repository, which it cannot do without. */
export type KagentSettings = {
  /** bearer token kagent sends to the backend's /mcp (secret); optional */
  kagentMcpToken?: pulumi.Output<string>;
} & (
  | { enableKagent: false; kagentApiKey?: pulumi.Output<string>; kagentChartRepository?: string }
  | {
      enableKagent: true;
      /** model key for kagent (secret) */
      kagentApiKey: pulumi.Output<string>;
      /** kagent's OCI chart repository, from kagent's install docs */
      kagentChartRepository: string;
    }
);

export type StackConfig = SharedConfig & ImageSource & KagentSettings;

interface SharedConfig {
  deployMode: DeployMode;
  namespace: string;
  kubeContext: string;
  /** the origin users open: BETTER_AUTH_URL and the first trusted origin, in both modes */
  publicUrl: string;
  /** Neon/PostgreSQL URL (secret); undefined -> in-cluster PostgreSQL */
  databaseUrl?: pulumi.Output<string>;
  /** LLM API key (secret); undefined -> the backend's offline agent */
  llmApiKey?: pulumi.Output<string>;
  llmBaseUrl: string;
  llmModel: string;
  /** registry host[/path] images are pushed to; undefined -> local images only */
  imageRegistry?: string;
  imagePullPolicy: PullPolicy;
  /** base image of both Dockerfiles (their NODE_IMAGE build argument) */
  nodeImage: string;
  /** image of the in-cluster PostgreSQL (when databaseUrl is not set) */
  postgresImage: string;
  backendReplicas: number;
  frontendReplicas: number;
  frontendServiceType: ServiceType;
}

/** Where raw values come from: Pulumi's config in a program, a plain object in tests. */
export interface ConfigSource {
  /** the raw string of a key, or undefined when unset */
  get(key: string): string | undefined;
  /** whether the stack stores the key encrypted (`pulumi config set --secret`) */
  isSecret(key: string): boolean;
}

export const SECRET_KEYS = ["databaseUrl", "llmApiKey", "kagentApiKey", "kagentMcpToken"] as const;

// A RunError: Pulumi prints its message without a stack trace, as an expected failure.
export class ConfigError extends pulumi.RunError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((problem) => `  - ${problem}`).join("\n"),
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Reads the current stack's configuration through Pulumi. */
export function readConfig(): StackConfig {
  const config = new pulumi.Config();
  return parseConfig({
    get: (key) => config.get(key),
    isSecret: (key) => isStoredSecret(`${pulumi.getProject()}:${key}`),
  });
}

// The SDK knows which keys the stack stores encrypted but does not type the function; absent, trust the user.
function isStoredSecret(fullKey: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  return runtime.isConfigSecret?.(fullKey) ?? true;
}

export function parseConfig(source: ConfigSource): StackConfig {
  const problems: string[] = [];
  // The stack's value, else Pulumi.yaml's default; "" means unset in both.
  const text = (key: string): string | undefined => {
    const value = source.get(key)?.trim();
    return value === undefined || value === "" ? declaredDefault(key) : value;
  };
  // The fallbacks below only shape a "Fix:" line (an invalid value stops the program): Pulumi.yaml's default.
  const oneOf = <T extends string>(
    key: string,
    allowed: readonly T[],
    fallback = declaredDefault(key) as T,
  ): T => {
    const value = text(key);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(
      `${key}: "${value}" is not one of ${allowed.join(", ")}. Fix: pulumi config set ${key} ${fallback}`,
    );
    return fallback;
  };
  const bool = (key: string, fallback = declaredDefault(key) === "true"): boolean => {
    const value = text(key);
    if (value === undefined) return fallback;
    if (value === "true" || value === "false") return value === "true";
    problems.push(`${key}: "${value}" is not a boolean. Fix: pulumi config set ${key} ${fallback}`);
    return fallback;
  };
  const replicas = (key: string, fallback = Number(declaredDefault(key))): number => {
    const value = text(key);
    if (value === undefined) return fallback;
    const number = Number(value);
    if (Number.isInteger(number) && number >= 1 && number <= MAX_REPLICAS) return number;
    problems.push(
      `${key}: "${value}" is not a whole number from 1 to ${MAX_REPLICAS}. ` +
        `Fix: pulumi config set ${key} ${fallback}`,
    );
    return fallback;
  };
  const secret = (key: (typeof SECRET_KEYS)[number], check?: (value: string) => string | undefined) => {
    const value = text(key);
    if (value === undefined) return undefined;
    if (!source.isSecret(key)) {
      problems.push(
        `${key} is stored in plain text in the stack file. Fix: pulumi config rm ${key} && ` +
          `pulumi config set --secret ${key} <value>`,
      );
    }
    const problem = check?.(value);
    if (problem) problems.push(`${key}: ${problem}`);
    return pulumi.secret(value);
  };

  const deployMode = oneOf("deployMode", DEPLOY_MODES);

  const namespace = text("namespace") ?? "";
  if (!isDnsLabel(namespace)) {
    problems.push(
      `namespace: "${namespace}" is not a valid Kubernetes namespace (lower-case letters, digits and "-", ` +
        `starting and ending with a letter or digit, at most 63 characters). Fix: pulumi config set namespace todo`,
    );
  }

  const kubeContext = text("kubeContext") ?? "";

  const publicUrl = (text("publicUrl") ?? "").replace(/\/+$/, "");
  if (!isOrigin(publicUrl)) {
    problems.push(
      `publicUrl: "${publicUrl}" is not an http(s) origin (scheme, host and optional port, no path). ` +
        `Fix: pulumi config set publicUrl https://todo.example.com (default ${declaredDefault("publicUrl")})`,
    );
  }

  const databaseUrl = secret("databaseUrl", checkPostgresUrl);
  const llmApiKey = secret("llmApiKey");

  const llmBaseUrl = text("llmBaseUrl") ?? "";
  if (!isHttpUrl(llmBaseUrl)) {
    problems.push(
      `llmBaseUrl: "${llmBaseUrl}" is not an http(s) URL. ` +
        `Fix: pulumi config set llmBaseUrl ${declaredDefault("llmBaseUrl")} (or your OpenAI-compatible endpoint)`,
    );
  }
  const llmModel = text("llmModel") ?? "";

  const buildImages = bool("buildImages");
  const imageRegistry = text("imageRegistry");
  if (imageRegistry !== undefined) {
    const problem = checkRegistry(imageRegistry);
    if (problem) problems.push(`imageRegistry: ${problem}`);
  }
  const backendImage = text("backendImage");
  const frontendImage = text("frontendImage");
  if (!buildImages) {
    for (const [key, value] of [
      ["backendImage", backendImage],
      ["frontendImage", frontendImage],
    ] as const) {
      const problem = checkImageReference(value);
      if (problem) {
        problems.push(
          `${key}: ${problem}, and buildImages is false. Fix: pulumi config set ${key} <repository>:<tag>, ` +
            `or pulumi config set buildImages true`,
        );
      }
    }
  }

  const localImages = buildImages && imageRegistry === undefined;
  const imagePullPolicy = oneOf("imagePullPolicy", PULL_POLICIES, localImages ? "Never" : "IfNotPresent");
  if (imagePullPolicy === "Never" && imageRegistry !== undefined) {
    problems.push(
      `imagePullPolicy: "Never" with imageRegistry "${imageRegistry}": the nodes would never pull the pushed ` +
        `images. Fix: pulumi config set imagePullPolicy IfNotPresent`,
    );
  }

  const image = (key: "nodeImage" | "postgresImage") => {
    const value = text(key);
    const problem = checkImageReference(value);
    if (problem) {
      problems.push(
        `${key}: ${problem}. Fix: pulumi config set ${key} <repository>:<tag> (default ${declaredDefault(key)})`,
      );
    }
    return value ?? "";
  };
  const nodeImage = image("nodeImage");
  const postgresImage = image("postgresImage");

  const backendReplicas = replicas("backendReplicas");
  const frontendReplicas = replicas("frontendReplicas");
  const frontendServiceType = oneOf("frontendServiceType", SERVICE_TYPES);

  const enableKagent = bool("enableKagent");
  const kagentApiKey = secret("kagentApiKey");
  const kagentMcpToken = secret("kagentMcpToken");
  if (enableKagent && kagentApiKey === undefined) {
    problems.push(
      `enableKagent is true but kagentApiKey is not set: kagent's agent needs a model key. ` +
        `Fix: pulumi config set --secret kagentApiKey <key>, or pulumi config set enableKagent false`,
    );
  }
  // kagent publishes its charts to a registry this project does not name (docs/aiops.md): the user supplies it.
  const kagentChartRepository = text("kagentChartRepository")?.replace(/\/+$/, "");
  if (kagentChartRepository !== undefined && !/^oci:\/\/[^/\s]+(\/[^/\s]+)+$/.test(kagentChartRepository)) {
    problems.push(
      `kagentChartRepository: "${kagentChartRepository}" is not an OCI chart repository. ` +
        `Fix: pulumi config set kagentChartRepository oci://<registry-host>/<path> (the path of kagent's install docs)`,
    );
  } else if (enableKagent && kagentChartRepository === undefined) {
    problems.push(
      `enableKagent is true but kagentChartRepository is not set: kagent's charts come from its OCI repository. ` +
        `Fix: pulumi config set kagentChartRepository oci://<registry-host>/<path> (see docs/aiops.md)`,
    );
  }

  if (problems.length > 0) throw new ConfigError(problems);
  // Past the check: a missing image reference or kagent setting was a problem above.
  const images: ImageSource =
    !buildImages && backendImage !== undefined && frontendImage !== undefined
      ? { buildImages, backendImage, frontendImage }
      : { buildImages: true };
  const kagent: KagentSettings =
    enableKagent && kagentApiKey !== undefined && kagentChartRepository !== undefined
      ? { enableKagent, kagentApiKey, kagentChartRepository, kagentMcpToken }
      : { enableKagent: false, kagentApiKey, kagentChartRepository, kagentMcpToken };

  return {
    deployMode,
    namespace,
    kubeContext,
    publicUrl,
    databaseUrl,
    llmApiKey,
    llmBaseUrl,
    llmModel,
    ...images,
    imageRegistry,
    imagePullPolicy,
    nodeImage,
    postgresImage,
    backendReplicas,
    frontendReplicas,
    frontendServiceType,
    ...kagent,
  };
}

function isDnsLabel(value: string): boolean {
  return value.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value);
}

// The backend compares origins (BETTER_AUTH_URL, TRUSTED_ORIGINS): a path or a query would never match one.
function isOrigin(value: string): boolean {
  return isHttpUrl(value) && new URL(value).origin === value;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

// The message shows the scheme and host at most: the rest of a database URL is the password.
function checkPostgresUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return (
      "the value is not a URL (expected postgresql://user:password@host/db?sslmode=require). " +
      "Fix: pulumi config set --secret databaseUrl <url>, or pulumi config rm databaseUrl for the in-cluster database"
    );
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    return (
      `the URL's scheme is "${url.protocol}" but must be postgresql: or postgres:. ` +
      "Fix: pulumi config set --secret databaseUrl postgresql://user:password@host/db?sslmode=require"
    );
  }
  if (!url.hostname) {
    return "the URL has no host. Fix: pulumi config set --secret databaseUrl postgresql://user:password@host/db";
  }
  return undefined;
}

// Images are pushed as "<registry>/todo-chatbot-backend:<tag>"; a first part with no "." or ":" (and not
// "localhost") is not a registry host but a Docker Hub user, which must be written with Docker Hub's host in front.
function checkRegistry(value: string): string | undefined {
  if (!/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/.test(value)) {
    return (
      `"${value}" is not a registry host with an optional path (no scheme, no trailing "/"), e.g. ` +
      `"registry.example.com/team". Fix: pulumi config set imageRegistry <host>[/path]`
    );
  }
  const host = value.split("/")[0]!;
  if (!host.includes(".") && !host.includes(":") && host !== "localhost") {
    return (
      `"${value}" does not start with a registry host (a name with a "." or a ":port", or localhost); ` +
      `for a Docker Hub account put Docker Hub's registry host in front. ` +
      `Fix: pulumi config set imageRegistry <registry-host>/${value}`
    );
  }
  return undefined;
}

function checkImageReference(value: string | undefined): string | undefined {
  if (value === undefined) return "not set";
  if (value.includes("@")) return `"${value}" is a digest reference; use <repository>:<tag>`;
  if (!/^[a-z0-9._/:-]+$/i.test(value)) return `"${value}" is not an image reference`;
  const unfixed = unfixedTag(value);
  if (unfixed === "no tag") return `"${value}" has no tag`;
  if (unfixed === "latest") return `"${value}" uses the moving tag "latest"`;
  return undefined;
}
