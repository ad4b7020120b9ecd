// The /api proxy, the one path from the browser to the backend: the production server (server/start.mts) and the
// development server (server/dev.mts) both put it in front of Next, behind the request sanitizer, so a browser's /api
// request goes to the backend as Node streams, piped both ways, over a pool of keep-alive connections, without
// Next building a Web Request and Response around it (a route handler doing this ran at about a third of the
// backend's own rate: docs/benchmarks.md).
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import https from "node:https";
import { EarlyAnswerAgent } from "./earlyAnswer.mts";
import type { RequestListener } from "./requestSanitizer.mts";

/** Where the backend is when BACKEND_URL is unset (read per request, so one image serves any environment). */
export const DEFAULT_BACKEND_URL = "http://localhost:8000";

export function backendUrl(): string {
  return process.env.BACKEND_URL || DEFAULT_BACKEND_URL;
}

// Headers that describe one connection, not the message: never forwarded in either direction. Content-Length
// and Transfer-Encoding frame the body: this proxy passes them as the client sent them.
export const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "proxy-authorization",
  "proxy-authenticate",
  "host",
  // Answered by the front server already (100-continue).
  "expect",
]);

/** Names listed in a Connection header are hop-by-hop for this message too (RFC 9110 7.6.1). */
export function connectionTokens(value: string | string[] | null | undefined): Set<string> {
  return new Set(
    String(value ?? "")
      .split(",")
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
}

// One pool of keep-alive connections to the backend for the whole server. An https backend (outside the
// cluster) uses Node's default agent: the early-answer handling is for the plain in-cluster hop.
export const backendAgent = new EarlyAnswerAgent({ keepAlive: true });

/** The most specific reason in an error's cause chain, e.g. "ECONNREFUSED" rather than a generic message. */
export function describe(error: unknown): string {
  let reason = String(error);
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const { code, message, errors, cause } = current as {
      code?: unknown;
      message?: unknown;
      errors?: unknown[];
      cause?: unknown;
    };
    if (typeof code === "string" && !code.startsWith("UND_ERR_")) return code; // ECONNREFUSED, ENOTFOUND...
    if (typeof message === "string" && message) reason = message;
    current = cause ?? errors?.[0];
  }
  return reason;
}

/** The 502 answer's body when the backend cannot be reached. */
export function unreachable(detail: string) {
  return {
    error: {
      code: "BACKEND_UNREACHABLE",
      message: `The backend service is unreachable (${detail}). Check that it is running and that BACKEND_URL points at it.`,
    },
  };
}

/** The backend's URL for a request path: concatenated (not new URL(path, base)) so a base path prefix stays. */
export function targetUrl(base: string, pathAndQuery: string): URL {
  return new URL(base.replace(/\/+$/, "") + pathAndQuery);
}

/**
 * A request's path and query with its dot segments resolved, the way the WHATWG URL parser resolves them when
 * the backend's URL is built (targetUrl): `/api/../openapi.json` is `/openapi.json`. Which side serves a path is
 * decided on this form, never on the raw one. (Encoded dot segments and backslashes, which the parser resolves
 * too, are refused before this by the request sanitizer.)
 */
export function resolvedPath(pathAndQuery: string): string {
  const url = new URL(`http://frontend.invalid${pathAndQuery.startsWith("/") ? "" : "/"}${pathAndQuery}`);
  return url.pathname + url.search;
}

/** Whether a resolved path is the browser's API (/api and below), the only part of the backend it may reach. */
export function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

/** /api and everything under it goes to the backend; the rest to `next` (Next's own request listener). */
export function withApiProxy(next: RequestListener, backend: () => string = backendUrl): RequestListener {
  return (req, res) => {
    req.url = resolvedPath(req.url ?? "/");
    if (isApiPath(req.url.split("?")[0]!)) forward(req, res, backend());
    else next(req, res);
  };
}

function requestHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const dropped = connectionTokens(req.headers.connection);
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !dropped.has(name)) headers[name] = value;
  }
  // Answers pass through as they are; uncompressed, so that what the browser gets is what it asked the API for
  // whatever Next does to pages.
  headers["accept-encoding"] = "identity";
  return headers;
}

/** The backend's header lines minus hop-by-hop ones, as [name, value] pairs (repeated Set-Cookie lines stay apart). */
function responseHeaders(incoming: IncomingMessage): [string, string][] {
  const dropped = connectionTokens(incoming.headers.connection);
  const pairs: [string, string][] = [];
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!HOP_BY_HOP.has(name) && !dropped.has(name)) pairs.push([name, raw[i + 1]!]);
  }
  return pairs;
}

// Methods a proxy may send again: they change nothing on the backend (RFC 9110 9.2.1).
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// How a reused keep-alive connection fails when the backend closed it as the request went out.
const CLOSED_UNDER_US = new Set(["ECONNRESET", "EPIPE"]);

/** Forwards one request to the backend and pipes the answer back; 502 in JSON when the backend is unreachable. */
export function forward(req: IncomingMessage, res: ServerResponse, base: string): void {
  const target = targetUrl(base, req.url ?? "/");
  const secure = target.protocol === "https:";
  let outgoing: http.ClientRequest;
  const send = (retry: boolean) => {
    outgoing = (secure ? https : http).request(target, {
      method: req.method,
      headers: requestHeaders(req),
      agent: secure ? undefined : backendAgent,
    });
    let answered = false;
    outgoing.on("response", (incoming) => {
      answered = true;
      const early = !req.complete; // the backend answered before it had the whole body (e.g. 413)
      if (early) {
        // Stop reading the browser's upload: nobody reads the rest. Its connection closes after this answer,
        // and the backend connection cannot carry another request either.
        req.unpipe(outgoing);
        res.shouldKeepAlive = false;
        incoming.on("end", () => outgoing.destroy());
      }
      res.writeHead(incoming.statusCode ?? 502, incoming.statusMessage, responseHeaders(incoming).flat());
      incoming.pipe(res);
      incoming.on("error", () => res.destroy());
    });
    outgoing.on("error", (error) => {
      if (answered || res.destroyed) return res.destroy(); // mid-answer: the browser sees a cut answer
      // A kept-alive connection the backend closed just as this request went out on it (its idle timeout, or a
      // stopping pod closing its idle connections): a safe request is sent once more, on a new connection, as
      // Node's http docs advise (request.reusedSocket). Nothing else is sent twice.
      const code = (error as NodeJS.ErrnoException).code ?? "";
      if (
        !retry &&
        outgoing.reusedSocket &&
        CLOSED_UNDER_US.has(code) &&
        SAFE_METHODS.has(req.method ?? "")
      ) {
        return send(true);
      }
      console.error(`proxy: ${req.method} ${target.href} failed: ${describe(error)}`);
      res.writeHead(502, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
      res.end(JSON.stringify(unreachable(describe(error))));
    });
    // A safe request has no body to stream (and the browser's has been read by the first attempt).
    if (retry) outgoing.end();
    else req.pipe(outgoing); // a request without a body ends at once, and so does the backend's
  };
  // The browser went away: so does the request to the backend.
  res.on("close", () => {
    if (!res.writableFinished) outgoing.destroy();
  });
  send(false);
}
