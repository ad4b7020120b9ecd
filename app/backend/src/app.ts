import { randomUUID } from "node:crypto";
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import { validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { pino, type Logger } from "pino";
import { createChatModel, type ChatModel } from "./agent/model.js";
import { createAuth } from "./auth.js";
import type { Config } from "./config.js";
import { openDatabase, type DatabaseHandle } from "./db/client.js";
import { registerErrorHandling } from "./errors.js";
import type { AppContext } from "./context.js";
import { MigrationRunner } from "./db/migrations.js";
import { openApi } from "./plugins/openapi.js";
import { rateLimits } from "./plugins/rate-limits.js";
import { responseSerializerCompiler } from "./response-serializer.js";
import { standardHeaders } from "./plugins/response-headers.js";
import { sessionSlot } from "./plugins/session.js";
import { userScope } from "./plugins/user-scope.js";
import { authRoutes } from "./routes/auth.js";
import { chatRoutes } from "./routes/chat.js";
import { healthRoutes } from "./routes/health.js";
import { mcpRoutes } from "./routes/mcp.js";
import { taskRoutes } from "./routes/tasks.js";
import { SessionCache } from "./session-cache.js";
import { compileTrustedProxies } from "./trusted-proxies.js";

export interface BuildAppOptions {
  config: Config;
  /** Overrides for tests: a logger, a database, or a chat model. */
  logger?: Logger;
  database?: DatabaseHandle;
  chatModel?: ChatModel;
  /** The session cache's clock (epoch ms), for tests of its time bounds. */
  clock?: () => number;
}

// Beyond the model's timeout: the tool calls and the storage of a chat turn.
const SLOWEST_ANSWER_MARGIN_MS = 15_000;

export function createLogger(config: Config): Logger {
  return pino({
    level: config.LOG_LEVEL,
    redact: ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'],
  });
}

/**
 * One flat log line a request, at its end, instead of Fastify's two ("incoming request", then "request
 * completed", fastify/lib/log-controller.js) with their nested `req`/`res` objects: at the chart's info level
 * that log was about 15% of a cheap request's CPU (docs/benchmarks.md). Flat primitive fields are what pino writes
 * fastest (its asJson escapes strings in place; objects go through safe-stable-stringify). The request id is
 * the line's `reqId` (Fastify's per-request child logger). A route's own logLevel (the probes') still applies.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    const line = {
      method: request.method,
      url: request.url,
      // The client's address (TRUSTED_PROXIES decides which X-Forwarded-For entry): what the sign-in limits count.
      ip: request.ip,
      statusCode: reply.statusCode,
      responseTimeMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) reply.log.error({ ...line, err: error }, "request errored");
    else reply.log.info(line, "request completed");
  }
}

// Room for a UUID or a trace id with a prefix; letters, digits and . _ : - only.
const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** The caller's request id if it is safe to echo and log as it is. */
function acceptedRequestId(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" && REQUEST_ID.test(value) ? value : undefined;
}

/** Builds the API. Migrations start in the background: /ready turns 200 once they are applied. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config);
  const database =
    options.database ??
    (await openDatabase({
      databaseUrl: config.DATABASE_URL,
      poolMax: config.DATABASE_POOL_MAX,
      pgliteDataDir: config.PGLITE_DATA_DIR,
      logger,
    }));
  const sessions = new SessionCache(options.clock ? { now: options.clock } : {});
  const context: AppContext = {
    config,
    database,
    auth: createAuth(config, database.db, logger, sessions),
    sessions,
    chatModel: options.chatModel ?? (await createChatModel(config)),
    migrations: new MigrationRunner(database, logger),
    logger,
    trustedProxy: compileTrustedProxies(config.TRUSTED_PROXIES),
  };

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // A caller's X-Request-Id (a proxy's or a client's) is kept when it is a short token of safe characters,
    // so it can join log lines across services; anything else is replaced, never echoed or logged as sent.
    requestIdHeader: false,
    logController: new OneLinePerRequest(),
    genReqId: (request) => acceptedRequestId(request.headers["x-request-id"]) ?? randomUUID(),
    // Node's HTTP server limits (https://nodejs.org/api/http.html#serverrequesttimeout; Fastify passes
    // `http` to http.createServer and sets the rest, fastify/lib/server.js). Receiving a request (headers
    // and body) may take REQUEST_TIMEOUT_MS; Node checks every connectionsCheckingInterval (30 s by
    // default, which would let a slow client hold on up to that much longer).
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    http: { headersTimeout: config.REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1_000 },
    // A silent socket is closed after this: longer than the slowest answer (a chat turn waits for the model).
    connectionTimeout: config.REQUEST_TIMEOUT_MS + config.LLM_TIMEOUT_MS + SLOWEST_ANSWER_MARGIN_MS,
    // An idle keep-alive connection closes after 5 s (Node's default; the frontend's fetch reuses it sooner).
    keepAliveTimeout: 5_000,
    // Give in-flight requests time to finish on shutdown (bounded by SHUTDOWN_TIMEOUT_MS in server.ts);
    // idle keep-alive sockets close at once.
    forceCloseConnections: "idle",
    // A request that reaches a stopping pod on a connection it already had (Kubernetes has taken the pod out of
    // the Service during the preStop sleep, but the frontend's kept-alive connections still lead here) is
    // served, with `Connection: close`, instead of Fastify's default 503 (fastify/lib/route.js, `closing`):
    // the database stays open until the last connection has ended (onClose below).
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true },
    // request.ip is the socket's address, or the X-Forwarded-For entry left of the trusted proxies.
    trustProxy: (address) => context.trustedProxy(address),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (request, reply) => {
    void reply.headers(standardHeaders(request));
    // A response finished during shutdown must not leave a keep-alive socket that holds the close open.
    if (closing) void reply.header("connection", "close");
  });
  registerErrorHandling(app, database);
  await app.register(sessionSlot);
  await app.register(rateLimits, { config });
  await app.register(openApi, { context });

  await app.register(healthRoutes, { context });
  await app.register(authRoutes, { context });
  await app.register(userScope, {
    prefix: "/api/:user_id",
    context,
    routes: [taskRoutes, chatRoutes],
  });
  await app.register(mcpRoutes, { context });

  app.addHook("onClose", async () => {
    await context.migrations.stop();
    await database.close();
  });
  context.migrations.start();
  return app;
}
