import { request } from "node:http";
import type { FastifyInstance } from "fastify";

/**
 * The backend under test is the built bundle (dist/bundle/server.mjs, what the image runs) when
 * BACKEND_UNDER_TEST=bundle: `npm test -- "backend (bundle)"` runs the HTTP-level files that way
 * (vitest.bundle.config.ts). Otherwise the sources run in-process through Fastify's `inject`.
 */
export const underBundle = process.env.BACKEND_UNDER_TEST === "bundle";

interface InjectOptions {
  method?: string;
  url: string;
  headers?: Record<string, string | undefined>;
  payload?: string | object;
  remoteAddress?: string;
}

interface HttpResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => unknown;
}

/**
 * The address a test's client address is sent from: every 127.0.0.0/8 address is the loopback interface on
 * Linux, so a test's `remoteAddress` a.b.c.d becomes the real source address 127.b.c.d and the server sees
 * distinct clients, as `inject` shows them. TRUSTED_PROXIES entries are mapped the same way.
 */
export function loopbackFor(address: string): string {
  const parts = address.split(".");
  if (parts.length !== 4) throw new Error(`loopbackFor takes an IPv4 address, not ${address}`);
  return ["127", ...parts.slice(1)].join(".");
}

export function loopbackTrustedProxies(value: string): string {
  return value
    .split(",")
    .map((entry) => {
      const [address, prefix] = entry.trim().split("/");
      return prefix === undefined ? loopbackFor(address!) : `${loopbackFor(address!)}/${prefix}`;
    })
    .join(",");
}

/**
 * The part of a FastifyInstance that HTTP-level tests use (`inject`, `listen`, `ready`, `close`), served by a
 * backend process over real HTTP on loopback.
 */
export function httpApp(baseUrl: string, stop: () => Promise<void>): FastifyInstance {
  const app = {
    inject: (options: InjectOptions) => send(baseUrl, options),
    listen: async () => baseUrl,
    ready: async () => app,
    close: stop,
  };
  // Only these four members exist: a test that needs more of Fastify belongs in the in-process run only.
  return app as unknown as FastifyInstance;
}

function send(baseUrl: string, options: InjectOptions): Promise<HttpResponse> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  let body: string | undefined;
  if (options.payload !== undefined) {
    body = typeof options.payload === "string" ? options.payload : JSON.stringify(options.payload);
    if (typeof options.payload !== "string") headers["content-type"] ??= "application/json";
  }
  const url = new URL(options.url, baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: options.method ?? "GET",
        headers,
        agent: false,
        ...(options.remoteAddress ? { localAddress: loopbackFor(options.remoteAddress) } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            statusCode: response.statusCode ?? 0,
            headers: response.headers,
            body: text,
            json: () => JSON.parse(text),
          });
        });
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}
