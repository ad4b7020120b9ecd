import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { z } from "zod";
import type { DatabaseHandle } from "./db/client.js";
import { isDatabaseUnavailable } from "./db/errors.js";

/** The one error shape every endpoint answers with. */
export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      field: z.string().optional(),
    }),
  })
  .meta({ id: "Error" });

export type ErrorResponse = z.infer<typeof errorResponseSchema>;

/** The error answers every route under /api/:user_id can give. */
export const userRouteErrors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
};

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

// The database timeouts (db/client.ts) are a few seconds: a retry after that may find it back.
const RETRY_AFTER_SECONDS = 5;
/** What a user reads when the database is away, and when anything else failed on our side (details: log). */
export const DATABASE_UNAVAILABLE_MESSAGE =
  "The database is not reachable right now; try again in a few seconds.";
export const INTERNAL_ERROR_MESSAGE = "Something went wrong on our side; try again.";

export const notFound = (what: string, id: number | string) =>
  new HttpError(404, "NOT_FOUND", `${what} ${id} was not found`);

// Fastify's own errors that a client causes, mapped to stable codes and messages that say what to do.
const FASTIFY_CLIENT_ERRORS: Record<string, { code: string; message: (error: FastifyError) => string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: "INVALID_JSON",
    message: () => "The request body is not valid JSON: check quotes, commas and braces.",
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: "INVALID_JSON",
    message: () => "The request body is empty but Content-Type is application/json: send a JSON object.",
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: "BODY_TOO_LARGE",
    message: () => "The request body is too large: send a smaller one.",
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: "UNSUPPORTED_MEDIA_TYPE",
    message: (error) => `${error.message}: send Content-Type: application/json.`,
  },
};

export function registerErrorHandling(
  app: FastifyInstance,
  database: Pick<DatabaseHandle, "unreachable">,
): void {
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(body("NOT_FOUND", `No route for ${request.method} ${request.url}`));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issue = error.validation[0]!;
      const path = issue.instancePath.replace(/^\//, "").replaceAll("/", ".");
      const field = path || error.validationContext || "body";
      return reply.status(400).send(body("VALIDATION_ERROR", `${field}: ${issue.message}`, field));
    }
    if (error instanceof HttpError) {
      return reply.status(error.statusCode).send(body(error.code, error.message, error.field));
    }
    const known = error.code ? FASTIFY_CLIENT_ERRORS[error.code] : undefined;
    if (known) return reply.status(error.statusCode ?? 400).send(body(known.code, known.message(error)));
    const status = error.statusCode ?? 500;
    if (status < 500) {
      return reply.status(status).send(body(error.code ?? "BAD_REQUEST", error.message));
    }
    // A wrapped error that lost its cause (Better Auth's getSession) counts too while the database is away.
    if (isDatabaseUnavailable(error) || database.unreachable()) {
      request.log.warn({ err: error }, "database unavailable");
      return reply
        .status(503)
        .header("retry-after", String(RETRY_AFTER_SECONDS))
        .send(body("DATABASE_UNAVAILABLE", DATABASE_UNAVAILABLE_MESSAGE));
    }
    request.log.error({ err: error }, "request failed");
    return reply.status(status).send(body("INTERNAL_ERROR", INTERNAL_ERROR_MESSAGE));
  });
}

function body(code: string, message: string, field?: string): ErrorResponse {
  return { error: field ? { code, message, field } : { code, message } };
}
