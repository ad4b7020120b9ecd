import { describe, expect, it } from "vitest";
import { useTestApp } from "./support/app.js";

const testApp = useTestApp();

describe("OpenAPI document generated from the zod schemas", () => {
  it("describes every REST route with its request and response schemas", async () => {
    const response = await testApp().app.inject({ method: "GET", url: "/openapi.json" });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths).sort()).toEqual([
      "/api/me",
      "/api/{user_id}/chat",
      "/api/{user_id}/conversations",
      "/api/{user_id}/conversations/{id}",
      "/api/{user_id}/tasks",
      "/api/{user_id}/tasks/{id}",
      "/api/{user_id}/tasks/{id}/complete",
      "/health",
      "/ready",
    ]);
    const create = document.paths["/api/{user_id}/tasks"].post;
    const body = create.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(["title"]);
    expect(body.properties.title).toMatchObject({ type: "string", maxLength: 200 });
    expect(create.responses["201"].content["application/json"].schema.$ref).toBe("#/components/schemas/Task");
    expect(document.components.schemas.Task.required).toEqual(
      expect.arrayContaining([
        "id",
        "user_id",
        "title",
        "description",
        "completed",
        "created_at",
        "updated_at",
      ]),
    );
    const list = document.paths["/api/{user_id}/tasks"].get;
    const query = list.parameters.filter((parameter: { in: string }) => parameter.in === "query");
    expect(query.map((parameter: { name: string }) => parameter.name)).toEqual(["status", "limit", "cursor"]);
    expect(query.every((parameter: { required?: boolean }) => !parameter.required)).toBe(true);
    expect(list.description).toContain('rel="next"');
    const chat = document.paths["/api/{user_id}/chat"].post;
    expect(Object.keys(chat.requestBody.content["application/json"].schema.properties)).toEqual([
      "conversation_id",
      "message",
    ]);
  });
});
