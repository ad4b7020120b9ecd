import type { FastifyBaseLogger } from "fastify";
import type { ChatModel } from "./agent/model.js";
import type { Auth } from "./auth.js";
import type { Config } from "./config.js";
import type { DatabaseHandle } from "./db/client.js";
import type { MigrationRunner } from "./db/migrations.js";
import type { SessionCache } from "./session-cache.js";
import type { TrustedProxy } from "./trusted-proxies.js";

/** Everything a route needs, created once per process and passed explicitly to each plugin. */
export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  auth: Auth;
  /** Session lookups of the request path, cached for a few seconds (session-cache.ts). */
  sessions: SessionCache;
  chatModel: ChatModel;
  migrations: MigrationRunner;
  logger: FastifyBaseLogger;
  /** TRUSTED_PROXIES: whose X-Forwarded-* headers count (request.ip, and the origin Better Auth trusts). */
  trustedProxy: TrustedProxy;
}
