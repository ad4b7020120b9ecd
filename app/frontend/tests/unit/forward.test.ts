// @vitest-environment node
// The production server's /api proxy (server/forward.mts), behind the request gate as server/start.mts runs it.
// proxy.test.ts covers the route handler that `next dev` uses; the 413 case runs there against both.
import { afterEach, describe, expect, it, vi } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startFrontServer, type FrontServer } from "./frontServer";
import { startRecordingServer, unusedUrl, type RecordingServer } from "./recordingServer";

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
