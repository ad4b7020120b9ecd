// The standalone server serves .next/static and public only if they sit next to it; `next build`
// leaves that copy to us (the Dockerfile does the same with COPY). server/ holds the entry point that
// starts the standalone server.js behind the request sanitizer (server/start.mts).
import { cpSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const app = join(dirname(fileURLToPath(import.meta.url)), "..");
const server = join(app, ".next/standalone/app/frontend");

if (!existsSync(join(server, "server.js"))) {
  console.error(
    `copy-assets: ${server}/server.js not found; run \`next build\` (output: "standalone") first.`,
  );
  process.exit(1);
}
cpSync(join(app, ".next/static"), join(server, ".next/static"), { recursive: true });
cpSync(join(app, "public"), join(server, "public"), { recursive: true });
cpSync(join(app, "server"), join(server, "server"), { recursive: true });
console.log(`copy-assets: .next/static, public and server copied next to ${server}/server.js`);
