import { buildApp, createLogger } from "./app.js";
import { ConfigError, developmentSecretFile, loadConfig, withDevelopmentAuthSecret } from "./config.js";

// After the forced close: time for the database pool to end before the process gives up on a clean exit.
const SHUTDOWN_EXIT_MARGIN_MS = 3_000;

/** Process entry point: validated config, listen, and a graceful stop on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  let keptSecret: boolean;
  try {
    const fromEnvironment = loadConfig();
    config = withDevelopmentAuthSecret(fromEnvironment);
    keptSecret = config.BETTER_AUTH_SECRET !== fromEnvironment.BETTER_AUTH_SECRET;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config);
  if (keptSecret) {
    logger.info(
      { file: developmentSecretFile(config.PGLITE_DATA_DIR) },
      "development: BETTER_AUTH_SECRET is not set; using the auth secret kept beside the PGlite data",
    );
  }
  const startedAt = performance.now();
  const app = await buildApp({ config, logger });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    // A request that does not finish in time (a hung model, a slow client) must not hold the process past
    // Kubernetes' grace period: its connection is closed, and a close that still hangs ends the process.
    setTimeout(() => {
      logger.warn(
        { afterMs: config.SHUTDOWN_TIMEOUT_MS },
        "shutdown: requests still running; closing their connections",
      );
      app.server.closeAllConnections();
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    setTimeout(() => {
      logger.error("shutdown did not complete; exiting");
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + SHUTDOWN_EXIT_MARGIN_MS).unref();
    try {
      // Stops accepting connections, waits for in-flight requests, then closes the database (onClose).
      await app.close();
      logger.info("shutdown complete");
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, "shutdown failed");
      process.exit(1);
    }
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));

  await app.listen({ host: config.HOST, port: config.PORT });
  logger.info(
    {
      startupMs: Math.round(performance.now() - startedAt),
      database: config.DATABASE_URL ? "postgres" : `pglite (${config.PGLITE_DATA_DIR})`,
      agent: config.LLM_API_KEY ? `llm (${config.LLM_MODEL})` : "offline",
    },
    "todo-chatbot backend listening",
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
