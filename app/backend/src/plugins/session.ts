import type { FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { AppContext } from "../context.js";
import { CLIENT_ADDRESS_HEADER } from "../auth.js";
import type { SessionUser } from "../session-cache.js";
import { HttpError } from "../errors.js";

declare module "fastify" {
  interface FastifyRequest {
    /**
     * The signed-in user: set by the hooks that check the session (plugins/user-scope.ts for /api/:user_id,
     * routes/mcp.ts for /mcp); null before them and on every other route. Routes read it with signedInUser().
     */
    user: SessionUser | null;
  }
}

/** Gives every request its `user` slot (null until a session-checking hook fills it). */
export const sessionSlot = fp(
  async (app) => {
    app.decorateRequest("user", null);
  },
  { name: "session-slot" },
);

/** The user a session-checking hook set on this request; a route outside those hooks is a programming error. */
export function signedInUser(request: FastifyRequest): SessionUser {
  if (!request.user) throw new Error(`${request.routeOptions.url}: no session hook ran before this route`);
  return request.user;
}

/**
 * Resolves the signed-in user from the session cookie or a bearer token; null when there is none. Better
 * Auth's getSession reads only these two headers (the bearer plugin turns a signed bearer token into the
 * session cookie, better-auth/better-auth packages/better-auth/src/plugins/bearer/index.ts; get-session reads
 * the cookie, packages/better-auth/src/api/routes/session.ts), so they are the session cache's key (session-cache.ts).
 */
export async function sessionUser(context: AppContext, request: FastifyRequest): Promise<SessionUser | null> {
  const { authorization, cookie } = request.headers;
  if (authorization === undefined && cookie === undefined) return null;
  const session = await context.sessions.resolve(`${authorization ?? ""}\n${cookie ?? ""}`, async () => {
    const found = await context.auth.api.getSession({ headers: authHeaders(context, request) });
    if (!found) return null;
    const { id, email, name } = found.user;
    return { user: { id, email, name }, sessionId: found.session.id, expiresAt: found.session.expiresAt };
  });
  return session?.user ?? null;
}

export async function requireUser(context: AppContext, request: FastifyRequest): Promise<SessionUser> {
  const user = await sessionUser(context, request);
  if (!user) {
    throw new HttpError(
      401,
      "UNAUTHENTICATED",
      "Sign in first: send the session cookie or an Authorization: Bearer <token> header.",
    );
  }
  return user;
}

// Headers that say who the client is or which address it used; only a trusted proxy may set them.
const FORWARDED_HEADERS = [
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-real-ip",
];

/**
 * The request's headers as Better Auth may see them. The client's address (CLIENT_ADDRESS_HEADER) is always
 * request.ip: the socket's address, or the X-Forwarded-For entry next to the trusted proxies (app.ts
 * trustProxy), so a client cannot pick its rate-limit bucket and clients without the header do not share one.
 * X-Forwarded-Host/-Proto pass only from a trusted proxy: they make an origin trusted (auth.ts).
 */
export function authHeaders(context: AppContext, request: FastifyRequest): Headers {
  const headers = toHeaders(request.headers);
  for (const name of FORWARDED_HEADERS) headers.delete(name);
  headers.set(CLIENT_ADDRESS_HEADER, request.ip);
  const fromTrustedProxy = context.trustedProxy(request.socket.remoteAddress ?? "");
  if (fromTrustedProxy && request.headers["x-forwarded-host"] !== undefined) {
    // Fastify's host and protocol read the forwarded headers (their last entry) when the proxy is trusted.
    headers.set("x-forwarded-host", request.host);
    headers.set("x-forwarded-proto", request.protocol);
  }
  return headers;
}

export function toHeaders(incoming: FastifyRequest["headers"]): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, String(item));
  }
  return headers;
}
