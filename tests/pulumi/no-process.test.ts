// Mocks are mocks: evaluating the whole program under Pulumi's mocks starts no process (no docker, no helm, no
// kubectl). Every function of node:child_process that starts one is replaced by a recorder for the duration;
// syncBuiltinESMExports makes ES-module imports of node:child_process see the replacements too (Node's
// documented way to patch a builtin for both module systems).
import assert from "node:assert/strict";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { installMocks, takeRecorded } from "../support/pulumi-mocks.js";
import { configFrom, type Settings } from "../support/stack-config.js";

const childProcess = createRequire(import.meta.url)("node:child_process") as Record<string, unknown>;
const STARTERS = ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const;

describe("Pulumi program (mocks) starts no process", function () {
  this.timeout(30_000);
  const started: string[] = [];
  const originals = new Map<string, unknown>();

  before(async () => {
    await installMocks();
    for (const name of STARTERS) {
      originals.set(name, childProcess[name]);
      childProcess[name] = (...args: unknown[]) => {
        started.push(`${name} ${JSON.stringify(args[0])}`);
        throw new Error(`${name} called under mocks`);
      };
    }
    syncBuiltinESMExports();
  });
  after(() => {
    for (const [name, original] of originals) childProcess[name] = original;
    syncBuiltinESMExports();
  });

  it("the recorder sees a process started through an ES-module import (the check itself works)", async () => {
    const { spawnSync } = await import("node:child_process");
    assert.throws(() => spawnSync("true"));
    assert.deepEqual(started.splice(0), ['spawnSync "true"']);
  });

  const cases: Settings[] = [
    {},
    { deployMode: "manifests" },
    { imageRegistry: "registry.example.com/team", deployMode: "manifests" },
    {
      enableKagent: true,
      kagentApiKey: "sk-kagent-1",
      kagentChartRepository: "oci://charts.example.com/kagent-dev/kagent/helm",
    },
  ];
  for (const settings of cases) {
    it(`deploy(${JSON.stringify(settings)}) registers its resources and starts nothing`, async () => {
      const { deploy } = await import("../../components/stack.js");
      deploy(configFrom(settings));
      const resources = await takeRecorded();
      assert.ok(
        resources.some((r) => r.type === "docker:index/image:Image"),
        "the images are resources",
      );
      assert.deepEqual(started, []);
    });
  }
});
