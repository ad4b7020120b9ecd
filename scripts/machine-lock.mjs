// One holder at a time on this machine, across processes (two `npm test` runs in two clones, say): a file in the
// system's temp folder holding the holder's pid, created exclusively; a lock whose pid is gone is stale and taken
// over. A pid, not a refreshed timestamp as in proper-lockfile: the holder may be blocked in spawnSync for
// minutes (npm test runs each suite that way) and could not refresh one.
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
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

/** @param {unknown} error */
const code = (error) => /** @type {NodeJS.ErrnoException} */ (error).code;

/**
 * The pid in a lock file, or undefined when the file is gone (its holder released it a moment ago).
 * @param {string} file
 */
function holderOf(file) {
  try {
    return Number(readFileSync(file, "utf8"));
  } catch (error) {
    if (code(error) === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Removes a lock whose holder `dead` has exited. The file is first renamed aside, which only one waiter can do;
 * if the file moved aside turns out to be a newer holder's (the stale one was removed and the lock taken between
 * our read and the rename), it is linked back.
 * @param {string} file
 * @param {number} dead the pid read from it (NaN or 0 for a file with no pid)
 */
function removeStale(file, dead) {
  const aside = `${file}.stale.${process.pid}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if (code(error) === "ENOENT") return; // another waiter removed it
    throw error;
  }
  if (!Object.is(holderOf(aside), dead)) {
    try {
      linkSync(aside, file);
    } catch (error) {
      if (code(error) !== "EEXIST") throw error;
    }
  }
  rmSync(aside, { force: true });
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
  // The pid goes into a file of our own first, which link(2) then puts in place: the link fails when the lock
  // exists, and nobody ever reads a lock that has no pid in it yet.
  const mine = `${file}.${process.pid}`;
  writeFileSync(mine, String(process.pid));
  let told = false;
  try {
    for (;;) {
      try {
        linkSync(mine, file);
        break;
      } catch (error) {
        if (code(error) !== "EEXIST") throw error;
      }
      const holder = holderOf(file);
      if (holder === undefined) continue; // released between the link and the read
      if (!holder || holder === process.pid || !alive(holder)) {
        removeStale(file, holder);
        continue;
      }
      if (!told) onWait?.(holder);
      told = true;
      await new Promise((wake) => setTimeout(wake, pollMs));
    }
  } finally {
    rmSync(mine, { force: true });
  }
  try {
    return await body();
  } finally {
    rmSync(file, { force: true });
  }
}
