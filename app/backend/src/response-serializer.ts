import fastJson from "fast-json-stringify";
import type { FastifySerializerCompiler } from "fastify";
import { z } from "zod";

/**
 * Writes every response with fast-json-stringify (what Fastify itself uses for JSON Schema routes), compiled
 * once per route and status from the route's zod response schema converted to JSON Schema. The type
 * provider's own serializer (fastify-type-provider-zod `serializerCompiler`) parses each response with zod
 * before JSON.stringify: for a list of 20 tasks that parse was about a third of the request's CPU (issue 17,
 * docs/benchmarks.md).
 *
 * What stays the same: only the schema's properties are written (`additionalProperties: false` objects drop
 * whatever else a handler returns, as zod's strip did), and a missing required property fails the response
 * (500) instead of sending it. What a zod parse checked and this does not: the values' types (the handlers
 * are typed against the same schemas at compile time).
 */
export const responseSerializerCompiler: FastifySerializerCompiler<z.ZodType> = ({ schema }) => {
  const jsonSchema = z.toJSONSchema(schema, { target: "draft-7", io: "output", unrepresentable: "any" });
  // fast-json-stringify's own schema type is narrower than a generated draft-7 document.
  return fastJson(jsonSchema as Parameters<typeof fastJson>[0]);
};
