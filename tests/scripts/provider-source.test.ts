// The plugin sources' checks (ci-rig/cluster/provider-source.mjs): an archive that is missing or not
// byte-for-byte the checked upstream source stops the build with a message naming the file and both hashes.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ARCHIVES, thirdPartyDir, verifyArchive } from "../../ci-rig/cluster/provider-source.mjs";

describe("provider sources (provider-source.mjs)", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "todo-third-party-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("accepts an archive whose sha256 is the recorded one", () => {
    const content = "an archive";
    const archive = {
      file: "ok.tar.gz",
      sha256: createHash("sha256").update(content).digest("hex"),
      top: "ok",
    };
    writeFileSync(path.join(dir, archive.file), content);
    assert.equal(verifyArchive(archive, dir), path.join(dir, archive.file));
  });

  it("rejects a changed archive, naming the file, the expected and the actual hash", () => {
    const archive = ARCHIVES.random;
    writeFileSync(path.join(dir, archive.file), "not the upstream source");
    const actual = createHash("sha256").update("not the upstream source").digest("hex");
    assert.throws(
      () => verifyArchive(archive, dir),
      (error: Error) =>
        error.message.includes(path.join(dir, archive.file)) &&
        error.message.includes(archive.sha256) &&
        error.message.includes(actual),
    );
  });

  it("rejects a missing archive, saying where the archives are expected", () => {
    assert.throws(
      () => verifyArchive(ARCHIVES.docker, dir),
      /pulumi-docker-5\.0\.0\.tar\.gz is missing.*TODO_THIRD_PARTY_DIR/s,
    );
  });

  it("the recorded hashes match the archives in shared/third_party, where they are", function () {
    let checked = 0;
    for (const archive of Object.values(ARCHIVES) as { file: string }[]) {
      try {
        verifyArchive(archive);
        checked += 1;
      } catch (error) {
        if (!/is missing/.test((error as Error).message)) throw error;
      }
    }
    if (checked === 0) this.skip(); // no shared/third_party beside this checkout
    assert.equal(checked, Object.keys(ARCHIVES).length, `archives in ${thirdPartyDir()}`);
  });
});
