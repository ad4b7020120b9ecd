// The cluster's host processes: started detached (they outlive `npm run cluster:up`, like Minikube's node
// outlives `minikube start`), each with a pid file in <state>/run and its output in <state>/logs/<name>.log;
// stopped by that pid only (never by name, so nothing else on the machine is touched).
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
  closeSync,
} from "node:fs";
import { join } from "node:path";
import pWaitFor from "p-wait-for";
import { paths } from "./state.mjs";

export const pidFile = (name) => join(paths.run, `${name}.pid`);
export const logFile = (name) => join(paths.logs, `${name}.log`);

/**
 * The pid of component `name` when its process is alive and still runs the binary it was started from (a pid
 * file left over from before a reboot may name an unrelated process now); undefined otherwise.
 * A pid file holds "<pid> <binary>".
 */
export function runningPid(name) {
  if (!existsSync(pidFile(name))) return undefined;
  const text = readFileSync(pidFile(name), "utf8").trim();
  const space = text.indexOf(" ");
  const pid = Number(space < 0 ? text : text.slice(0, space));
  const binary = space < 0 ? "" : text.slice(space + 1);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    // "/path/bin" or "/path/bin (deleted)" when the toolchain rebuilt it meanwhile.
    const exe = readlinkSync(`/proc/${pid}/exe`);
    if (binary && !exe.startsWith(binary)) return undefined;
    const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
    return state === "Z" ? undefined : pid;
  } catch {
    return undefined;
  }
}

/** The last `lines` lines of a component's log, for error messages. */
export function logTail(name, lines = 15) {
  try {
    return readFileSync(logFile(name), "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Starts `binary args` detached, output appended to its log, pid written; returns the pid. */
export function startProcess(name, binary, args, { env = process.env } = {}) {
  mkdirSync(paths.run, { recursive: true });
  mkdirSync(paths.logs, { recursive: true });
  const log = openSync(logFile(name), "a");
  writeFileSync(log, `\n==== ${new Date().toISOString()} ${binary} ${args.join(" ")}\n`);
  const child = spawn(binary, args, { detached: true, stdio: ["ignore", log, log], env });
  closeSync(log);
  child.unref();
  if (!child.pid) throw new Error(`${name} could not be started (${binary}); see ${logFile(name)}`);
  writeFileSync(pidFile(name), `${child.pid} ${binary}\n`);
  return child.pid;
}

/**
 * Polls `healthy()` until it answers true. Throws when the process exits first or `timeoutMs` passes, naming
 * the component, its log (with its last lines) and `hint`, the likely fix.
 */
export async function waitHealthy(name, healthy, { timeoutMs = 120_000, hint = "" } = {}) {
  const fix = hint ? `\n  likely fix: ${hint}` : "";
  const notHealthy = () => {
    throw new Error(
      `${name} runs but was not healthy within ${timeoutMs / 1000} s: see ${logFile(name)}` +
        `${fix}\n  last lines:\n${indent(logTail(name))}`,
    );
  };
  await pWaitFor(
    async () => {
      if (await healthy().catch(() => false)) return true;
      if (runningPid(name)) return false;
      throw new Error(
        `${name} exited while starting: see ${logFile(name)}${fix}\n  last lines:\n${indent(logTail(name))}`,
      );
    },
    { interval: 500, timeout: { milliseconds: timeoutMs, fallback: notHealthy } },
  );
}

const indent = (text) => text.replace(/^/gm, "    ");

/** SIGTERM, then SIGKILL after `graceMs`; removes the pid file. True when a process was stopped. */
export async function stopProcess(name, { graceMs = 15_000 } = {}) {
  const pid = runningPid(name);
  if (pid) {
    process.kill(pid, "SIGTERM");
    const stopped = () => runningPid(name) === undefined;
    await pWaitFor(stopped, { interval: 200, timeout: { milliseconds: graceMs, fallback: () => undefined } });
    if (!stopped()) process.kill(pid, "SIGKILL");
    await pWaitFor(stopped, { interval: 100 });
  }
  rmSync(pidFile(name), { force: true });
  return Boolean(pid);
}
