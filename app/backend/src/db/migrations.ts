import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyBaseLogger as Logger } from "fastify";
import type { DatabaseHandle } from "./client.js";

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
