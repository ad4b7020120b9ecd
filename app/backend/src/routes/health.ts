import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../context.js";

const PING_TIMEOUT_MS = 2_000;

const healthSchema = z.object({ status: z.literal("ok") });
const readySchema = z.object({
  status: z.enum(["ready", "not_ready"]),
  database: z.enum(["postgres", "pglite"]),
  reason: z.string().optional(),
});

/** The probe contract: /health never touches the database; /ready needs it reachable and migrated. */
export const healthRoutes: FastifyPluginAsyncZod<{ context: AppContext }> = async (app, { context }) => {
  app.get(
    "/health",
    {
      schema: {
        summary: "Liveness probe (no database access)",
        tags: ["health"],
        response: { 200: healthSchema },
      },
      logLevel: "warn",
    },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/ready",
    {
      schema: {
        summary: "Readiness probe: database reachable and migrations applied",
        tags: ["health"],
        response: { 200: readySchema, 503: readySchema },
      },
      logLevel: "warn",
    },
    // The probe is unauthenticated: it says what is wrong in a few fixed words; the cause (host, port,
    // driver message) goes to the log only.
    async (request, reply) => {
      const database = context.database.kind;
      if (!context.migrations.applied) {
        // The migration runner logs each failed attempt with its cause.
        return reply
          .status(503)
          .send({ status: "not_ready", database, reason: "migrations not applied yet" });
      }
      try {
        await withTimeout(context.database.ping(), PING_TIMEOUT_MS);
        return { status: "ready" as const, database };
      } catch (error) {
        request.log.warn({ err: error }, "not ready: database unreachable");
        return reply.status(503).send({ status: "not_ready", database, reason: "database unreachable" });
      }
    },
  );
};

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
