/**
 * Tells "the database is unreachable, down or overloaded" (the API answers 503 and the client may retry)
 * from every other database error (a bug: 500). Drizzle wraps a failed query in DrizzleQueryError and
 * Better Auth may wrap that again, so the whole `cause` chain is searched.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (isUnavailableCause(current as ErrorLike)) return true;
    current = (current as ErrorLike).cause;
  }
  return false;
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

// The socket never reached, or lost, the server (Node's system error codes).
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);

// SQLSTATEs of a server that cannot serve now (https://www.postgresql.org/docs/current/errcodes-appendix.html):
// class 08 connection exception, 53 insufficient resources (e.g. too_many_connections), 57P01-57P05
// shutdown / cannot connect now / idle timeouts, 57014 query_canceled (our statement_timeout fired).
const UNAVAILABLE_SQLSTATE = /^(08...|53...|57P0[1-5]|57014)$/;

// node-postgres reports its own timeouts and lost connections as plain Errors with these messages
// (pg/lib/client.js: "Connection terminated unexpectedly", "Query read timeout", "... not queryable";
// pg-pool/index.js: "timeout exceeded when trying to connect", "Connection terminated due to connection
// timeout").
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Query read timeout$/,
  /is not queryable$/,
];

function isUnavailableCause(error: ErrorLike): boolean {
  if (typeof error.code === "string") {
    if (NETWORK_CODES.has(error.code) || UNAVAILABLE_SQLSTATE.test(error.code)) return true;
  }
  if (error instanceof AggregateError && error.errors.some((inner) => isDatabaseUnavailable(inner))) {
    return true; // a host name that resolves to several addresses, none reachable
  }
  const message = typeof error.message === "string" ? error.message : "";
  return DRIVER_MESSAGES.some((pattern) => pattern.test(message));
}
