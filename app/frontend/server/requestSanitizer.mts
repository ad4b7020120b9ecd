// The first code every request meets (server/start.mts in production and server/dev.mts in development put it in
// front of the /api proxy and Next's own request listener). It does what Next cannot do from inside a route:
//
// - Client address and origin. Next fills X-Forwarded-For/-Host/-Proto only when the client did not send them
//   (vercel/next.js, packages/next/src/server/base-server.ts: `req.headers['x-forwarded-for'] ??=
//   socket.remoteAddress`), and a route handler never sees the socket. So the client could choose the address the
//   backend's rate limits key on. The sanitizer removes every header a client could use to claim an address or an
//   origin and states what it saw itself.
// - Requests Next answers with 500: a method the Fetch standard forbids (Next builds a fetch Request for every
//   route handler, and `new Request(url, { method: "TRACE" })` throws) and a path whose percent-escapes do not
//   decode (Next's decodePathParams throws a DecodeError, and an App Router app has no page to render its 400).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { connectionTokens } from "./apiProxy.mts";

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** The methods the backend's API answers (the Allow header of the sanitizer's 405 for /api paths). */
export const API_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
/** What Next answers for a page: `Allow: GET, HEAD` on its own 405s. */
const PAGE_METHODS = ["GET", "HEAD"] as const;

// https://fetch.spec.whatwg.org/#forbidden-method
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

// Headers by which a client (or a proxy we do not know) claims an address or an origin. The list covers the
// standard one (RFC 7239) and the de facto ones that common libraries read; X-Forwarded-* is matched by prefix.
const ADDRESS_CLAIMS = new Set([
  "forwarded",
  "x-real-ip",
  "x-client-ip",
  "x-cluster-client-ip",
  "true-client-ip",
  "cf-connecting-ip",
  "fastly-client-ip",
]);

/**
 * Why a raw path is refused, if it is: clients that mean a path send it resolved (browsers do), so an escaped
 * dot segment (`%2e%2e`) or a backslash, which URL parsers read as `..` and `/`, only hides where it goes.
 */
export function obscuredPath(path: string): string | undefined {
  if (/\\|%5c/i.test(path)) {
    return "The URL path contains a backslash (\\ or %5C). Separate path segments with /.";
  }
  const dots = path.split("/").find((segment) => /^(?:\.|%2e){1,2}$/i.test(segment) && /%2e/i.test(segment));
  if (dots) {
    return `The URL path contains the escaped dot segment "${dots}". Send the path with its dot segments resolved.`;
  }
  return undefined;
}

type Rejection = { status: number; code: string; message: string; headers?: Record<string, string> };

function rejection(req: IncomingMessage): Rejection | undefined {
  const method = req.method ?? "";
  const path = (req.url ?? "/").split("?")[0]!;
  if (FORBIDDEN_METHODS.has(method)) {
    const allowed = path === "/api" || path.startsWith("/api/") ? API_METHODS : PAGE_METHODS;
    return {
      status: 405,
      code: "METHOD_NOT_ALLOWED",
      message: `${method} is not supported here. Use one of: ${allowed.join(", ")}.`,
      headers: { allow: allowed.join(", ") },
    };
  }
  const obscured = obscuredPath(path);
  if (obscured) return { status: 400, code: "INVALID_PATH", message: obscured };
  try {
    decodeURIComponent(path);
  } catch {
    const escape = /%(?![0-9a-f]{2})[^/?]{0,2}/i.exec(path)?.[0];
    const what = escape ? `contains "${escape}", which is not a percent-escape` : "does not decode to UTF-8";
    return {
      status: 400,
      code: "INVALID_PATH",
      message: `The URL path ${what}. Write a literal % as %25 and encode other characters as UTF-8.`,
    };
  }
  return undefined;
}

function send(res: ServerResponse, { status, code, message, headers }: Rejection): void {
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  res.end(JSON.stringify({ error: { code, message } }));
}

// Connection options that are not header names (RFC 9112 9.3, 9.6).
const CONNECTION_OPTIONS = new Set(["close", "keep-alive"]);

/** Replaces whatever the client said about its address and origin with what this connection shows. */
export function setForwardedHeaders(req: IncomingMessage): void {
  // Headers the client names in Connection are for this hop only (RFC 9110 7.6.1): they end here, before the
  // sanitizer states its own, so that `Connection: x-forwarded-for` cannot make the proxy drop the address set below.
  const connection = [...connectionTokens(req.headers.connection)];
  for (const name of connection) if (!CONNECTION_OPTIONS.has(name)) delete req.headers[name];
  const options = connection.filter((token) => CONNECTION_OPTIONS.has(token));
  if (options.length > 0) req.headers.connection = options.join(", ");
  else delete req.headers.connection;
  for (const name of Object.keys(req.headers)) {
    if (name.startsWith("x-forwarded-") || ADDRESS_CLAIMS.has(name)) delete req.headers[name];
  }
  const address = req.socket.remoteAddress;
  if (address) req.headers["x-forwarded-for"] = address;
  // The Host the client connected to: a browser cannot choose it, and the backend checks Origin against its
  // configured TRUSTED_ORIGINS, not against this.
  if (req.headers.host) req.headers["x-forwarded-host"] = req.headers.host;
  req.headers["x-forwarded-proto"] = (req.socket as Partial<TLSSocket>).encrypted ? "https" : "http";
}

/** Wraps Next's request listener: refuse what Next would answer with 500, then state the connection's facts. */
export function sanitizeRequests(listener: RequestListener): RequestListener {
  return (req, res) => {
    const refused = rejection(req);
    if (refused) return send(res, refused);
    setForwardedHeaders(req);
    listener(req, res);
  };
}
