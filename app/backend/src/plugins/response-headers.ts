import type { FastifyRequest } from "fastify";

/**
 * Headers on every answer. Every answer is JSON about one user (or an error): never sniffed as another
 * type (nosniff), never kept by a browser or proxy cache (no-store). The request id lets a user's report
 * be matched with the log.
 */
export function standardHeaders(request: FastifyRequest): Record<string, string> {
  return {
    "x-request-id": request.id,
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
  };
}
