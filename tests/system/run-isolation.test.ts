// Two runs of the system suite can share one Docker engine (two clones, a developer and CI): each run removes
// only what it created, and what a crashed run on this machine left behind. Checked on real objects (volumes and
// networks, which carry labels like containers and images do, and cost nothing to create).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { docker, LABEL, removeOrphans, removeRun, RUN_ID, RUN_LABELS } from "../../scripts/docker-cli.js";
import { ensureDockerEngine } from "../../scripts/stand-ins.mjs";

const OWNER_LABEL = "todo-chatbot.system-test.owner";
const suffix = randomBytes(3).toString("hex");
/** A process that has exited: its pid is no live run's. */
const deadPid = spawnSync("true").pid!;

// Volumes and networks as other runs would leave them: [name, run id, owner].
const others = {
  live: [`todo-isolation-live-${suffix}`, `1-${suffix}`, `${hostname()}/1`], // pid 1 is always alive
  crashed: [`todo-isolation-crashed-${suffix}`, `${deadPid}-${suffix}`, `${hostname()}/${deadPid}`],
  elsewhere: [`todo-isolation-elsewhere-${suffix}`, `${deadPid}-x${suffix}`, `another-machine/${deadPid}`],
} as const;

const volumeExists = (name: string) => spawnSync("docker", ["volume", "inspect", name]).status === 0;
const networkExists = (name: string) => spawnSync("docker", ["network", "inspect", name]).status === 0;

describe("system-test runs sharing one Docker engine", function () {
  this.timeout(120_000);
  // A run that ends while the others are still there (not this process's run: its images are still in use).
  const ending = { name: `todo-isolation-ending-${suffix}`, run: `${process.pid}-e${suffix}` };

  before(async () => {
    ensureDockerEngine();
    for (const [name, run, owner] of Object.values(others)) {
      const labels = [`--label=${LABEL}=${run}`, `--label=${OWNER_LABEL}=${owner}`];
      docker(["volume", "create", ...labels, name]);
      docker(["network", "create", ...labels, name]);
    }
    const endingLabels = [
      `--label=${LABEL}=${ending.run}`,
      `--label=${OWNER_LABEL}=${hostname()}/${process.pid}`,
    ];
    docker(["volume", "create", ...endingLabels, ending.name]);
    docker(["network", "create", ...endingLabels, ending.name]);
  });

  after(() => {
    for (const name of [...Object.values(others).map(([name]) => name), ending.name]) {
      spawnSync("docker", ["volume", "rm", "-f", name]);
      spawnSync("docker", ["network", "rm", name]);
    }
  });

  it("each run has its own id, in its labels", () => {
    assert.match(RUN_ID, new RegExp(`^${process.pid}-[0-9a-f]{6}$`));
    assert.ok(RUN_LABELS.includes(`--label=${LABEL}=${RUN_ID}`));
  });

  it("removes a crashed run's leftovers on this machine, not a live run's, not another machine's", () => {
    removeOrphans();
    assert.equal(volumeExists(others.crashed[0]), false, "the crashed run's volume is still there");
    assert.equal(networkExists(others.crashed[0]), false, "the crashed run's network is still there");
    for (const [name] of [others.live, others.elsewhere]) {
      assert.equal(volumeExists(name), true, `${name} (volume) was removed`);
      assert.equal(networkExists(name), true, `${name} (network) was removed`);
    }
    assert.equal(volumeExists(ending.name), true, "a live run's volume (this process's) was removed");
  });

  it("at its end a run removes what it created and nothing else", () => {
    removeRun(ending.run);
    assert.equal(volumeExists(ending.name), false);
    assert.equal(networkExists(ending.name), false);
    for (const [name] of [others.live, others.elsewhere]) {
      assert.equal(volumeExists(name), true, `${name} (volume) was removed`);
      assert.equal(networkExists(name), true, `${name} (network) was removed`);
    }
  });
});
