// One holder at a time on this machine, across processes (two `npm test` runs in two clones, say): a file in the
// system's temp folder holding the holder's pid, created exclusively; a lock whose pid is gone is stale and taken
// over. A pid, not a refreshed timestamp as in proper-lockfile: the holder may be blocked in spawnSync for
// minutes (npm test runs each suite that way) and could not refresh one.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return /** @type {NodeJS.ErrnoException} */ (error).code === "EPERM";
  }
}

/**
 * Runs `body` while holding the machine-wide lock `name` (the file `<dir>/<name>.lock`, the system's temp folder
 * by default), waiting for another holder first.
 * @template T
 * @param {string} name
 * @param {() => Promise<T> | T} body
 * @param {{ onWait?: (holder: number) => void, pollMs?: number, dir?: string }} [options]
 * @returns {Promise<T>}
 */
export async function withMachineLock(name, body, { onWait, pollMs = 2000, dir = tmpdir() } = {}) {
  const file = join(dir, `${name}.lock`);
  let told = false;
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(file, "utf8"));
      if (!holder || holder === process.pid || !alive(holder)) {
        rmSync(file, { force: true });
        continue;
      }
      if (!told) onWait?.(holder);
      told = true;
      await new Promise((wake) => setTimeout(wake, pollMs));
    }
  }
  try {
    return await body();
  } finally {
    rmSync(file, { force: true });
  }
}
