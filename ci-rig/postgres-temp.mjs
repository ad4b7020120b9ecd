// Starts a throwaway PostgreSQL server (initdb + pg_ctl) on a free loopback port, for tests. testcontainers
// would be the usual choice, but it pulls a postgres image from a registry, which this machine cannot reach.
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import getPort from "get-port";

/** True when initdb and pg_ctl are on PATH. */
export function postgresInstalled() {
  return ["initdb", "pg_ctl"].every((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0);
}

/** Returns { url, stop() }. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user. */
export async function startTempPostgres() {
  const dataDir = mkdtempSync(join(tmpdir(), "todo-pg-"));
  const asRoot = process.getuid?.() === 0;
  const run = (tool, args) => {
    const command = asRoot ? ["runuser", ["-u", "postgres", "--", tool, ...args]] : [tool, args];
    execFileSync(command[0], command[1], { stdio: ["ignore", "pipe", "pipe"] });
  };
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dataDir, uid, gid);
  }
  const port = await getPort({ host: "127.0.0.1" });
  run("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"]);
  // fsync off: a test database needs no durability, and it makes the suite faster.
  const options = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  run("pg_ctl", ["-D", dataDir, "-o", options, "-l", join(dataDir, "server.log"), "-w", "start"]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "stop"]);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

// `node ci-rig/postgres-temp.mjs` starts one, prints its URL and runs until Ctrl-C or SIGTERM; exit status 3 when
// PostgreSQL is not installed (scripts/stand-ins.mjs reads both).
if (import.meta.url === `file://${process.argv[1]}`) {
  if (!postgresInstalled()) {
    console.error("PostgreSQL is not installed (initdb and pg_ctl on PATH): apt-get install postgresql");
    process.exit(3);
  }
  const server = await startTempPostgres();
  console.log(server.url);
  const stop = () => {
    server.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  setInterval(() => {}, 1 << 30);
}
