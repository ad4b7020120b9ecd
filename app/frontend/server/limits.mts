// How long a client may take to send a request, and how many connections one frontend process holds: without
// these, clients that send a body byte every few seconds keep their connections (and the memory behind them)
// for Node's defaults, 300 s per request (https://nodejs.org/api/http.html#serverrequesttimeout).
import type http from "node:http";

export interface ConnectionLimits {
  /** The request line and headers must have arrived within this (http.Server headersTimeout). */
  headersTimeoutMs: number;
  /** The whole request, body included, must have arrived within this; else Node answers 408 and closes. */
  requestTimeoutMs: number;
  /** Connections over this are closed as they arrive (net.Server maxConnections). */
  maxConnections: number;
}

export const CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  // Above the backend's REQUEST_TIMEOUT_MS (15 s), so an upload the backend accepts is not cut here first.
  requestTimeoutMs: 20_000,
  // Each open connection costs about 100 KiB; 500 stay well inside the pod's 256 MiB with the server's own
  // ~125 MiB. A browser opens at most 6 connections to one origin.
  maxConnections: 500,
};

/** The options http.createServer takes for these limits (https://nodejs.org/api/http.html#httpcreateserveroptions-requestlistener). */
export function serverOptions(limits: ConnectionLimits = CONNECTION_LIMITS): http.ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // Node checks both timeouts this often (30 s by default, which would let a slow client stay that much longer).
    connectionsCheckingInterval: 1_000,
  };
}

/** Sets the connection limit, which is a property of the server, not a createServer option (https://nodejs.org/api/net.html#servermaxconnections). */
export function limitConnections<T extends http.Server>(
  server: T,
  limits: ConnectionLimits = CONNECTION_LIMITS,
): T {
  server.maxConnections = limits.maxConnections;
  return server;
}
