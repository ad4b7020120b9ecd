import fastJson from "fast-json-stringify";
import type { FastifySerializerCompiler } from "fastify";
import { z } from "zod";

/**
 * Writes every response with fast-json-stringify (what Fastify itself uses for JSON Schema routes), compiled
 * once per route and status from the route's zod response schema converted to JSON Schema. The type
 * provider's own serializer (fastify-type-provider-zod `serializerCompiler`) parses each response with zod
 * before JSON.stringify: for a list of 20 tasks that parse was about a third of the request's CPU (docs/benchmarks.md).
 *
 * What stays the same: only the schema's properties are written (`additionalProperties: false` objects drop
 * whatever else a handler returns, as zod's strip did), and a missing required property fails the response
 * (500) instead of sending it. What a zod parse checked and this does not: the values' types. fast-json-stringify
 * coerces instead (null becomes "" in a string field, a Date its ISO string), and a required key whose value is
 * undefined fails where zod left it out. The handlers are typed against the same schemas at compile time. A
 * schema it cannot compile fails on the route's first answer with that status, not at start.
 */
export const responseSerializerCompiler: FastifySerializerCompiler<z.ZodType> = ({ schema }) => {
  // Compiled on the route's first answer with this status, once per schema: most statuses share one error
  // schema, and compiling every route's every status at start added about 9 MiB of idle memory.
  let serialize: ((data: unknown) => string) | undefined;
  return (data) => (serialize ??= serializerFor(schema))(data);
};

const compiled = new WeakMap<z.ZodType, (data: unknown) => string>();

function serializerFor(schema: z.ZodType): (data: unknown) => string {
  let serialize = compiled.get(schema);
  if (!serialize) {
    const jsonSchema = z.toJSONSchema(schema, { target: "draft-7", io: "output", unrepresentable: "any" });
    // fast-json-stringify's own schema type is narrower than a generated draft-7 document.
    serialize = fastJson(jsonSchema as Parameters<typeof fastJson>[0]);
    compiled.set(schema, serialize);
  }
  return serialize;
}
