// Forwards one browser request to the backend and streams the answer back.
// Plain Fetch API only (no Next imports) so it can be tested against a real HTTP server.

// Headers that describe one connection, not the message: never forwarded in either direction.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "proxy-authorization",
  "proxy-authenticate",
  "host",
  // Answered by the Next server already (100-continue); Node's fetch refuses to send it.
  "expect",
  // The body is re-streamed, so its length is recomputed by the next hop.
  "content-length",
]);

// fetch() decodes gzip/br bodies itself, so the original encoding no longer describes the bytes.
const RESPONSE_ONLY_DROPPED = new Set(["content-encoding"]);

export function backendUnreachable(detail: string): Response {
  return Response.json(
    {
      error: {
        code: "BACKEND_UNREACHABLE",
        message: `The backend service is unreachable (${detail}). Check that it is running and that BACKEND_URL points at it.`,
      },
    },
    { status: 502, headers: { "cache-control": "no-store" } },
  );
}

/** Names listed in a Connection header are hop-by-hop for this message too (RFC 9110 7.6.1). */
function connectionTokens(headers: Headers): Set<string> {
  const value = headers.get("connection") ?? "";
  return new Set(
    value
      .split(",")
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
}

function requestHeaders(request: Request, url: URL): Headers {
  const dropped = connectionTokens(request.headers);
  const headers = new Headers();
  request.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && !dropped.has(name)) headers.set(name, value);
  });
  // Next's server fills the x-forwarded-* request headers from the socket when no proxy in
  // front of it did; keep them, or derive them from the URL the browser used.
  headers.set("x-forwarded-host", request.headers.get("x-forwarded-host") ?? url.host);
  headers.set(
    "x-forwarded-proto",
    request.headers.get("x-forwarded-proto") ?? url.protocol.replace(/:$/, ""),
  );
  const forwardedFor = request.headers.get("x-forwarded-for");
  if (forwardedFor) headers.set("x-forwarded-for", forwardedFor);
  return headers;
}

function responseHeaders(upstream: Response): Headers {
  const dropped = connectionTokens(upstream.headers);
  const headers = new Headers();
  upstream.headers.forEach((value, name) => {
    if (name === "set-cookie") return; // forEach joins them into one line; copied one by one below
    if (HOP_BY_HOP.has(name) || RESPONSE_ONLY_DROPPED.has(name) || dropped.has(name)) return;
    headers.set(name, value);
  });
  for (const cookie of upstream.headers.getSetCookie()) headers.append("set-cookie", cookie);
  return headers;
}

/** The most specific reason in an error's cause chain, e.g. "ECONNREFUSED" rather than "fetch failed". */
function describe(error: unknown): string {
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

export async function forwardToBackend(request: Request, backendUrl: string): Promise<Response> {
  const url = new URL(request.url);
  // Concatenate (not new URL(path, base)) so a base URL with a path prefix keeps it.
  const target = new URL(backendUrl.replace(/\/+$/, "") + url.pathname + url.search);
  const hasBody = request.method !== "GET" && request.method !== "HEAD" && request.body !== null;

  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers: requestHeaders(request, url),
      body: hasBody ? request.body : undefined,
      // Required by Node's fetch to send a stream body without buffering it first.
      ...(hasBody ? { duplex: "half" } : {}),
      // Redirects are the browser's business (auth callbacks), not the proxy's.
      redirect: "manual",
      cache: "no-store",
      signal: request.signal,
    } as RequestInit);
  } catch (error) {
    if (request.signal.aborted) return new Response(null, { status: 499 });
    console.error(`proxy: ${request.method} ${target.href} failed: ${describe(error)}`);
    return backendUnreachable(describe(error));
  }

  return new Response(upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: responseHeaders(upstream),
  });
}
