// Bundles the backend for its container image: `npm run bundle -w app/backend` writes dist/bundle/, which
// runs with no node_modules at all. Why: npm puts better-auth's optional peer dependencies (next, react, vitest,
// drizzle-kit…) into the backend's production tree because the workspace lockfile holds them; the
// bundle holds only the code the server imports.
//
// dist/bundle/ holds server.mjs, mcp-stdio.mjs, the chunks they share, and the files the bundled code reads
// at run time through `new URL("<file>", import.meta.url)`. The script fails when any such file is missing.
// Not bundled, because nothing here uses them: pino transports (they start worker threads from pino's own
// files), PGlite extensions (their .tar.gz files).
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const PACKAGE_ROOT = resolve(import.meta.dirname, "..");
// Two levels below the package root, like src/db/client.ts, which finds the migrations at
// new URL("../../drizzle", import.meta.url): the same relative path works from the bundle.
const OUT = join(PACKAGE_ROOT, "dist/bundle");
// PGlite loads its WebAssembly and its data file from beside its own module:
// new URL("../release/pglite.wasm", import.meta.url) in its sources (electric-sql/pglite, packages/pglite/src),
// which its build turns into a path beside the built module.
const PGLITE_DIST = dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
const PGLITE_ASSETS = ["pglite.wasm", "pglite.data", "initdb.wasm"];

rmSync(OUT, { recursive: true, force: true });
await build({
  absWorkingDir: PACKAGE_ROOT,
  entryPoints: ["src/server.ts", "src/mcp-stdio.ts"],
  outdir: OUT,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node22", // package.json "engines"
  format: "esm",
  splitting: true, // the two entry points share one copy of the code
  // V8 keeps every loaded module's source text in memory: minified, the server idles about 5 MiB lower
  // (docs/benchmarks.md). Identifiers are kept, so stack traces still name the functions.
  minifyWhitespace: true,
  minifySyntax: true,
  // CommonJS packages (pg, pino, fastify…) require() Node's built-ins, and an ES module has no `require`:
  // give each output file one (https://github.com/evanw/esbuild/issues/1921).
  banner: {
    js: 'import { createRequire as __bundleCreateRequire } from "node:module"; const require = __bundleCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
});
for (const asset of PGLITE_ASSETS) copyFileSync(join(PGLITE_DIST, asset), join(OUT, asset));
asciiOnly(OUT);

const missing = [];
for (const file of readdirSync(OUT).filter((name) => name.endsWith(".mjs"))) {
  const code = readFileSync(join(OUT, file), "utf8");
  for (const [, path] of code.matchAll(/new URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url\s*\)/g)) {
    const target = fileURLToPath(new URL(path, pathToFileURL(join(OUT, file))));
    if (!existsSync(target)) missing.push(`${file} loads ${path} (${target})`);
  }
}
if (missing.length > 0) {
  console.error(
    `The bundle loads files that are not where it looks for them:\n  ${missing.join("\n  ")}\n` +
      "Copy them into dist/bundle in app/backend/scripts/bundle.mjs (or the folder the path names).",
  );
  process.exit(1);
}

/**
 * Rewrites every non-ASCII character of the output as a \uXXXX escape. Node decodes a module's source that holds
 * a single non-ASCII byte into a two-byte string, so V8 keeps twice its size for the life of the process:
 * server.mjs (1.6 MB) held 3.2 MB of the idle heap for one licence comment's "ä" (docs/benchmarks.md). esbuild
 * escapes strings and identifiers (charset ascii) but leaves regular-expression literals and legal comments as
 * written, and the agent's regular expressions (literals, and String.raw templates it builds RegExps from) hold
 * Urdu and Spanish letters. An escape means the same character in each of those places; after a backslash it would
 * not, so that fails instead.
 */
function asciiOnly(dir) {
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".mjs"))) {
    const path = join(dir, file);
    const code = readFileSync(path, "utf8");
    if (!/[\u0080-\uffff]/.test(code)) continue;
    const escapedAfterBackslash = /\\[\u0080-\uffff]/.exec(code);
    if (escapedAfterBackslash) {
      console.error(
        `${file}: a backslash before "${escapedAfterBackslash[0].slice(1)}"; write the character as \\uXXXX in the source.`,
      );
      process.exit(1);
    }
    const escaped = code.replace(
      /[\u0080-\uffff]/g,
      (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    writeFileSync(path, escaped);
  }
}
