import type { FastifyPluginAsync, onRequestAsyncHookHandler, preValidationAsyncHookHandler } from "fastify";
import type { AppContext } from "../context.js";
import { loadOnce } from "../load-once.js";
import { TaskService } from "../tasks/service.js";
import { sessionUser, signedInUser } from "../plugins/session.js";
import { standardHeaders } from "../plugins/response-headers.js";

// The MCP SDK loads on the first request to /mcp, not at start (see chat.ts's agent loop).
const loadMcp = loadOnce(() =>
  Promise.all([
    import("@modelcontextprotocol/sdk/server/streamableHttp.js"),
    import("../mcp/task-server.js"),
  ]),
);

/**
 * The task tools for outside MCP clients (kagent, desktop assistants): Streamable HTTP, stateless — a new
 * server per request, bound to the user of the bearer token. Tool arguments never choose the user.
 */
export const mcpRoutes: FastifyPluginAsync<{ context: AppContext }> = async (app, { context }) => {
  // The user comes first (onRequest), so the write limit (preHandler) counts this user's requests.
  const authenticate: onRequestAsyncHookHandler = async (request, reply) => {
    const user = await sessionUser(context, request);
    if (!user) {
      return reply
        .status(401)
        .header("www-authenticate", 'Bearer realm="todo-chatbot", error="invalid_token"')
        .send(
          jsonRpcError(
            -32001,
            "Unauthorized: send Authorization: Bearer <token> from /api/auth/sign-in/email.",
          ),
        );
    }
    request.user = user;
  };

  // One JSON-RPC message a POST. JSON-RPC batches (an array) were removed from MCP in revision 2025-06-18
  // (https://modelcontextprotocol.io/specification/2025-06-18/changelog, "Remove support for JSON-RPC
  // batching"); the SDK still accepts them for older clients, and one batch of 100 tool calls would count as
  // one request against the write limit. So only a single message (an object) reaches the transport.
  const oneMessage: preValidationAsyncHookHandler = async (request, reply) => {
    const body = request.body;
    if (typeof body === "object" && body !== null && !Array.isArray(body)) return;
    const what = Array.isArray(body) ? `a JSON-RPC batch (an array of ${body.length})` : "not a JSON object";
    return reply
      .status(400)
      .send(
        jsonRpcError(-32600, `Invalid Request: the body is ${what}; send one JSON-RPC message per POST.`),
      );
  };

  // Every MCP request counts against the user's write budget: the transport reads the JSON-RPC message
  // only after this point, and a normal session needs a handful of requests a minute.
  app.post(
    "/mcp",
    {
      schema: { hide: true },
      onRequest: authenticate,
      preValidation: oneMessage,
      preHandler: app.writeLimit,
    },
    async (request, reply) => {
      const [{ StreamableHTTPServerTransport }, { createTaskMcpServer }] = await loadMcp();
      const server = createTaskMcpServer(
        new TaskService(context.database.db, signedInUser(request).id),
        request.log,
      );
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      reply.hijack();
      // A hijacked reply skips the onSend hooks: the transport writes to the raw response.
      for (const [name, value] of Object.entries(standardHeaders(request))) reply.raw.setHeader(name, value);
      reply.raw.on("close", () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(request.raw, reply.raw, request.body);
    },
  );

  // Stateless server: no SSE stream to resume and no session to end.
  for (const method of ["GET", "DELETE"] as const) {
    app.route({
      method,
      url: "/mcp",
      schema: { hide: true },
      handler: async (_request, reply) =>
        reply
          .status(405)
          .header("allow", "POST")
          .send(jsonRpcError(-32000, "Method not allowed: this MCP server is stateless; use POST.")),
    });
  }
};

function jsonRpcError(code: number, message: string) {
  return { jsonrpc: "2.0", error: { code, message }, id: null };
}
