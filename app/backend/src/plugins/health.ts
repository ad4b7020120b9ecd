import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { FastifyBaseLogger as Logger } from "fastify";
import { z } from "zod";
import type { AppContext } from "../app.js";
import type { DatabaseHandle } from "../db/client.js";

const PING_TIMEOUT_MS = 2_000;
const MAX_RETRY_DELAY_MS = 10_000;

/**
 * Applies migrations in the background and retries until they succeed, so the process starts (and stays
 * live) even when the database is not up yet — common when Postgres starts next to the app in a cluster.
 */
export class MigrationRunner {
  applied = false;
  lastError: string | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.running ??= this.run();
  }

  /** Resolves once migrations are applied (for tests and the stdio entry point). */
  async waitUntilApplied(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.applied) {
      if (Date.now() > deadline) throw new Error(`migrations not applied: ${this.lastError ?? "timed out"}`);
      await sleep(25);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async run(): Promise<void> {
    let delay = 500;
    while (!this.stopped) {
      try {
        const started = Date.now();
        await this.database.migrate();
        this.applied = true;
        this.lastError = undefined;
        this.logger.info(
          { ms: Date.now() - started, database: this.database.kind },
          "database migrations applied",
        );
        return;
      } catch (error) {
        this.lastError = (error as Error).message;
        this.logger.warn({ err: error, retryInMs: delay }, "database migrations failed; retrying");
        await sleep(delay);
        delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
      }
    }
  }
}

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
