import { randomBytes } from "node:crypto";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { createAuthMiddleware, isAPIError } from "better-auth/api";
import { bearer } from "better-auth/plugins";
import type { FastifyBaseLogger as Logger } from "fastify";
import { checkAuthInput, LIMITS } from "./auth-input.js";
import type { Config } from "./config.js";
import type { Database } from "./db/client.js";
import * as schema from "./db/schema.js";
import type { SessionCache } from "./session-cache.js";

export type Auth = ReturnType<typeof createAuth>;

/**
 * Attempts allowed per client address and window (seconds) on the paths that guess or create credentials;
 * every other auth path gets Better Auth's default (100 per 10 s). Counted in the database, so all replicas
 * share one count. Better Auth matches these paths exactly (api/rate-limiter/index.mjs, customRules).
 */
export const AUTH_RATE_LIMITS = {
  "/sign-in/email": { window: 10, max: 3 },
  "/sign-up/email": { window: 60, max: 3 },
  "/change-password": { window: 10, max: 3 },
} as const;

/**
 * The header plugins/session.ts sets to the client's address (resolved by TRUSTED_PROXIES) before Better Auth
 * sees the request; a value the client sent is replaced, never used.
 */
export const CLIENT_ADDRESS_HEADER = "x-forwarded-for";

/**
 * Better Auth with email + password; cookie sessions for browsers, bearer tokens for API and MCP clients.
 * `sessions` is the request path's session cache: every session row Better Auth deletes, and every user it
 * changes, is evicted from it here.
 */
export function createAuth(config: Config, db: Database, logger: Logger, sessions: SessionCache) {
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
        rateLimit: schema.rateLimit,
      },
    }),
    emailAndPassword: {
      enabled: true,
      // Sign-up signs the person in, so it cannot answer the same for a registered email (docs/security.md).
      autoSignIn: true,
      minPasswordLength: LIMITS.passwordMin,
      maxPasswordLength: LIMITS.passwordMax,
      revokeSessionsOnPasswordReset: true,
    },
    // The bearer token must be the signed one (set-auth-token); the raw database token alone is refused.
    plugins: [bearer({ requireSignature: true })],
    // Set explicitly: Better Auth's defaults differ by NODE_ENV (off in test and development), and the limits
    // and origin check must be what the tests see (context/create-context.mjs).
    rateLimit: { enabled: true, storage: "database", customRules: { ...AUTH_RATE_LIMITS } },
    advanced: {
      disableOriginCheck: false,
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
    },
    // Errors that are not Better Auth's own answers (e.g. the database is down) are thrown to Fastify's
    // error handler (503 DATABASE_UNAVAILABLE / 500 with a JSON body) instead of a bare 500 with no body
    // (Bekacru/better-call, src/router.ts: onError rethrows, APIErrors still become responses).
    onAPIError: { throw: true },
    // plugins/session.ts passes X-Forwarded-Host/-Proto on only from a trusted proxy (the frontend, which sets them
    // from the browser's own request), so the origin the browser used is trusted; a client's own value is not.
    trustedOrigins: (request) => [...config.TRUSTED_ORIGINS, forwardedOrigin(request)],
    // Every path that ends a session deletes its row through Better Auth's internal adapter, which runs these
    // hooks for each row, also for the bulk deletes (sign-out, revoke-session(s), revoke-other-sessions,
    // change-password's revokeOtherSessions, an expired session's clean-up: better-auth/better-auth,
    // packages/better-auth/src/db/with-hooks.ts deleteWithHooks/deleteManyWithHooks, after the transaction commits). A changed
    // user (name, email) is evicted too, so /api/me never shows the old record.
    databaseHooks: {
      session: { delete: { after: async (session) => sessions.evictSession(session.id) } },
      user: {
        update: { after: async (user) => sessions.evictUser(user.id) },
        delete: { after: async (user) => sessions.evictUser(user.id) },
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        await checkAuthInput(ctx.path, ctx.body);
        // A changed password ends every other session, whatever the client asked (update-user.mjs).
        if (ctx.path === "/change-password") {
          return { context: { body: { ...ctx.body, revokeOtherSessions: true } } };
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        const returned = ctx.context.returned;
        if (!returned || typeof returned !== "object" || isAPIError(returned)) return;
        const hidden = withoutSessionTokens(ctx.path, returned);
        if (hidden) return ctx.json(hidden);
      }),
    },
    logger: {
      log: (level, message, ...args) => logger[level]({ args }, message),
    },
    telemetry: { enabled: false },
  });
}

/**
 * The answer without raw session tokens, or undefined when it has none: list-sessions lists every session
 * with its token, get-session has `session.token`, and sign-in, sign-up and change-password a top-level
 * `token`. The signed token in the cookie and the set-auth-token header is the only one handed out.
 */
function withoutSessionTokens(path: string, body: object): object | undefined {
  if (path === "/list-sessions" && Array.isArray(body)) return body.map(withoutToken);
  if (path === "/get-session" && "session" in body) return { ...body, session: withoutToken(body.session) };
  return "token" in body ? withoutToken(body) : undefined;
}

function withoutToken<T>(value: T): T {
  if (!value || typeof value !== "object") return value;
  const { token: _token, ...rest } = value as Record<string, unknown>;
  return rest as T;
}

function forwardedOrigin(request: Request | undefined): string | undefined {
  const host = request?.headers.get("x-forwarded-host");
  if (!host) return undefined;
  const proto = request?.headers.get("x-forwarded-proto") ?? "http";
  return `${proto}://${host}`;
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
