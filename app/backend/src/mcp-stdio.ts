import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { eq } from "drizzle-orm";
import { pino } from "pino";
import { loadConfig } from "./config.js";
import { openDatabase } from "./db/client.js";
import { user } from "./db/schema.js";
import { createTaskMcpServer } from "./mcp/task-server.js";
import { TaskService } from "./tasks/service.js";

/**
 * The task tools over stdio, for desktop MCP clients on the same machine as the database.
 * A local process has no token, so the user is named by MCP_USER_EMAIL (an existing account).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const email = process.env.MCP_USER_EMAIL?.trim();
  // stdout carries the protocol: every log line goes to stderr.
  const logger = pino({ level: config.LOG_LEVEL }, pino.destination(2));
  if (!email)
    throw new Error("MCP_USER_EMAIL is not set: set it to the email of the account whose tasks to serve.");
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    poolMax: 2,
    pgliteDataDir: config.PGLITE_DATA_DIR,
    logger,
  });
  await database.migrate();
  const [account] = await database.db.select().from(user).where(eq(user.email, email));
  if (!account)
    throw new Error(`MCP_USER_EMAIL="${email}" has no account: sign up first, or fix the address.`);
  const server = createTaskMcpServer(new TaskService(database.db, account.id), logger);
  await server.connect(new StdioServerTransport());
  logger.info({ user: email }, "MCP task server on stdio");
  const close = async () => {
    await server.close();
    await database.close();
    process.exit(0);
  };
  process.stdin.on("close", () => void close());
  process.once("SIGTERM", () => void close());
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
