import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../app.js";
import type { SessionUser } from "../auth.js";
import { errorResponseSchema, HttpError } from "../errors.js";

/** Resolves the signed-in user from the session cookie or a bearer token; null when there is none. */
export async function sessionUser(context: AppContext, request: FastifyRequest): Promise<SessionUser | null> {
  const session = await context.auth.api.getSession({ headers: toHeaders(request.headers) });
  if (!session) return null;
  return { id: session.user.id, email: session.user.email, name: session.user.name };
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
          headers: toHeaders(request.headers),
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
