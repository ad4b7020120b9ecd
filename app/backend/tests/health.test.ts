import { readFileSync } from "node:fs";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/client.js";
import { appOn, useTestApp, waitForReady, withAppBehindProxy } from "./support/app.js";
import { createTestDatabase, usingPostgres } from "./support/database.js";
import { freePort } from "./support/server-process.js";
import { captureLogs } from "./support/log-capture.js";

const testApp = useTestApp();

describe("health probes", () => {
  it("/health and /ready answer 200 when the database is up", async () => {
    const { app, database } = testApp();
    expect((await app.inject({ method: "GET", url: "/health" })).json()).toEqual({ status: "ok" });
    const ready = await app.inject({ method: "GET", url: "/ready" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ready", database: database.kind });
  });

  it("starts without its database: /health 200, /ready 503 naming the reason, never the connection error", async () => {
    const port = await freePort();
    const logs = captureLogs();
    const app = await appOn(`postgres://nobody:nothing@127.0.0.1:${port}/none`, logs.logger);
    try {
      expect((await app.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);
      // Wait until a migration attempt has failed, so there is an error the probe could leak.
      for (let tries = 0; !JSON.stringify(logs.entries()).includes("ECONNREFUSED"); tries++) {
        if (tries > 200) throw new Error("no failed migration attempt was logged");
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const ready = await app.inject({ method: "GET", url: "/ready" });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({
        status: "not_ready",
        database: "postgres",
        reason: "migrations not applied yet",
      });
      expect(ready.body).not.toContain(String(port));
    } finally {
      await app.close();
    }
  });
});

describe.skipIf(!usingPostgres)("database faults (real PostgreSQL through a TCP proxy)", () => {
  it("/ready turns 503 while the database is unreachable, /health stays 200, and it recovers by itself", async () => {
    await withAppBehindProxy(async (app, proxy) => {
      await proxy.cut();
      const down = await app.inject({ method: "GET", url: "/ready" });
      expect(down.statusCode).toBe(503);
      // An unauthenticated probe learns only that much; the cause goes to the log.
      expect(down.json()).toEqual({
        status: "not_ready",
        database: "postgres",
        reason: "database unreachable",
      });
      expect((await app.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);

      await proxy.open();
      await waitForReady(app, 15_000);
    });
  });

  it("several replicas migrating one empty database at once all succeed (advisory lock)", async () => {
    const database = await createTestDatabase();
    const logger = pino({ level: "silent" });
    const replicas = await Promise.all(
      Array.from({ length: 4 }, () => openDatabase({ databaseUrl: database.url, logger })),
    );
    try {
      await Promise.all(replicas.map((replica) => replica.migrate()));
      const [{ rows }] = await Promise.all([
        (
          replicas[0]!.db as unknown as { $client: { query: (sql: string) => Promise<{ rows: unknown[] }> } }
        ).$client.query("SELECT count(*)::int AS applied FROM drizzle.__drizzle_migrations"),
      ]);
      expect(rows).toEqual([{ applied: migrationCount() }]);
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
      await database.drop();
    }
  });
});

/** How many migrations drizzle-kit has written (drizzle/meta/_journal.json): each must be applied once. */
function migrationCount(): number {
  const journal = readFileSync(new URL("../drizzle/meta/_journal.json", import.meta.url), "utf8");
  return (JSON.parse(journal) as { entries: unknown[] }).entries.length;
}
