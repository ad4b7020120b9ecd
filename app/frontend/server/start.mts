// The production entry point: `node server/start.mts` next to the standalone server.js that `next build` writes
// (scripts/copy-assets.mjs puts this folder there; Node runs .mts files by stripping their types).
//
// server.js starts Next through start-server (vercel/next.js, packages/next/src/server/lib/start-server.ts), which
// creates its HTTP server with
// `http.createServer(requestListener)` and offers no hook that runs before Next reads a request. So, for this
// process only, http.createServer puts the sanitizer (./requestSanitizer.mts) in front of the listener Next
// passes, and the /api proxy (./apiProxy.mts) between the sanitizer and Next, and gives the server the limits of
// ./limits.mts.
// `npm run dev` composes the same way (./dev.mts).
import http from "node:http";
import { drainable } from "./drain.mts";
import { withApiProxy } from "./apiProxy.mts";
import { sanitizeRequests, type RequestListener } from "./requestSanitizer.mts";
import { limitConnections, serverOptions } from "./limits.mts";

const createServer = http.createServer;
let gated = 0;

// Next calls http.createServer(requestListener), with no options (start-server.js).
function gatedCreateServer(...args: unknown[]): http.Server {
  const at = args.findIndex((arg) => typeof arg === "function");
  if (at < 0) return (createServer as (...all: unknown[]) => http.Server)(...args);
  const options = at > 0 ? (args[0] as http.ServerOptions) : {};
  gated += 1;
  const { listener, track, drain } = drainable(sanitizeRequests(withApiProxy(args[at] as RequestListener)));
  // Registered before Next's own SIGTERM handler (which closes the server), so it runs first.
  process.once("SIGTERM", drain);
  return track(limitConnections(createServer({ ...serverOptions(), ...options }, listener)));
}
Object.defineProperty(http, "createServer", { value: gatedCreateServer, configurable: true, writable: true });

// A variable path: server.js exists only in the build output, not beside this file in the source tree.
const standaloneServer = new URL("../server.js", import.meta.url).href;
await import(standaloneServer);

// start-server.js creates the server synchronously when server.js calls it; if a Next upgrade changes that,
// refuse to serve ungated rather than trust client-chosen addresses.
if (gated === 0) {
  console.error(
    "server/start.mts: Next did not create its server through http.createServer, so the request sanitizer is not in " +
      "place. Refusing to serve: check next/dist/server/lib/start-server.js for how this Next version starts.",
  );
  process.exit(1);
}
