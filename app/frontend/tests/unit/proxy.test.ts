// @vitest-environment node
import { afterEach, describe, expect, it, vi } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { forwardToBackend } from "../../lib/proxy";
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

/** A Promise plus the function that resolves it, to order events between client and server. */
function signal() {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return { fire, fired };
}

describe("forwardToBackend", () => {
  it("forwards method, path, query string and body, and returns status and body", async () => {
    server = await startRecordingServer((_req, res) => {
      res.statusCode = 201;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ id: 7, title: "buy milk" }));
    });
    const body = JSON.stringify({ title: "buy milk", description: "2 litres" });

    const response = await forwardToBackend(
      new Request(`${FRONTEND}/api/u-1/tasks?status=pending&q=a%20b&q=c`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      }),
      server.url,
    );

    const seen = only(server.requests);
    expect(seen.method).toBe("POST");
    expect(seen.url).toBe("/api/u-1/tasks?status=pending&q=a%20b&q=c");
    expect(seen.body).toBe(body);
    expect(seen.headers["content-type"]).toBe("application/json");
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ id: 7, title: "buy milk" });
  });

  it.each(["PUT", "PATCH", "DELETE"])("forwards %s with its body", async (method) => {
    server = await startRecordingServer((_req, res) => {
      res.statusCode = 204;
      res.end();
    });
    const response = await forwardToBackend(
      new Request(`${FRONTEND}/api/u-1/tasks/3`, { method, body: '{"completed":true}' }),
      server.url,
    );
    const seen = only(server.requests);
    expect(seen.method).toBe(method);
    expect(seen.body).toBe('{"completed":true}');
    expect(response.status).toBe(204);
  });

  it("keeps cookies, Authorization and the browser's Origin", async () => {
    server = await startRecordingServer();
    await forwardToBackend(
      new Request(`${FRONTEND}/api/auth/sign-out`, {
        method: "POST",
        headers: {
          cookie: "better-auth.session_token=abc.def; theme=dark",
          authorization: "Bearer tok-123",
          origin: FRONTEND,
          "x-request-id": "r-42",
        },
        body: "{}",
      }),
      server.url,
    );
    const seen = only(server.requests);
    expect(seen.headers.cookie).toBe("better-auth.session_token=abc.def; theme=dark");
    expect(seen.headers.authorization).toBe("Bearer tok-123");
    expect(seen.headers.origin).toBe(FRONTEND);
    expect(seen.headers["x-request-id"]).toBe("r-42");
  });

  it("does not forward hop-by-hop request headers, including ones named in Connection", async () => {
    server = await startRecordingServer();
    const response = await forwardToBackend(
      new Request(`${FRONTEND}/api/me`, {
        headers: {
          connection: "keep-alive, x-hop-secret",
          "keep-alive": "timeout=99",
          "x-hop-secret": "drop me",
          te: "trailers",
          trailer: "x-checksum",
          upgrade: "websocket",
          "proxy-authorization": "Basic c2VjcmV0",
          host: "browser-facing.example.test",
          expect: "100-continue",
          "x-end-to-end": "keep me",
        },
      }),
      server.url,
    );
    expect(response.status).toBe(200);
    const seen = only(server.requests);
    for (const name of [
      "keep-alive",
      "x-hop-secret",
      "te",
      "trailer",
      "upgrade",
      "proxy-authorization",
      "expect",
    ]) {
      expect(seen.headers[name], name).toBeUndefined();
    }
    expect(seen.headers.host).toBe(new URL(server.url).host);
    expect(seen.headers["x-end-to-end"]).toBe("keep me");
  });

  it("passes several Set-Cookie headers through as separate headers", async () => {
    const cookies = [
      "better-auth.session_token=abc; Path=/; HttpOnly; SameSite=Lax",
      "better-auth.session_data=xyz; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT",
      "theme=dark; Path=/",
    ];
    server = await startRecordingServer((_req, res) => {
      res.setHeader("set-cookie", cookies);
      res.setHeader("set-auth-token", "tok-1");
      res.end("{}");
    });
    const response = await forwardToBackend(
      new Request(`${FRONTEND}/api/auth/sign-in/email`, { method: "POST", body: "{}" }),
      server.url,
    );
    expect(response.headers.getSetCookie()).toEqual(cookies);
    expect(response.headers.get("set-auth-token")).toBe("tok-1");
  });

  it("does not pass hop-by-hop response headers back", async () => {
    server = await startRecordingServer((_req, res) => {
      res.setHeader("connection", "keep-alive, x-upstream-hop");
      res.setHeader("keep-alive", "timeout=5");
      res.setHeader("x-upstream-hop", "drop me");
      res.setHeader("proxy-authenticate", "Basic");
      res.setHeader("x-kept", "yes");
      res.setHeader("content-length", "2");
      res.end("{}");
    });
    const response = await forwardToBackend(new Request(`${FRONTEND}/api/me`), server.url);
    for (const name of [
      "connection",
      "keep-alive",
      "x-upstream-hop",
      "proxy-authenticate",
      "content-length",
    ]) {
      expect(response.headers.has(name), name).toBe(false);
    }
    expect(response.headers.get("x-kept")).toBe("yes");
    expect(await response.text()).toBe("{}");
  });

  it("streams the response: the first chunk arrives before the backend sends the rest", async () => {
    const firstRead = signal();
    server = await startRecordingServer(async (_req, res) => {
      res.setHeader("content-type", "text/plain");
      res.write("first\n");
      await firstRead.fired; // the rest waits until the client has seen the first part
      res.end("second\n");
    });
    const response = await forwardToBackend(new Request(`${FRONTEND}/api/stream`), server.url);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();

    const first = await reader.read();
    expect(decoder.decode(first.value)).toBe("first\n");
    firstRead.fire();

    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += decoder.decode(chunk.value, { stream: true });
    }
    expect(rest).toBe("second\n");
  });

  it("streams the request body: the backend sees the first part before the client sends the rest", async () => {
    const firstArrived = signal();
    server = await startRecordingServer(
      (req, res, recorded) => {
        req.on("data", () => {
          if (recorded.chunks.length === 1) firstArrived.fire();
        });
        req.on("end", () => res.end("{}"));
      },
      { streaming: true },
    );
    const encoder = new TextEncoder();
    let step = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        step += 1;
        if (step === 1) controller.enqueue(encoder.encode("part-one;"));
        else if (step === 2) {
          await firstArrived.fired; // only continue once the backend has the first part
          controller.enqueue(encoder.encode("part-two"));
        } else controller.close();
      },
    });

    const response = await forwardToBackend(
      new Request(`${FRONTEND}/api/upload`, { method: "POST", body, duplex: "half" } as RequestInit),
      server.url,
    );

    expect(response.status).toBe(200);
    const seen = only(server.requests);
    expect(seen.body).toBe("part-one;part-two");
    expect(seen.chunks[0]).toBe("part-one;");
  });

  it("sends no body for GET", async () => {
    server = await startRecordingServer();
    await forwardToBackend(new Request(`${FRONTEND}/api/me`), server.url);
    const seen = only(server.requests);
    expect(seen.body).toBe("");
    expect(seen.headers["transfer-encoding"]).toBeUndefined();
  });

  it("sends a body stream that ends at once as no body (Next gives a bodiless DELETE one)", async () => {
    server = await startRecordingServer();
    const empty = new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
    await forwardToBackend(
      new Request(`${FRONTEND}/api/u-1/tasks/3`, {
        method: "DELETE",
        body: empty,
        duplex: "half",
      } as RequestInit),
      server.url,
    );
    const seen = only(server.requests);
    expect(seen.headers["transfer-encoding"]).toBeUndefined();
    expect(seen.headers["content-length"] ?? "0").toBe("0");
  });

  it("passes redirects to the browser instead of following them", async () => {
    server = await startRecordingServer((_req, res) => {
      res.statusCode = 302;
      res.setHeader("location", "/somewhere-else");
      res.end();
    });
    const response = await forwardToBackend(new Request(`${FRONTEND}/api/auth/callback`), server.url);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/somewhere-else");
    expect(server.requests).toHaveLength(1);
  });

  it("passes error statuses and bodies through unchanged", async () => {
    server = await startRecordingServer((_req, res) => {
      res.statusCode = 403;
      res.setHeader("content-type", "application/json");
      res.end('{"error":{"code":"FORBIDDEN","message":"not yours"}}');
    });
    const response = await forwardToBackend(new Request(`${FRONTEND}/api/other/tasks`), server.url);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: "FORBIDDEN", message: "not yours" } });
  });

  it("keeps a path prefix of the backend URL", async () => {
    server = await startRecordingServer();
    await forwardToBackend(new Request(`${FRONTEND}/api/me?x=1`), `${server.url}/base/`);
    expect(only(server.requests).url).toBe("/base/api/me?x=1");
  });

  it.each(["server", "route handler"] as const)(
    "passes the backend's 413 for a body over 2 MB through (%s)",
    async (via) => {
      const backend = await startLimitedBackend(1024 * 1024);
      front = await startFrontServer(backend.url, via);
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
    },
  );

  it("stops reading the browser's body once the backend has answered", async () => {
    const backend = await startLimitedBackend(1024 * 1024);
    const bodySize = 64 * 1024 * 1024;
    let pulled = 0;
    // Each piece arrives in its own turn of the event loop, as from the network.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setImmediate(resolve));
        if (pulled >= bodySize) return controller.close();
        pulled += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    try {
      const response = await forwardToBackend(
        new Request(`${FRONTEND}/api/u-1/tasks`, { method: "POST", body, duplex: "half" } as RequestInit),
        backend.url,
      );
      expect(response.status).toBe(413);
      await response.text();
      await new Promise((resolve) => setTimeout(resolve, 50)); // room to keep reading, if it wrongly did
      expect(pulled).toBeLessThan(bodySize / 4);
    } finally {
      await backend.close();
    }
  });

  it("asks the backend for an uncompressed answer (Next drops Content-Encoding from a route's answer)", async () => {
    server = await startRecordingServer((req, res) => {
      const json = JSON.stringify({ id: 1, title: "buy milk" });
      if (!/gzip/.test(String(req.headers["accept-encoding"]))) return void res.end(json);
      res.setHeader("content-encoding", "gzip");
      res.end(gzipSync(json));
    });
    const response = await forwardToBackend(
      new Request(`${FRONTEND}/api/me`, { headers: { "accept-encoding": "gzip, br" } }),
      server.url,
    );
    expect(await response.json()).toEqual({ id: 1, title: "buy milk" });
  });

  it("answers 502 BACKEND_UNREACHABLE in JSON when nothing listens", async () => {
    const down = await unusedUrl();
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await forwardToBackend(new Request(`${FRONTEND}/api/me`), down);
    expect(response.status).toBe(502);
    expect(response.headers.get("content-type")).toContain("application/json");
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("BACKEND_UNREACHABLE");
    expect(body.error.message).toContain("ECONNREFUSED");
    expect(body.error.message).toContain("BACKEND_URL");
    // The operator's log names the address that failed; the browser's message does not need it.
    expect(log).toHaveBeenCalledWith(expect.stringContaining(down));
  });
});

// The production server proxies /api itself (server/forward.mts), behind the request gate as server/start.mts
// runs it; the tests above cover the route handler that `next dev` uses (the 413 case runs against both).
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

describe("the production server's /api proxy", () => {
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
