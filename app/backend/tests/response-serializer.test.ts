// The response serializer (src/response-serializer.ts) on a bare Fastify app: the properties it writes and
// what it refuses, writing from the route's schema without parsing each response with zod.
import Fastify, { type FastifyInstance } from "fastify";
import { validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { responseSerializerCompiler } from "../src/response-serializer.js";
import { taskSchema } from "../src/tasks/schemas.js";

describe("response serializer", () => {
  let app: FastifyInstance;
  // Whatever the test puts here, the route returns as its 200 answer.
  let answer: unknown;
  beforeAll(async () => {
    app = Fastify().withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(responseSerializerCompiler);
    app.get("/tasks", { schema: { response: { 200: z.array(taskSchema) } } }, async () => answer as never);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  const task = {
    id: 7,
    user_id: "user-1",
    title: "Buy milk",
    description: null,
    completed: false,
    created_at: "2026-11-22T01:40:00.123Z",
    updated_at: "2026-11-22T01:41:00.000Z",
  };

  it("writes the schema's properties, with null and booleans as they are", async () => {
    answer = [task, { ...task, id: 8, description: "2 litres", completed: true }];
    const response = await app.inject("/tasks");
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(answer);
  });

  it("drops a property the schema does not have (an internal field never leaves the server)", async () => {
    answer = [{ ...task, surrogateId: "4b1d…", passwordHash: "x" }];
    const response = await app.inject("/tasks");
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([task]);
    expect(response.body).not.toContain("passwordHash");
  });

  it("refuses to send an answer that lacks a required property (500)", async () => {
    const { title: _missing, ...withoutTitle } = task;
    answer = [withoutTitle];
    const response = await app.inject("/tasks");
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain("Buy milk");
  });
});
