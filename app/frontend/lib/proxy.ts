// Forwards one browser request to the backend and streams the answer back.
// Web Request in, Web Response out, no Next imports, so it can be tested against a real HTTP server.
//
// It uses node:http rather than fetch because the backend may answer before it has read the whole body: Fastify
// refuses a body over its limit with 413 and `Connection: close` and stops reading. The proxy must then pass that
// answer on and stop sending. fetch cannot: when the backend closes, the next write of the body fails with EPIPE,
// and Node destroys the socket before it has read the answer that is already waiting on it, so fetch rejects and
// the browser would see 502. The connections of EarlyAnswerAgent (server/earlyAnswer.mts) keep reading instead.
import { once } from "node:events";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import {
  backendAgent,
  connectionTokens,
  describe,
  HOP_BY_HOP as CONNECTION_HEADERS,
  isApiPath,
  targetUrl,
  unreachable,
} from "../server/forward.mts";
import { obscuredPath } from "../server/gate.mts";

// The production server proxies /api itself (server/forward.mts); this route-handler version serves `next dev`.
// It re-streams the body, so its length and framing are recomputed by the next hop.
const HOP_BY_HOP = new Set([...CONNECTION_HEADERS, "content-length", "transfer-encoding"]);

function apiError(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
}

export function backendUnreachable(detail: string): Response {
  return Response.json(unreachable(detail), { status: 502, headers: { "cache-control": "no-store" } });
}

// X-Forwarded-For/-Host/-Proto go through as they arrive: in production the request gate (server/gate.mts)
// has already replaced whatever the client sent with what the connection shows.
function requestHeaders(request: Request, withBody: boolean): Record<string, string> {
  const dropped = connectionTokens(request.headers.get("connection"));
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && !dropped.has(name)) headers[name] = value;
  });
  // Next drops Content-Encoding from a route's response (next/dist/server/send-response.js) and compresses
  // the answer itself, so the backend must answer uncompressed.
  headers["accept-encoding"] = "identity";
  // The body is streamed as it arrives, so in chunks (Node would frame it by itself only for POST, PUT, PATCH).
  if (withBody) headers["transfer-encoding"] = "chunked";
  return headers;
}

function responseHeaders(incoming: IncomingMessage): Headers {
  const dropped = connectionTokens(incoming.headers.connection);
  const headers = new Headers();
  const raw = incoming.rawHeaders; // name, value, name, value...: keeps repeated Set-Cookie lines apart
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!HOP_BY_HOP.has(name) && !dropped.has(name)) headers.append(name, raw[i + 1]!);
  }
  return headers;
}

function toResponse(incoming: IncomingMessage, method: string): Response {
  const status = incoming.statusCode ?? 502;
  const bodiless = method === "HEAD" || status === 204 || status === 205 || status === 304;
  if (bodiless) incoming.resume();
  return new Response(bodiless ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>), {
    status,
    statusText: incoming.statusMessage,
    headers: responseHeaders(incoming),
  });
}

type Body = { reader: ReadableStreamDefaultReader<Uint8Array>; first: Uint8Array };

/**
 * The browser's body, or null when there is none. Next gives every request but GET and HEAD a body stream, even
 * a DELETE without one; like fetch, look at the first piece before choosing how to frame it, so a stream that
 * ends at once goes to the backend as no body at all.
 */
async function openBody(request: Request): Promise<Body | null> {
  if (request.method === "GET" || request.method === "HEAD" || !request.body) return null;
  const reader = request.body.getReader();
  const first = await reader.read();
  if (first.done) {
    reader.releaseLock();
    return null;
  }
  return { reader, first: first.value };
}

/**
 * Streams the browser's body to the backend until it ends or the backend has answered. After an early answer
 * the rest of the body is not read: the browser gets the answer, not a wait for an upload nobody reads.
 */
async function sendBody({ reader, first }: Body, outgoing: http.ClientRequest, answered: AbortSignal) {
  try {
    for (let chunk: ReadableStreamReadResult<Uint8Array> = { done: false, value: first }; ;) {
      if (answered.aborted || outgoing.destroyed) return;
      if (chunk.done) return void outgoing.end();
      if (!outgoing.write(chunk.value)) await once(outgoing, "drain", { signal: answered });
      chunk = await reader.read();
    }
  } catch (error) {
    // An early answer interrupts the wait for "drain"; anything else ends the exchange.
    if (!answered.aborted) outgoing.destroy(error as Error);
  } finally {
    reader.releaseLock();
  }
}

export async function forwardToBackend(request: Request, backendUrl: string): Promise<Response> {
  // new URL has resolved the dot segments: a path that left /api on the way is not the browser's API.
  const url = new URL(request.url);
  const obscured = obscuredPath(url.pathname);
  if (obscured) return apiError(400, "INVALID_PATH", obscured);
  if (!isApiPath(url.pathname)) {
    return apiError(404, "NOT_FOUND", `${url.pathname} is not part of the API: API paths start with /api/.`);
  }
  const target = targetUrl(backendUrl, url.pathname + url.search);
  let body: Body | null;
  try {
    body = await openBody(request);
  } catch {
    return new Response(null, { status: 499 }); // the browser went away while sending
  }
  const answered = new AbortController();

  return new Promise<Response>((resolve) => {
    const secure = target.protocol === "https:";
    const outgoing = (secure ? https : http).request(target, {
      method: request.method,
      headers: requestHeaders(request, body !== null),
      agent: secure ? undefined : backendAgent,
      signal: request.signal,
    });
    outgoing.on("response", (incoming) => {
      answered.abort();
      // The backend answered before the body was all sent: this connection cannot carry another request.
      incoming.on("end", () => {
        if (!outgoing.writableFinished) outgoing.destroy();
      });
      resolve(toResponse(incoming, request.method));
    });
    outgoing.on("error", (error) => {
      if (answered.signal.aborted) return; // the answer is already on its way; its stream reports its own end
      if (request.signal.aborted) return resolve(new Response(null, { status: 499 }));
      console.error(`proxy: ${request.method} ${target.href} failed: ${describe(error)}`);
      resolve(backendUnreachable(describe(error)));
    });
    if (body) void sendBody(body, outgoing, answered.signal);
    else outgoing.end();
  });
}
