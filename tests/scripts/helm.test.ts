// scripts/helm.mjs: helm on PATH wins; without one, the toolchain's helm, built from the pinned Go module.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { helmPath, repoRoot } from "../support/chart.js";

const script = path.join(repoRoot, "scripts", "helm.mjs");
const withoutHelm = (process.env.PATH ?? "")
  .split(":")
  .filter((dir) => !existsSync(path.join(dir, "helm")))
  .join(":");

describe("scripts/helm.mjs", function () {
  this.timeout(60_000);

  it("prints the path of a working helm 3", () => {
    const printed = execFileSync(process.execPath, [script], { encoding: "utf8" }).trim();
    assert.equal(printed, helmPath);
    const version = execFileSync(printed, ["version", "--short"], { encoding: "utf8" });
    assert.match(version, /^v3\.\d+\.\d+/);
  });

  it("runs helm with the given arguments and passes its exit code through", () => {
    const ok = spawnSync(process.execPath, [script, "version", "--short"], { encoding: "utf8" });
    assert.equal(ok.status, 0);
    assert.match(ok.stdout, /^v3\./);
    const bad = spawnSync(process.execPath, [script, "no-such-command"], { encoding: "utf8" });
    assert.notEqual(bad.status, 0);
  });

  it("uses a helm on PATH before building one", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "helm-on-path-"));
    try {
      writeFileSync(path.join(dir, "helm"), "#!/bin/sh\necho from-path\n", { mode: 0o755 });
      const env = { ...process.env, PATH: `${dir}:${withoutHelm}` };
      const run = spawnSync(process.execPath, [script, "version"], { encoding: "utf8", env });
      assert.equal(run.stdout.trim(), "from-path", run.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("without helm on PATH, runs the toolchain's, stamped with the version its wrapper pins", function () {
    this.timeout(30 * 60_000); // a cold build on a busy 2-core machine
    const goMod = readFileSync(path.join(repoRoot, "ci-rig/cluster/go/helm/go.mod"), "utf8");
    const pinned = goMod.match(/^\s*helm\.sh\/helm\/v3 (v\S+)/m)?.[1];
    assert.ok(pinned, "ci-rig/cluster/go/helm/go.mod requires no helm.sh/helm/v3");
    const env = { ...process.env, PATH: withoutHelm };
    const printed = execFileSync(process.execPath, [script], { encoding: "utf8", env }).trim();
    assert.ok(path.isAbsolute(printed), printed);
    const version = execFileSync(printed, ["version", "--template", "{{.Version}}"], { encoding: "utf8" });
    assert.equal(version, pinned);
  });
});
