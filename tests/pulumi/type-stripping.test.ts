// Pulumi runs the program with Node's own type stripping, no loader (Pulumi.yaml): every module of the program
// must load that way. What breaks it, and what tsx (the tests' loader) forgives: an import naming `.js` for a
// `.ts` file, a type imported without `type` (Node keeps the import and the module has no such export), syntax that
// does not erase (parameter properties, enums), a TypeScript file written as CommonJS.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Imports `file` in a Node with no loader; returns Node's error output, empty when it loaded. */
function loadError(file: string): string {
  const result = spawnSync(
    process.execPath,
    ["--input-type=module", "-e", `await import(${JSON.stringify(path.resolve(file))})`],
    { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
  );
  return result.status === 0 ? "" : result.stderr;
}

describe("Pulumi program: Node loads every module by stripping types", function () {
  this.timeout(60_000);

  it("the check fails a type imported without `type` and a parameter property (the check itself works)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "type-stripping-"));
    try {
      writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }');
      writeFileSync(path.join(dir, "shape.ts"), "export interface Shape { sides: number }\n");
      writeFileSync(
        path.join(dir, "untyped-import.ts"),
        'import { Shape } from "./shape.ts";\nlet s: Shape;\n',
      );
      writeFileSync(path.join(dir, "property.ts"), "export class A { constructor(readonly x: number) {} }\n");
      writeFileSync(path.join(dir, "fine.ts"), 'import type { Shape } from "./shape.ts";\nlet s: Shape;\n');
      assert.match(
        loadError(path.join(dir, "untyped-import.ts")),
        /does not provide an export named 'Shape'/,
      );
      assert.match(loadError(path.join(dir, "property.ts")), /ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX/);
      assert.equal(loadError(path.join(dir, "fine.ts")), "");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // index.ts itself runs the program (it needs the engine); it imports only components/.
  const modules = readdirSync(path.join(ROOT, "components")).filter((name) => name.endsWith(".ts"));

  it("finds the program's modules", () => assert.ok(modules.length > 0));

  for (const name of modules) {
    it(`components/${name}`, () => {
      assert.equal(loadError(path.join(ROOT, "components", name)), "");
    });
  }
});
