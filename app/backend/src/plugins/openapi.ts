import swagger from "@fastify/swagger";
import fp from "fastify-plugin";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
import type { AppContext } from "../context.js";

/** The OpenAPI document is generated from the routes' zod schemas and served at /openapi.json. */
export const openApi = fp<{ context: AppContext }>(
  async (app, { context }) => {
    await app.register(swagger, {
      openapi: {
        openapi: "3.1.0",
        info: {
          title: "Todo Chatbot API",
          version: "0.1.0",
          description:
            "Tasks, chat and conversations of the signed-in user. Sign in through Better Auth at /api/auth/* " +
            "(email + password); send the session cookie or `Authorization: Bearer <token>`. " +
            "The same task tools are served to MCP clients at /mcp.",
        },
        servers: [{ url: context.config.BETTER_AUTH_URL }],
        components: {
          securitySchemes: {
            bearerAuth: { type: "http", scheme: "bearer" },
            sessionCookie: { type: "apiKey", in: "cookie", name: "better-auth.session_token" },
          },
        },
        security: [{ bearerAuth: [] }, { sessionCookie: [] }],
      },
      transform: jsonSchemaTransform,
      transformObject: jsonSchemaTransformObject,
    });

    app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  },
  { name: "openapi" },
);
