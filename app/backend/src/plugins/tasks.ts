import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../app.js";
import { notFound, userRouteErrors as errors } from "../errors.js";
import {
  completeTaskBody,
  createTaskBody,
  listTasksQuery,
  taskParams,
  taskSchema,
  updateTaskBody,
  userParams,
} from "../tasks/schemas.js";
import { TaskService } from "../tasks/service.js";

/** REST for tasks: /api/:user_id/tasks (the Phase II contract). */
export const taskRoutes: FastifyPluginAsyncZod<{ context: AppContext }> = async (app, { context }) => {
  const service = (userId: string) => new TaskService(context.database.db, userId);

  app.get(
    "/tasks",
    {
      schema: {
        summary: "List tasks",
        tags: ["tasks"],
        params: userParams,
        querystring: listTasksQuery,
        response: { 200: z.array(taskSchema), ...errors },
      },
    },
    async (request) => service(request.user.id).list(request.query.status),
  );

  app.post(
    "/tasks",
    {
      schema: {
        summary: "Create a task",
        tags: ["tasks"],
        params: userParams,
        body: createTaskBody,
        response: { 201: taskSchema, ...errors },
      },
    },
    async (request, reply) => {
      const task = await service(request.user.id).create(request.body.title, request.body.description);
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
      (await service(request.user.id).get(request.params.id)) ??
      Promise.reject(notFound("Task", request.params.id)),
  );

  app.put(
    "/tasks/:id",
    {
      schema: {
        summary: "Update a task",
        tags: ["tasks"],
        params: taskParams,
        body: updateTaskBody,
        response: { 200: taskSchema, ...errors },
      },
    },
    async (request) =>
      (await service(request.user.id).update(request.params.id, request.body)) ??
      Promise.reject(notFound("Task", request.params.id)),
  );

  app.delete(
    "/tasks/:id",
    {
      schema: {
        summary: "Delete a task",
        tags: ["tasks"],
        params: taskParams,
        response: { 204: z.null().describe("Deleted"), ...errors },
      },
    },
    async (request, reply) => {
      const removed = await service(request.user.id).remove(request.params.id);
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
        response: { 200: taskSchema, ...errors },
      },
    },
    async (request) =>
      (await service(request.user.id).complete(request.params.id, request.body?.completed)) ??
      Promise.reject(notFound("Task", request.params.id)),
  );
};
