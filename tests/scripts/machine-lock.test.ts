// The machine-wide lock npm test holds around the cluster suite: real processes contend for it.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { withMachineLock } from "../../scripts/machine-lock.mjs";

const LOCK_MODULE = path.resolve(import.meta.dirname, "../../scripts/machine-lock.mjs");

describe("withMachineLock", () => {
  const name = `test-${process.pid}-${Date.now()}`;
  const lockFile = path.join(tmpdir(), `${name}.lock`);
  const work = mkdtempSync(path.join(tmpdir(), "machine-lock-"));
  after(() => rmSync(work, { recursive: true, force: true }));

  it("lets one process at a time in: three contenders never overlap", async () => {
    const log = path.join(work, "log");
    writeFileSync(log, "");
    // Each holder writes "in", holds the lock while the others try, then "out".
    const holder = `
      import { appendFileSync } from "node:fs";
      import { withMachineLock } from ${JSON.stringify(LOCK_MODULE)};
      await withMachineLock(${JSON.stringify(name)}, async () => {
        appendFileSync(${JSON.stringify(log)}, "in " + process.pid + "\\n");
        await new Promise((done) => setTimeout(done, 400));
        appendFileSync(${JSON.stringify(log)}, "out " + process.pid + "\\n");
      }, { pollMs: 50 });`;
    const runs = Array.from({ length: 3 }, () => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", holder], { stdio: "inherit" });
      return new Promise<number | null>((done) => child.on("exit", done));
    });
    assert.deepEqual(await Promise.all(runs), [0, 0, 0]);
    const lines = readFileSync(log, "utf8").trim().split("\n");
    assert.equal(lines.length, 6);
    for (let i = 0; i < lines.length; i += 2) {
      const [entered, pid] = lines[i]!.split(" ");
      assert.equal(entered, "in", lines.join("\n"));
      assert.equal(lines[i + 1], `out ${pid}`, lines.join("\n"));
    }
    assert.equal(existsSync(lockFile), false);
  });

  it("holds under churn: six processes taking the lock 300 times each, released at once, never overlap", async () => {
    // Each release races the others' next try: a reader that finds the lock gone, or not yet written, must retry.
    const log = path.join(work, "churn");
    writeFileSync(log, "");
    const churner = `
      import { appendFileSync } from "node:fs";
      import { withMachineLock } from ${JSON.stringify(LOCK_MODULE)};
      for (let i = 0; i < 300; i++) {
        await withMachineLock(${JSON.stringify(`${name}-churn`)}, () => {
          appendFileSync(${JSON.stringify(log)}, "in " + process.pid + "\\n");
          appendFileSync(${JSON.stringify(log)}, "out " + process.pid + "\\n");
        }, { pollMs: 1 });
      }`;
    const runs = Array.from({ length: 6 }, () => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", churner], { stdio: "inherit" });
      return new Promise<number | null>((done) => child.on("exit", done));
    });
    assert.deepEqual(await Promise.all(runs), [0, 0, 0, 0, 0, 0]);
    const lines = readFileSync(log, "utf8").trim().split("\n");
    assert.equal(lines.length, 6 * 300 * 2);
    for (let i = 0; i < lines.length; i += 2) {
      const [entered, pid] = lines[i]!.split(" ");
      assert.equal(entered, "in", `line ${i}`);
      assert.equal(lines[i + 1], `out ${pid}`, `line ${i + 1}: two holders at once`);
    }
  });

  it("takes over a lock whose holder has exited, and tells nobody it waited", async () => {
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    });
    writeFileSync(lockFile, gone.stdout);
    let waited = false;
    const result = await withMachineLock(name, () => "ran", { onWait: () => (waited = true) });
    assert.equal(result, "ran");
    assert.equal(waited, false);
    assert.equal(existsSync(lockFile), false);
  });

  it("waits for a live holder, says who it is, and releases the lock when the body throws", async () => {
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 600)"]);
    writeFileSync(lockFile, String(holder.pid));
    const waitedFor: number[] = [];
    const started = Date.now();
    await assert.rejects(
      withMachineLock(
        name,
        () => {
          throw new Error("the body failed");
        },
        { onWait: (pid) => waitedFor.push(pid), pollMs: 50 },
      ),
      /the body failed/,
    );
    assert.deepEqual(waitedFor, [holder.pid]);
    assert.ok(holder.exitCode !== null || Date.now() - started >= 500, "entered while the holder lived");
    assert.equal(existsSync(lockFile), false);
  });
});
