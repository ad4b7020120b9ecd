import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { compileTrustedProxies } from "./trusted-proxies.js";

/** Settings read once from the environment; see docs/api.md for the table. */
export type Config = z.infer<typeof configSchema>;

const DEFAULT_LLM_BASE_URL = "https://api.openai.com/v1";
const MIN_SECRET_LENGTH = 32;

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));

const integer = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

const configSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    HOST: z.string().default("0.0.0.0"),
    PORT: integer(8000, 1, 65535),
    DATABASE_URL: optionalString.refine(
      (value) => value === undefined || /^postgres(ql)?:\/\/.+/.test(value),
      "must be a postgres:// or postgresql:// URL (or unset for the embedded PGlite database)",
    ),
    DATABASE_POOL_MAX: integer(5, 1, 100),
    PGLITE_DATA_DIR: z.string().default(".data/pglite"),
    BETTER_AUTH_SECRET: optionalString,
    BETTER_AUTH_URL: z
      .url("must be an absolute URL such as http://localhost:8000")
      .default("http://localhost:8000"),
    TRUSTED_ORIGINS: z
      .string()
      .default("http://localhost:3000")
      .transform((value) =>
        value
          .split(",")
          .map((origin) => origin.trim())
          .filter(Boolean),
      ),
    // Reverse proxies (the frontend's pods) whose X-Forwarded-For/-Host/-Proto are believed; see trusted-proxies.ts.
    TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform((value) =>
        value
          .split(",")
          .map((entry) => entry.trim())
          .filter(Boolean),
      )
      .superRefine((entries, ctx) => {
        try {
          compileTrustedProxies(entries);
        } catch (error) {
          ctx.addIssue({
            code: "custom",
            message: `${(error as Error).message}: list the proxies' IP addresses or CIDR ranges, comma-separated (e.g. 10.244.0.0/16), or leave it empty to trust none`,
          });
        }
      }),
    LLM_API_KEY: optionalString,
    LLM_BASE_URL: z.url("must be an absolute URL of an OpenAI-compatible API").default(DEFAULT_LLM_BASE_URL),
    LLM_MODEL: z.string().min(1).default("gpt-4o-mini"),
    LLM_TIMEOUT_MS: integer(30_000, 1_000, 600_000),
    CHAT_RATE_LIMIT_PER_MINUTE: integer(30, 1, 10_000),
    WRITE_RATE_LIMIT_PER_MINUTE: integer(120, 1, 100_000),
    BODY_LIMIT_BYTES: integer(1_048_576, 1_024, 52_428_800),
    // A request's headers and body must have arrived within this; a slower client gets 408.
    REQUEST_TIMEOUT_MS: integer(15_000, 1_000, 300_000),
    // On SIGTERM, requests still running after this lose their connections, so the process exits before
    // Kubernetes' SIGKILL (terminationGracePeriodSeconds, 30 s by default; the chart keeps the default).
    SHUTDOWN_TIMEOUT_MS: integer(20_000, 1_000, 600_000),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((config, ctx) => {
    if (config.NODE_ENV !== "production") return;
    if (!config.BETTER_AUTH_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["BETTER_AUTH_SECRET"],
        message: `is required when NODE_ENV=production: set it to a random string of at least ${MIN_SECRET_LENGTH} characters (e.g. \`openssl rand -base64 32\`)`,
      });
    }
  })
  .superRefine((config, ctx) => {
    const secret = config.BETTER_AUTH_SECRET;
    if (secret !== undefined && (secret.length < MIN_SECRET_LENGTH || new Set(secret).size < 8)) {
      ctx.addIssue({
        code: "custom",
        path: ["BETTER_AUTH_SECRET"],
        message: `is too weak (${secret.length} characters, ${new Set(secret).size} distinct): use a random string of at least ${MIN_SECRET_LENGTH} characters (e.g. \`openssl rand -base64 32\`)`,
      });
    }
  });

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * The secrets that may come from a file instead: `<NAME>_FILE` holds the path (a mounted Kubernetes Secret, a
 * Docker secret), so the value is not in the process environment, which `/proc/<pid>/environ`, crash reports
 * and child processes can see (CIS Kubernetes Benchmark 5.4.1).
 */
export const SECRET_FILE_VARIABLES = ["DATABASE_URL", "BETTER_AUTH_SECRET", "LLM_API_KEY"] as const;

/** The environment with each `<NAME>_FILE` read into `<NAME>`; problems as "  VARIABLE: what and fix" lines. */
function withSecretFiles(env: Record<string, string | undefined>) {
  const resolved = { ...env };
  const problems: string[] = [];
  for (const name of SECRET_FILE_VARIABLES) {
    const path = env[`${name}_FILE`]?.trim();
    if (!path) continue;
    if (env[name]?.trim()) {
      problems.push(`  ${name}_FILE=${JSON.stringify(path)}: ${name} is set too; set only one of them`);
      continue;
    }
    try {
      // A trailing line break is how most tools write such a file; it is not part of the value.
      resolved[name] = readFileSync(path, "utf8").replace(/\r?\n$/, "");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      problems.push(
        `  ${name}_FILE=${JSON.stringify(path)}: cannot be read (${reason}); mount the secret there or fix the path`,
      );
    }
  }
  return { resolved, problems };
}

/** Parses the environment; throws one ConfigError naming every bad variable, its value and the fix. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const { resolved, problems } = withSecretFiles(env);
  const result = configSchema.safeParse(resolved);
  if (result.success && problems.length === 0) return result.data;
  const lines = (result.success ? [] : result.error.issues).map((issue) => {
    const key = String(issue.path[0] ?? "environment");
    const shown = describeValue(key, resolved[key]);
    return `  ${key}${shown}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${[...problems, ...lines].join("\n")}`);
}

/**
 * `npm run dev` (development on PGlite) with no BETTER_AUTH_SECRET: an ephemeral secret would sign everyone
 * out at every restart, so one is generated once and kept beside the PGlite data directory, readable by its
 * owner only (`<PGLITE_DATA_DIR>.auth-secret`, mode 0600). Never in production (loadConfig requires the
 * variable there), on PostgreSQL (a shared server is not a developer's laptop) or with in-memory data.
 */
export function withDevelopmentAuthSecret(config: Config): Config {
  if (
    config.BETTER_AUTH_SECRET ||
    config.NODE_ENV !== "development" ||
    config.DATABASE_URL ||
    config.PGLITE_DATA_DIR.startsWith("memory://")
  ) {
    return config;
  }
  const file = developmentSecretFile(config.PGLITE_DATA_DIR);
  mkdirSync(dirname(file), { recursive: true });
  try {
    // "wx": never overwrite a secret another process wrote first.
    writeFileSync(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `Invalid configuration:\n  ${file}: holds no usable auth secret; delete the file (a new one is generated) or set BETTER_AUTH_SECRET`,
    );
  }
  return { ...config, BETTER_AUTH_SECRET: secret };
}

export function developmentSecretFile(pgliteDataDir: string): string {
  return `${resolve(pgliteDataDir)}.auth-secret`;
}

// Never echo secrets back into logs: show only their length.
function describeValue(key: string, value: string | undefined): string {
  if (value === undefined || value.trim() === "") return " (unset)";
  if (/SECRET|KEY|PASSWORD|DATABASE_URL/.test(key)) return ` (${value.length} characters, hidden)`;
  return `=${JSON.stringify(value)}`;
}
