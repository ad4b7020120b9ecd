// @vitest-environment node
import { afterEach, describe, expect, it, vi } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { rawRequest, startFrontServer, type FrontServer } from "./frontServer";
import { startRecordingServer, unusedUrl, type RecordingServer } from "./recordingServer";

// The browser-facing origin of the frontend in these tests.
const FRONTEND = "http://app.example.test:3000";

let server: RecordingServer | undefined;
let front: FrontServer | undefined;
afterEach(async () => {
  await front?.close();
  await server?.close();
  server = undefined;
  front = undefined;
});

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0]!;
}

/**
 * A backend that refuses a body over `limit` bytes the way Fastify does (fastify/lib/content-type-parser.js):
 * as soon as the limit is passed it answers 413 with `Connection: close` and stops listening to the body.
 */
async function startLimitedBackend(limit: number): Promise<{ url: string; close: () => Promise<void> }> {
  const backend = http.createServer((req, res) => {
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limit) return;
      req.off("data", onData);
      res.writeHead(413, { "content-type": "application/json", connection: "close" });
      res.end(
        JSON.stringify({ error: { code: "BODY_TOO_LARGE", message: "The request body is too large." } }),
      );
    };
    req.on("data", onData);
    req.on("end", () => res.headersSent || res.end("{}"));
  });
  await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(backend.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        backend.closeAllConnections();
        backend.close(() => resolve());
      }),
  };
}

describe("the /api proxy: what it passes through", () => {
  it.each(["PUT", "PATCH", "DELETE"])("forwards %s with its body", async (method) => {
    server = await startRecordingServer((_req, res) => {
      res.statusCode = 204;
      res.end();
    });
    front = await startFrontServer(server.url);
    // Framed as a browser frames it (Node's client sends a DELETE body unframed unless told its length).
    const body = '{"completed":true}';
    const response = await send(`${front.url}/api/u-1/tasks/3`, {
      method,
      headers: { "content-length": String(body.length) },
      body,
    });
    const seen = only(server.requests);
    expect(seen.method).toBe(method);
    expect(seen.body).toBe('{"completed":true}');
    expect(response.status).toBe(204);
  });

  it("sends no body for GET", async () => {
    server = await startRecordingServer();
    front = await startFrontServer(server.url);
    await get(`${front.url}/api/me`);
    const seen = only(server.requests);
    expect(seen.body).toBe("");
    expect(seen.headers["transfer-encoding"]).toBeUndefined();
  });

  it("passes redirects to the browser instead of following them", async () => {
    server = await startRecordingServer((_req, res) => {
      res.statusCode = 302;
      res.setHeader("location", "/somewhere-else");
      res.end();
    });
    front = await startFrontServer(server.url);
    const response = await get(`${front.url}/api/auth/callback`);
    expect(response.status).toBe(302);
    expect(headerValues(response.rawHeaders, "location")).toEqual(["/somewhere-else"]);
    expect(server.requests).toHaveLength(1);
  });

  it("passes error statuses and bodies through unchanged", async () => {
    server = await startRecordingServer((_req, res) => {
      res.statusCode = 403;
      res.setHeader("content-type", "application/json");
      res.end('{"error":{"code":"FORBIDDEN","message":"not yours"}}');
    });
    front = await startFrontServer(server.url);
    const response = await get(`${front.url}/api/other/tasks`);
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toEqual({ error: { code: "FORBIDDEN", message: "not yours" } });
  });

  it("keeps a path prefix of the backend URL", async () => {
    server = await startRecordingServer();
    front = await startFrontServer(`${server.url}/base/`);
    await get(`${front.url}/api/me?x=1`);
    expect(only(server.requests).url).toBe("/base/api/me?x=1");
  });

  it("passes the backend's 413 for a body over 2 MB through", async () => {
    const backend = await startLimitedBackend(1024 * 1024);
    front = await startFrontServer(backend.url);
    const bodySize = 16 * 1024 * 1024;
    try {
      // Several rounds: without the fix, whether the answer or the broken pipe is seen first is a race.
      for (let round = 1; round <= 5; round += 1) {
        const answer = await rawRequest(`${front.url}/api/u-1/tasks`, {
          method: "POST",
          headers: { "content-type": "application/json", "content-length": String(bodySize) },
          bodySize,
        });
        expect(answer.status, `round ${round}: ${answer.body}`).toBe(413);
        expect(JSON.parse(answer.body).error.code).toBe("BODY_TOO_LARGE");
      }
    } finally {
      await backend.close();
    }
  });

  it("asks the backend for an uncompressed answer and passes it on as it came", async () => {
    server = await startRecordingServer((req, res) => {
      const json = JSON.stringify({ id: 1, title: "buy milk" });
      if (!/gzip/.test(String(req.headers["accept-encoding"]))) return void res.end(json);
      res.setHeader("content-encoding", "gzip");
      res.end(gzipSync(json));
    });
    front = await startFrontServer(server.url);
    const response = await send(`${front.url}/api/me`, { headers: { "accept-encoding": "gzip, br" } });
    expect(JSON.parse(response.body)).toEqual({ id: 1, title: "buy milk" });
  });
});

/** The values of one header in raw header lines (name, value, name, value...). */
function headerValues(rawHeaders: string[], name: string): string[] {
  return rawHeaders.filter((_, i) => i % 2 === 1 && rawHeaders[i - 1]!.toLowerCase() === name);
}

/**
 * One request over a plain Node client, which sends any header (fetch refuses Connection) and shows the raw
 * header lines as the browser would get them.
 */
function send(
  url: string,
  {
    method = "GET",
    headers = {},
    body,
  }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; rawHeaders: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: text }));
    });
    request.on("error", reject);
    request.end(body);
  });
}
const get = (url: string) => send(url);

describe("the /api proxy (next dev and production)", () => {
  it("forwards method, path, query, body and end-to-end headers; drops hop-by-hop ones", async () => {
    server = await startRecordingServer((_req, res) => {
      res.statusCode = 201;
      res.setHeader("content-type", "application/json");
      res.end('{"id":7}');
    });
    front = await startFrontServer(server.url);
    const body = JSON.stringify({ title: "buy milk" });
    const response = await send(`${front.url}/api/u-1/tasks?status=pending&q=a%20b`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        cookie: "better-auth.session_token=abc.def",
        authorization: "Bearer tok-123",
        connection: "x-hop",
        "x-hop": "drop me",
        "proxy-authorization": "Basic eA==",
        "accept-encoding": "gzip, br",
      },
      body,
    });
    expect(response.status).toBe(201);
    expect(JSON.parse(response.body)).toEqual({ id: 7 });
    const seen = only(server.requests);
    expect(seen).toMatchObject({ method: "POST", url: "/api/u-1/tasks?status=pending&q=a%20b", body });
    expect(seen.headers).toMatchObject({
      cookie: "better-auth.session_token=abc.def",
      authorization: "Bearer tok-123",
      "content-type": "application/json",
      "accept-encoding": "identity",
    });
    for (const name of ["x-hop", "proxy-authorization", "expect"])
      expect(seen.headers[name], name).toBeUndefined();
    expect(seen.headers.host).toBe(new URL(server.url).host);
  });

  it("passes repeated Set-Cookie lines apart and drops hop-by-hop response headers", async () => {
    const cookies = ["better-auth.session_token=abc; Path=/; HttpOnly", "theme=dark; Path=/"];
    server = await startRecordingServer((_req, res) => {
      res.setHeader("set-cookie", cookies);
      res.setHeader("connection", "keep-alive, x-upstream-hop");
      res.setHeader("x-upstream-hop", "drop me");
      res.setHeader("proxy-authenticate", "Basic");
      res.setHeader("x-kept", "yes");
      res.end("{}");
    });
    front = await startFrontServer(server.url);
    const answer = await get(`${front.url}/api/auth/sign-in/email`);
    const lines = (name: string) =>
      answer.rawHeaders.filter((_, i) => i % 2 === 1 && answer.rawHeaders[i - 1]!.toLowerCase() === name);
    expect(lines("set-cookie")).toEqual(cookies);
    expect(lines("x-kept")).toEqual(["yes"]);
    expect(lines("x-upstream-hop")).toEqual([]);
    expect(lines("proxy-authenticate")).toEqual([]);
    expect(answer.body).toBe("{}");
  });

  it("streams the answer: the first part arrives before the backend sends the rest", async () => {
    let sendRest!: () => void;
    const restAllowed = new Promise<void>((resolve) => (sendRest = resolve));
    server = await startRecordingServer(async (_req, res) => {
      res.write("first\n");
      await restAllowed;
      res.end("second\n");
    });
    front = await startFrontServer(server.url);
    const response = await fetch(`${front.url}/api/stream`);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("first\n");
    sendRest();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe("second\n");
  });

  it("streams the upload: the backend sees the first part before the browser sends the rest", async () => {
    let firstArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (firstArrived = resolve));
    server = await startRecordingServer(
      (req, res) => {
        req.once("data", () => firstArrived());
        req.on("end", () => res.end("{}"));
      },
      { streaming: true },
    );
    front = await startFrontServer(server.url);
    const upload = http.request(`${front.url}/api/u-1/tasks`, { method: "POST", agent: false });
    const answered = new Promise<number>((resolve) =>
      upload.on("response", (res) => resolve(res.statusCode!)),
    );
    upload.write('{"title":');
    await arrived; // would hang if the proxy waited for the whole body
    upload.end('"x"}');
    expect(await answered).toBe(200);
    expect(only(server.requests).body).toBe('{"title":"x"}');
  });

  it("keeps its connection to the backend open between requests", async () => {
    let connections = 0;
    const backend = http.createServer((_req, res) => res.end("{}"));
    backend.on("connection", () => (connections += 1));
    await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
    try {
      front = await startFrontServer(`http://127.0.0.1:${(backend.address() as AddressInfo).port}`);
      for (let i = 0; i < 5; i += 1) expect((await get(`${front.url}/api/me`)).status).toBe(200);
      expect(connections).toBe(1);
    } finally {
      backend.closeAllConnections();
      await new Promise((resolve) => backend.close(resolve));
    }
  });

  it("sends a GET once more on a new connection when the backend closes the kept-alive one under it, never a POST", async () => {
    // A backend that drops every connection's second request unanswered, as a stopping pod does with the
    // idle connections it closes just as a request arrives on one.
    const seen: string[] = [];
    const backend = http.createServer((req, res) => {
      seen.push(req.method!);
      const socket = req.socket as typeof req.socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      if (socket.served === 2) socket.destroy();
      else req.resume().on("end", () => res.end("{}"));
    });
    await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      front = await startFrontServer(`http://127.0.0.1:${(backend.address() as AddressInfo).port}`);
      expect((await get(`${front.url}/api/me`)).status).toBe(200);
      expect((await get(`${front.url}/api/me`)).status).toBe(200);
      expect(seen).toEqual(["GET", "GET", "GET"]);
      const post = () =>
        fetch(`${front!.url}/api/x/tasks`, { method: "POST", body: "{}", headers: { origin: FRONTEND } });
      // The retry's connection again: its second request is dropped, and a POST is not sent again.
      expect((await post()).status).toBe(502);
      expect(seen).toEqual(["GET", "GET", "GET", "POST"]);
      expect((await post()).status).toBe(200); // a new connection
      expect(seen).toEqual(["GET", "GET", "GET", "POST", "POST"]);
      expect(log).toHaveBeenCalledOnce();
    } finally {
      backend.closeAllConnections();
      await new Promise((resolve) => backend.close(resolve));
    }
  });

  it("answers 502 BACKEND_UNREACHABLE in JSON when nothing listens, and logs the address", async () => {
    const down = await unusedUrl();
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    front = await startFrontServer(down);
    const response = await fetch(`${front.url}/api/me`);
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("BACKEND_UNREACHABLE");
    expect(body.error.message).toContain("ECONNREFUSED");
    expect(body.error.message).toContain("BACKEND_URL");
    expect(log).toHaveBeenCalledWith(expect.stringContaining(down));
  });

  it("leaves every other path to Next", async () => {
    server = await startRecordingServer();
    front = await startFrontServer(server.url);
    expect((await get(`${front.url}/apiary`)).status).toBe(404);
    expect(server.requests).toHaveLength(0);
  });
});
