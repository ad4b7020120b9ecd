// The backend's shapes, named for the app. All come from lib/api.gen.ts, which is generated from the
// backend's OpenAPI document (tests/tools/api-types.ts), so they cannot drift from what the API sends.
import type { components, paths } from "./api.gen";

export { LIMITS } from "./api.gen";

type Schemas = components["schemas"];
type Json<T> = T extends { content: { "application/json": infer Body } } ? Body : never;
type Ok<Path extends keyof paths, Method extends "get" | "post"> = paths[Path][Method] extends {
  responses: infer Responses;
}
  ? Json<Responses[keyof Responses & (200 | 201)]>
  : never;

export type Task = Schemas["Task"];
export type ToolCall = Schemas["ToolCall"];
export type Conversation = Schemas["Conversation"];
export type Message = Schemas["Message"];
export type ChatReply = Schemas["ChatResponse"];
export type ConversationWithMessages = Ok<"/api/{user_id}/conversations/{id}", "get">;
export type Me = Ok<"/api/me", "get">;
export type AgentInfo = Me["agent"];

/** Which tasks the list asks for (the `status` query parameter). */
export type TaskFilter = NonNullable<
  NonNullable<paths["/api/{user_id}/tasks"]["get"]["parameters"]["query"]>["status"]
>;
