import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../context.js";
import { errorResponseSchema } from "../errors.js";
import { authHeaders, requireUser } from "../plugins/session.js";

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
