// components/chart-digest.ts: the digest in the Helm release's description follows every file of the chart, so
// a template edit with an unchanged Chart.yaml version still upgrades the release.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chartDigest } from "../../components/chart-digest.js";
import { chartDir } from "../support/chart.js";

describe("chart digest (components/chart-digest.ts)", () => {
  let copy: string;
  beforeEach(() => {
    copy = path.join(mkdtempSync(path.join(tmpdir(), "todo-chart-digest-")), "todo-chatbot");
    cpSync(chartDir, copy, { recursive: true });
  });
  afterEach(() => rmSync(path.dirname(copy), { recursive: true, force: true }));

  it("is the same for the same files, wherever the chart is and however often it is read", () => {
    assert.match(chartDigest(chartDir), /^[0-9a-f]{16}$/);
    assert.equal(chartDigest(copy), chartDigest(chartDir));
    assert.equal(chartDigest(copy), chartDigest(copy));
  });

  it("changes when a template changes, and comes back when the edit is undone", () => {
    const template = path.join(copy, "templates", "backend-deployment.yaml");
    const original = readFileSync(template, "utf8");
    writeFileSync(template, `${original}# one more line\n`);
    assert.notEqual(chartDigest(copy), chartDigest(chartDir));
    writeFileSync(template, original);
    assert.equal(chartDigest(copy), chartDigest(chartDir));
  });

  it("changes when values.yaml changes, a file is added, or a file is renamed", () => {
    const base = chartDigest(copy);
    const values = path.join(copy, "values.yaml");
    writeFileSync(values, readFileSync(values, "utf8").replace("replicaCount: 1", "replicaCount: 3"));
    const edited = chartDigest(copy);
    assert.notEqual(edited, base);
    writeFileSync(path.join(copy, "templates", "extra.yaml"), "# nothing\n");
    const added = chartDigest(copy);
    assert.notEqual(added, edited);
    renameSync(path.join(copy, "templates", "extra.yaml"), path.join(copy, "templates", "other.yaml"));
    assert.notEqual(chartDigest(copy), added);
  });
});
