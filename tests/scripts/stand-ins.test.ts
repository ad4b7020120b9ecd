// scripts/stand-ins.mjs: the base images a run uses are decided once, from what the engine already has.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { chooseBaseImages } from "../../scripts/stand-ins.mjs";

const config = parse(readFileSync(path.resolve(import.meta.dirname, "../../Pulumi.yaml"), "utf8")).config;
const official = { nodeImage: config.nodeImage.default, postgresImage: config.postgresImage.default };

describe("chooseBaseImages", () => {
  it("uses the stack's default images when the engine has both, asking about nothing else", () => {
    const asked: string[] = [];
    const choice = chooseBaseImages((image) => (asked.push(image), true));
    assert.deepEqual(choice.images, official);
    assert.deepEqual(asked.sort(), Object.values(official).sort());
  });

  for (const missing of Object.keys(official) as (keyof typeof official)[]) {
    it(`builds the stand-ins when the engine lacks the ${missing}, and says which image is missing`, () => {
      const choice = chooseBaseImages((image) => image !== official[missing]);
      assert.equal(choice.images, undefined);
      assert.ok(choice.reason.includes(official[missing]), choice.reason);
    });
  }

  it("builds the stand-ins when the engine has neither", () => {
    assert.equal(chooseBaseImages(() => false).images, undefined);
  });
});
