// A real HTTP server on 127.0.0.1 that records every request it receives, standing in for
// the backend so the proxy is tested over real sockets.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Recorded = {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Body chunks in arrival order, to check that a streamed body was not buffered. */
  chunks: string[];
};

type Handler = (req: IncomingMessage, res: ServerResponse, recorded: Recorded) => void | Promise<void>;

export type RecordingServer = {
  url: string;
  requests: Recorded[];
  close: () => Promise<void>;
};

const defaultHandler: Handler = (_req, res) => {
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ ok: true }));
};

/**
 * Starts a server. By default the handler runs after the whole body arrived; with
 * `streaming: true` it runs at once and the body is recorded as it comes.
 */
export async function startRecordingServer(
  handler: Handler = defaultHandler,
  { streaming = false } = {},
): Promise<RecordingServer> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const recorded: Recorded = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: "",
      chunks: [],
    };
    requests.push(recorded);
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      recorded.chunks.push(chunk);
      recorded.body += chunk;
    });
    const run = () =>
      Promise.resolve(handler(req, res, recorded)).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    if (streaming) void run();
    else req.on("end", () => void run());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on which nothing listens: bind a port, then release it. */
export async function unusedUrl(): Promise<string> {
  const server = await startRecordingServer();
  await server.close();
  return server.url;
}
