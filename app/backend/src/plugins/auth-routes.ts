import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../app.js";
import { CLIENT_ADDRESS_HEADER, type SessionUser } from "../auth.js";
import { errorResponseSchema, HttpError } from "../errors.js";

/**
 * Resolves the signed-in user from the session cookie or a bearer token; null when there is none. Better
 * Auth's getSession reads only these two headers (the bearer plugin turns a signed bearer token into the
 * session cookie, better-auth dist/plugins/bearer/index.mjs; get-session reads the cookie,
 * dist/api/routes/session.mjs), so they are the session cache's key (session-cache.ts).
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

const meSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  agent: z.object({ mode: z.enum(["llm", "offline"]), model: z.string() }),
});

/** Better Auth's handler at /api/auth/*, and /api/me for the signed-in user and the chat agent in use. */
export const authRoutes: FastifyPluginAsyncZod<{ context: AppContext }> = async (app, { context }) => {
  // Better Auth reads the raw body itself, so this scope keeps bodies as text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));

  app.route({
    method: ["GET", "POST"],
    url: "/api/auth/*",
    schema: { hide: true },
    async handler(request, reply) {
      const url = new URL(request.url, context.config.BETTER_AUTH_URL);
      const hasBody = request.method !== "GET" && typeof request.body === "string" && request.body.length > 0;
      const response = await context.auth.handler(
        new Request(url, {
          method: request.method,
          headers: authHeaders(context, request),
          body: hasBody ? (request.body as string) : undefined,
        }),
      );
      void reply.status(response.status);
      for (const [name, value] of response.headers) {
        if (name !== "set-cookie") void reply.header(name, value);
      }
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) void reply.header("set-cookie", cookies);
      return reply.send(response.body ? Buffer.from(await response.arrayBuffer()) : null);
    },
  });

  app.get(
    "/api/me",
    {
      schema: {
        summary: "The signed-in user and the chat agent in use",
        tags: ["auth"],
        response: { 200: meSchema, 401: errorResponseSchema },
      },
    },
    async (request) => ({
      user: await requireUser(context, request),
      agent: { mode: context.chatModel.mode, model: context.chatModel.modelId },
    }),
  );
};
