// Stopping without cutting anyone off. On SIGTERM Next closes its server (server.close(), which since Node 19
// also closes the idle keep-alive connections once: https://nodejs.org/api/http.html#serverclosecallback) and
// waits for the open ones. A connection that is busy at that moment would otherwise stay keep-alive: its client
// (a browser, the Ingress) may send its next request on it just as it closes, and see a reset or a 502. So
// while draining every answer says `Connection: close` and Node closes its socket after it, and idle sockets
// are closed at once.
import type http from "node:http";
import type { RequestListener } from "./requestSanitizer.mts";

export function drainable(listener: RequestListener) {
  let draining = false;
  const servers = new Set<http.Server>();
  const inFlight = new Set<http.ServerResponse>();
  const closeAfter = (res: http.ServerResponse) => {
    // Before the head is written this makes Node send `Connection: close`; after it, the socket ends with it.
    if (!res.headersSent) res.shouldKeepAlive = false;
    else res.once("finish", () => res.socket?.end());
  };
  return {
    listener: ((req, res) => {
      if (draining) closeAfter(res);
      inFlight.add(res);
      res.once("close", () => inFlight.delete(res));
      listener(req, res);
    }) satisfies RequestListener,
    /** A server whose idle connections close when draining starts. */
    track(server: http.Server) {
      servers.add(server);
      return server;
    },
    drain() {
      draining = true;
      for (const res of inFlight) closeAfter(res);
      for (const server of servers) server.closeIdleConnections();
    },
  };
}
