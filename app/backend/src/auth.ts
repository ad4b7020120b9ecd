import { randomBytes } from "node:crypto";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { bearer } from "better-auth/plugins";
import type { FastifyBaseLogger as Logger } from "fastify";
import type { Config } from "./config.js";
import type { Database } from "./db/client.js";
import * as schema from "./db/schema.js";

export type Auth = ReturnType<typeof createAuth>;

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

/** Better Auth with email + password; cookie sessions for browsers, bearer tokens for API and MCP clients. */
export function createAuth(config: Config, db: Database, logger: Logger) {
  return betterAuth({
    appName: "Todo Chatbot",
    baseURL: config.BETTER_AUTH_URL,
    basePath: "/api/auth",
    secret: authSecret(config, logger),
    database: drizzleAdapter(db, {
      provider: "pg",
      schema: {
        user: schema.user,
        session: schema.session,
        account: schema.account,
        verification: schema.verification,
      },
    }),
    emailAndPassword: { enabled: true, autoSignIn: true, minPasswordLength: 8 },
    plugins: [bearer()],
    // Errors that are not Better Auth's own answers (e.g. the database is down) are thrown to Fastify's
    // error handler (503 DATABASE_UNAVAILABLE / 500 with a JSON body) instead of a bare 500 with no body
    // (better-call dist/router.mjs: onError rethrows, APIErrors still become responses).
    onAPIError: { throw: true },
    // The frontend proxies /api/auth and forwards the host the browser used, so that origin is trusted too.
    trustedOrigins: (request) => [...config.TRUSTED_ORIGINS, forwardedOrigin(request)],
    logger: {
      log: (level, message, ...args) => logger[level]({ args }, message),
    },
    telemetry: { enabled: false },
  });
}

function forwardedOrigin(request: Request | undefined): string | undefined {
  const host = request?.headers.get("x-forwarded-host");
  if (!host) return undefined;
  const proto = request?.headers.get("x-forwarded-proto") ?? "http";
  return `${proto.split(",")[0]!.trim()}://${host.split(",")[0]!.trim()}`;
}

function authSecret(config: Config, logger: Logger): string {
  if (config.BETTER_AUTH_SECRET) return config.BETTER_AUTH_SECRET;
  // loadConfig() already refused production without a secret; anywhere else an ephemeral one is fine.
  logger.warn(
    "BETTER_AUTH_SECRET is not set: using an ephemeral secret, so sessions end when the server restarts. " +
      "Set BETTER_AUTH_SECRET (e.g. `openssl rand -base64 32`) to keep them.",
  );
  return randomBytes(32).toString("base64");
}
