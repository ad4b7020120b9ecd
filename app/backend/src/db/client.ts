import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import pg from "pg";
import type { FastifyBaseLogger as Logger } from "fastify";
import { isDatabaseUnavailable } from "./errors.js";
import * as schema from "./schema.js";

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

/** One database connection (node-postgres pool or embedded PGlite) behind one interface. */
export interface DatabaseHandle {
  readonly kind: "postgres" | "pglite";
  readonly db: Database;
  /** Applies pending migrations; safe when several replicas start at once. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** True while the latest query failed because the server could not be reached (see errors.ts). */
  unreachable(): boolean;
  close(): Promise<void>;
}

// src/db and dist/db are both two levels below the package root, where drizzle-kit writes ./drizzle.
const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));
// Any fixed 64-bit number works; it only has to be the same for every replica of this app.
const MIGRATION_LOCK_KEY = 7_245_913_001;

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  poolMax?: number;
  pgliteDataDir?: string;
  logger: Logger;
  /** Called with every statement the app sends through Drizzle (tests count a chat turn's statements). */
  onQuery?: (query: string) => void;
}

function queryLogger(options: DatabaseOptions) {
  const onQuery = options.onQuery;
  return onQuery ? { logger: { logQuery: (query: string) => onQuery(query) } } : {};
}

/** PostgreSQL when there is a URL; PGlite otherwise, whose code (about 5 MiB of memory) loads only then. */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : await openPglite(options);
}

/*
 * How long a request waits for PostgreSQL before the API gives up and answers 503 (errors.ts). Every query
 * of this app is a small, indexed, one-user statement, so these are generous for a healthy server and short
 * enough that a user (and the frontend's proxy) gets a clear answer while the database is away.
 * Options: node-postgres Client/Pool (pg/lib/connection-parameters.js, pg-pool/index.js).
 */
// A new connection, or a free one from a busy pool.
const CONNECT_TIMEOUT_MS = 2_000;
// The server cancels a statement that runs longer (SQLSTATE 57014); the connection stays usable.
const STATEMENT_TIMEOUT_MS = 2_000;
// The client stops waiting for a server that stopped answering; the pool then drops that connection.
const QUERY_TIMEOUT_MS = 3_000;
// Migrations wait on another replica's advisory lock, so they get their own connection with a long limit.
const MIGRATION_QUERY_TIMEOUT_MS = 60_000;

/**
 * A pool that remembers whether its latest query failed because the server could not be reached. Better
 * Auth's getSession turns any database error into a bare "500 FAILED_TO_GET_SESSION" without its cause;
 * this tells the error handler that the database is why (503), not a bug (500).
 */
class WatchedPool extends pg.Pool {
  lastQueryUnreachable = false;

  // pg's overloads are forwarded as they are; Drizzle uses the promise form.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = (super.query as (...forwarded: any[]) => any).apply(this, args);
    if (result instanceof Promise) {
      result.then(
        () => (this.lastQueryUnreachable = false),
        (error: unknown) => (this.lastQueryUnreachable = isDatabaseUnavailable(error)),
      );
    }
    return result;
  }
}

function openPostgres(databaseUrl: string, options: DatabaseOptions): DatabaseHandle {
  const pool = new WatchedPool({
    connectionString: databaseUrl,
    max: options.poolMax ?? 5,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    // Neon and other managed servers drop idle connections; keep-alive finds out early.
    keepAlive: true,
  });
  // A dropped idle connection emits 'error' on the pool; without a listener the process would crash.
  pool.on("error", (error) => options.logger.warn({ err: error }, "idle database connection lost"));
  const db = drizzleNodePg({ client: pool, schema, ...queryLogger(options) }) as unknown as Database;
  return {
    kind: "postgres",
    db,
    async migrate() {
      const client = new pg.Client({
        connectionString: databaseUrl,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        query_timeout: MIGRATION_QUERY_TIMEOUT_MS,
      });
      // An error of a lost connection is also emitted on the client; the failed query reports it.
      client.on("error", () => {});
      try {
        await client.connect();
        // Drizzle's migrator takes no lock: without this, two replicas could both apply the same migration.
        // The lock is the session's, so it ends with the connection whatever happens.
        await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
        await migrateNodePg(drizzleNodePg({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await client.end().catch(() => {});
      }
    },
    async ping() {
      await pool.query("SELECT 1");
    },
    unreachable: () => pool.lastQueryUnreachable,
    async close() {
      await pool.end();
    },
  };
}

async function openPglite(options: DatabaseOptions): Promise<DatabaseHandle> {
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
    import("drizzle-orm/pglite/migrator"),
  ]);
  const dataDir = options.pgliteDataDir ?? "memory://";
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir);
  const db = drizzlePglite({ client, schema, ...queryLogger(options) }) as unknown as Database;
  return {
    kind: "pglite",
    db,
    async migrate() {
      // PGlite is a single in-process connection: no other replica can race us.
      await migratePglite(drizzlePglite({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    },
    async ping() {
      await db.execute(sql`SELECT 1`);
    },
    // In-process: there is no server to lose.
    unreachable: () => false,
    async close() {
      await client.close();
    },
  };
}
