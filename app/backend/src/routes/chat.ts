import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../context.js";
import { loadOnce } from "../load-once.js";
import { compactCalls, readState } from "../agent/conversation-state.js";
import { ConversationStore } from "../chat/conversations.js";
import { toolCallSchema } from "../chat/tool-calls.js";
import { limitExceeded } from "../plugins/rate-limits.js";
import { errorResponseSchema, HttpError, notFound, userRouteErrors as errors } from "../errors.js";
import { recordId, storedText, userParams } from "../tasks/schemas.js";
import { signedInUser } from "../plugins/session.js";
import { TaskService } from "../tasks/service.js";

// The model sees at most this many earlier messages: enough context, bounded cost.
const HISTORY_LIMIT = 20;
// A conversation is read in pages of at most this many messages (the newest first page by default).
const PAGE_MAX = 100;
const PAGE_DEFAULT = 50;
// Time for the last tool call and the reply's storage after the model's timeout fired.
const TURN_STORAGE_MARGIN_MS = 10_000;

// The agent loop (the AI SDK, the MCP client and server) loads on the first chat turn, not at start: it is
// about a fifth of the backend's idle memory and of its start-up time (docs/benchmarks.md).
const loadAgentLoop = loadOnce(() => import("../agent/run-agent.js"));

const conversationSchema = z
  .object({ id: z.number().int(), title: z.string(), created_at: z.string(), updated_at: z.string() })
  .meta({ id: "Conversation" });
const messageSchema = z
  .object({
    id: z.number().int(),
    role: z.enum(["user", "assistant"]),
    content: z.string(),
    tool_calls: z.array(toolCallSchema).nullable(),
    created_at: z.string(),
  })
  .meta({ id: "Message" });
const conversationId = recordId("conversation");

const chatBody = z.strictObject({
  conversation_id: conversationId.optional().describe("Omit to start a new conversation"),
  message: storedText().trim().min(1, "must not be empty").max(4000, "must be at most 4000 characters"),
});
const chatResponse = z
  .object({ conversation_id: z.number().int(), response: z.string(), tool_calls: z.array(toolCallSchema) })
  .meta({ id: "ChatResponse" });
const conversationParams = userParams.extend({ id: conversationId });
const pageQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1, "must be at least 1")
    .max(PAGE_MAX, `must be at most ${PAGE_MAX}`)
    .default(PAGE_DEFAULT)
    .describe("How many messages (the newest ones before `before`)"),
  before: recordId("message").optional().describe("Only messages older than this message id (paging back)"),
});

/** The chat endpoint (stateless: everything is loaded from and stored in the database) and conversations. */
export const chatRoutes: FastifyPluginAsyncZod<{ context: AppContext }> = async (app, { context }) => {
  // The signed-in user's conversations (user-scope.ts checked the session and the path's user_id).
  const store = (request: FastifyRequest) =>
    new ConversationStore(context.database.db, signedInUser(request).id);
  // The longest a turn can run: the model's whole-turn timeout, plus storing the reply.
  const turnLeaseMs = context.config.LLM_TIMEOUT_MS + TURN_STORAGE_MARGIN_MS;

  app.post(
    "/chat",
    {
      schema: {
        summary: "Send a chat message; the agent may call the task tools",
        tags: ["chat"],
        params: userParams,
        body: chatBody,
        response: { 200: chatResponse, ...errors, 429: errorResponseSchema },
      },
      config: {
        rateLimit: {
          max: context.config.CHAT_RATE_LIMIT_PER_MINUTE,
          timeWindow: "1 minute",
          errorResponseBuilder: limitExceeded("chat requests"),
        },
      },
    },
    async (request) => {
      // Before the turn is opened: a turn whose agent cannot load leaves no message waiting for a reply.
      const { runAgent } = await loadAgentLoop();
      const conversations = store(request);
      const { conversation_id: requestedId, message } = request.body;
      const opened = await conversations.beginTurn(requestedId, message, HISTORY_LIMIT);
      if (!opened) throw notFound("Conversation", requestedId!);
      const { conversationId: id, history } = opened;
      let turn;
      try {
        turn = await runAgent({
          model: context.chatModel.model,
          maxSteps: context.chatModel.maxSteps,
          history: history.map(({ role, content, tool_calls }) => ({ role, content, toolCalls: tool_calls })),
          state: readState(history.findLast((entry) => entry.role === "assistant")?.state),
          message,
          tasks: new TaskService(context.database.db, signedInUser(request).id),
          logger: request.log,
          timeoutMs: context.config.LLM_TIMEOUT_MS,
        });
      } catch (error) {
        await conversations.abandonTurn(id);
        throw error;
      }
      const stored = compactCalls(turn.toolCalls);
      if (!(await conversations.finishTurn(id, turn.response, stored, turn.state))) {
        throw new HttpError(
          404,
          "NOT_FOUND",
          `Conversation ${id} was deleted while its reply was being written, so the reply was not stored. ` +
            "Check your tasks and start a new conversation.",
        );
      }
      return { conversation_id: id, response: turn.response, tool_calls: turn.toolCalls };
    },
  );

  app.get(
    "/conversations",
    {
      schema: {
        summary: "List conversations, newest first",
        tags: ["chat"],
        params: userParams,
        response: { 200: z.array(conversationSchema), ...errors },
      },
    },
    async (request) => store(request).list(),
  );

  app.get(
    "/conversations/:id",
    {
      schema: {
        summary: "A conversation with a page of its messages (the newest, oldest first)",
        tags: ["chat"],
        params: conversationParams,
        querystring: pageQuery,
        response: {
          200: conversationSchema.extend({
            messages: z.array(messageSchema),
            has_more: z.boolean().describe("Older messages exist: ask again with before = messages[0].id"),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const conversations = store(request);
      const conversation = await conversations.get(request.params.id);
      if (!conversation) throw notFound("Conversation", request.params.id);
      const page = await conversations.messages(conversation.id, request.query);
      return { ...conversation, messages: page.messages, has_more: page.hasMore };
    },
  );

  app.delete(
    "/conversations/:id",
    {
      schema: {
        summary: "Delete a conversation and its messages",
        tags: ["chat"],
        params: conversationParams,
        response: { 204: z.null().describe("Deleted"), ...errors, 409: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const outcome = await store(request).remove(request.params.id, turnLeaseMs);
      if (outcome === "missing") throw notFound("Conversation", request.params.id);
      if (outcome !== "deleted") {
        void reply.header("retry-after", String(Math.ceil(outcome.busyForMs / 1000)));
        throw new HttpError(
          409,
          "CONVERSATION_BUSY",
          `Conversation ${request.params.id} is answering a message right now; try again when the reply has arrived.`,
        );
      }
      return reply.status(204).send(null);
    },
  );
};
