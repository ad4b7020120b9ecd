import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../context.js";
import { errorResponseSchema, notFound, userRouteErrors as errors } from "../errors.js";
import {
  completeTaskBody,
  createTaskBody,
  listTasksQuery,
  taskParams,
  TASK_PAGE_MAX,
  taskSchema,
  updateTaskBody,
  userParams,
} from "../tasks/schemas.js";
import { signedInUser } from "../plugins/session.js";
import { TaskService } from "../tasks/service.js";

// Writes also answer 429 once the user's write budget (plugins/rate-limits.ts) is spent.
const writeErrors = { ...errors, 429: errorResponseSchema };

/** REST for tasks: /api/:user_id/tasks (the Phase II contract). */
export const taskRoutes: FastifyPluginAsyncZod<{ context: AppContext }> = async (app, { context }) => {
  // The signed-in user's tasks (user-scope.ts checked the session and the path's user_id).
  const service = (request: FastifyRequest) => new TaskService(context.database.db, signedInUser(request).id);

  app.get(
    "/tasks",
    {
      schema: {
        summary: "List tasks",
        description:
          `Newest first, at most \`limit\` tasks (default and maximum ${TASK_PAGE_MAX}). When more remain, ` +
          'the `Link` response header holds the next page\'s URL: `Link: </api/{user_id}/tasks?...&cursor=N>; rel="next"`.',
        tags: ["tasks"],
        params: userParams,
        querystring: listTasksQuery,
        response: { 200: z.array(taskSchema), ...errors },
      },
    },
    async (request, reply) => {
      const { status, limit, cursor } = request.query;
      const page = await service(request).list(status, { limit, cursor });
      if (page.next !== undefined) {
        // A relative reference (RFC 8288 §3.1): it resolves against the URL the client used, proxy or not.
        const next = new URL(request.url, "http://relative.invalid");
        next.searchParams.set("status", status);
        next.searchParams.set("limit", String(limit));
        next.searchParams.set("cursor", String(page.next));
        void reply.header("link", `<${next.pathname}${next.search}>; rel="next"`);
      }
      return page.tasks;
    },
  );

  app.post(
    "/tasks",
    {
      schema: {
        summary: "Create a task",
        tags: ["tasks"],
        params: userParams,
        body: createTaskBody,
        response: { 201: taskSchema, ...writeErrors },
      },
      preHandler: app.writeLimit,
    },
    async (request, reply) => {
      const task = await service(request).create(request.body.title, request.body.description);
      return reply.status(201).send(task);
    },
  );

  app.get(
    "/tasks/:id",
    {
      schema: {
        summary: "Get a task",
        tags: ["tasks"],
        params: taskParams,
        response: { 200: taskSchema, ...errors },
      },
    },
    async (request) =>
      (await service(request).get(request.params.id)) ?? Promise.reject(notFound("Task", request.params.id)),
  );

  app.put(
    "/tasks/:id",
    {
      schema: {
        summary: "Update a task",
        tags: ["tasks"],
        params: taskParams,
        body: updateTaskBody,
        response: { 200: taskSchema, ...writeErrors },
      },
      preHandler: app.writeLimit,
    },
    async (request) =>
      (await service(request).update(request.params.id, request.body)) ??
      Promise.reject(notFound("Task", request.params.id)),
  );

  app.delete(
    "/tasks/:id",
    {
      schema: {
        summary: "Delete a task",
        tags: ["tasks"],
        params: taskParams,
        response: { 204: z.null().describe("Deleted"), ...writeErrors },
      },
      preHandler: app.writeLimit,
    },
    async (request, reply) => {
      const removed = await service(request).remove(request.params.id);
      if (!removed) throw notFound("Task", request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.patch(
    "/tasks/:id/complete",
    {
      schema: {
        summary: "Complete a task, or toggle it when `completed` is not given",
        tags: ["tasks"],
        params: taskParams,
        body: completeTaskBody,
        response: { 200: taskSchema, ...writeErrors },
      },
      preHandler: app.writeLimit,
    },
    async (request) =>
      (await service(request).complete(request.params.id, request.body?.completed)) ??
      Promise.reject(notFound("Task", request.params.id)),
  );
};
