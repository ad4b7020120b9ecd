// A real HTTP server standing in for the production and development ones: the request sanitizer, then the /api proxy,
// as server/start.mts and server/dev.mts compose them. Plus a raw HTTP client, because fetch cannot send TRACE
// or watch its own upload.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { EarlyAnswerAgent } from "../../server/earlyAnswer.mts";
import { withApiProxy } from "../../server/apiProxy.mts";
import { sanitizeRequests } from "../../server/requestSanitizer.mts";
import {
  CONNECTION_LIMITS,
  limitConnections,
  serverOptions,
  type ConnectionLimits,
} from "../../server/limits.mts";

export type FrontServer = { url: string; close: () => Promise<void> };

export async function startFrontServer(
  backendUrl: string,
  limits: ConnectionLimits = CONNECTION_LIMITS,
): Promise<FrontServer> {
  const notNext = (_req: IncomingMessage, res: ServerResponse) => res.writeHead(404).end();
  const listener = withApiProxy(notNext, () => backendUrl);
  const server = limitConnections(
    http.createServer(serverOptions(limits), sanitizeRequests(listener)),
    limits,
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type RawAnswer = { status: number; headers: http.IncomingHttpHeaders; body: string };

/**
 * Sends one request over a fresh connection, with a body of `bodySize` bytes written in `chunkSize` pieces until
 * the answer arrives. Like a browser (and unlike Node's plain client), it still reads an answer that comes
 * while its upload is being cut off.
 */
export function rawRequest(
  url: string,
  { method = "GET", headers = {}, bodySize = 0, chunkSize = 64 * 1024 } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let bytesSent = 0;
    let answered = false;
    const req = http.request(url, { method, headers, agent: new EarlyAnswerAgent() });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        req.destroy();
      });
    });
    const chunk = Buffer.alloc(chunkSize, "a");
    const writeMore = () => {
      while (!answered && bytesSent < bodySize) {
        bytesSent += chunkSize;
        if (!req.write(chunk)) return void req.once("drain", writeMore);
      }
      if (!answered) req.end();
    };
    writeMore();
  });
}
