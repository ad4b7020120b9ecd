import rateLimit from "@fastify/rate-limit";
import type { preHandlerAsyncHookHandler } from "fastify";
import fp from "fastify-plugin";
import type { Config } from "../config.js";
import { HttpError } from "../errors.js";

declare module "fastify" {
  interface FastifyInstance {
    /** preHandler of every write (REST task writes, POST /mcp): one budget per user, shared by all of them. */
    writeLimit: preHandlerAsyncHookHandler;
  }
}

/**
 * Rate limits, keyed by the signed-in user (set by the routes' onRequest hooks; the address only before
 * that). Routes opt in: `config.rateLimit` for a limit of their own (chat), `preHandler: app.writeLimit` for
 * the shared write budget.
 *
 * The counters live in this process (@fastify/rate-limit's in-memory store): with N backend replicas a user
 * can make up to N times the limit, depending on which pod each connection reaches. That bounds abuse (no
 * single client writes thousands of tasks a second) without a shared store; a Redis store is the plugin's
 * option for an exact cluster-wide limit (docs/security.md).
 */
export const rateLimits = fp<{ config: Config }>(
  async (app, { config }) => {
    await app.register(rateLimit, {
      global: false,
      hook: "preHandler",
      keyGenerator: (request) => request.user?.id ?? request.ip,
      errorResponseBuilder: limitExceeded("requests"),
    });
    app.decorate(
      "writeLimit",
      app.rateLimit({
        max: config.WRITE_RATE_LIMIT_PER_MINUTE,
        timeWindow: "1 minute",
        errorResponseBuilder: limitExceeded("changes (task writes and MCP requests together)"),
      }),
    );
  },
  { name: "rate-limits" },
);

/** The 429 answer: what was limited, the limit, and when to try again (with the Retry-After header). */
export function limitExceeded(what: string) {
  return (_request: unknown, limit: { max: number; after: string }) =>
    new HttpError(
      429,
      "RATE_LIMITED",
      `Too many ${what}: at most ${limit.max} a minute. Try again in ${limit.after}.`,
    );
}
