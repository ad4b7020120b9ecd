import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import type { FastifyBaseLogger as Logger } from "fastify";
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
}

export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPglite(options);
}

function openPostgres(databaseUrl: string, options: DatabaseOptions): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolMax ?? 5,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // Neon and other managed servers drop idle connections; keep-alive finds out early.
    keepAlive: true,
  });
  // A dropped idle connection emits 'error' on the pool; without a listener the process would crash.
  pool.on("error", (error) => options.logger.warn({ err: error }, "idle database connection lost"));
  const db = drizzleNodePg({ client: pool, schema }) as unknown as Database;
  return {
    kind: "postgres",
    db,
    async migrate() {
      const client = await pool.connect();
      try {
        // Drizzle's migrator takes no lock: without this, two replicas could both apply the same migration.
        await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
        try {
          await migrateNodePg(drizzleNodePg({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
        } finally {
          await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
        }
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query("SELECT 1");
    },
    async close() {
      await pool.end();
    },
  };
}

function openPglite(options: DatabaseOptions): DatabaseHandle {
  const dataDir = options.pgliteDataDir ?? "memory://";
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir);
  const db = drizzlePglite({ client, schema }) as unknown as Database;
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
    async close() {
      await client.close();
    },
  };
}
