// @vitest-environment node
// The request sanitizer in front of the proxy, over real sockets: client -> sanitizer + proxy -> recording backend.
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { rawRequest, startFrontServer, type FrontServer } from "./frontServer";
import { startRecordingServer, type RecordingServer } from "./recordingServer";

let backend: RecordingServer;
let front: FrontServer;

async function start() {
  backend = await startRecordingServer();
  front = await startFrontServer(backend.url);
}

afterEach(async () => {
  await front?.close();
  await backend?.close();
});

describe("the request sanitizer", () => {
  it("never lets a client-chosen address or origin reach the backend", async () => {
    await start();
    const claims = {
      "x-forwarded-for": "203.0.113.66",
      "x-forwarded-host": "evil.example.test",
      "x-forwarded-proto": "https",
      "x-forwarded-port": "8443",
      forwarded: "for=203.0.113.67;host=evil.example.test;proto=https",
      "x-real-ip": "203.0.113.68",
      "true-client-ip": "203.0.113.69",
    };

    const answer = await rawRequest(`${front.url}/api/me`, { headers: claims });

    expect(answer.status).toBe(200);
    const seen = backend.requests[0]!.headers;
    // The test client connects from 127.0.0.1, to the front server's host:port, without TLS.
    expect(seen["x-forwarded-for"]).toBe("127.0.0.1");
    expect(seen["x-forwarded-host"]).toBe(new URL(front.url).host);
    expect(seen["x-forwarded-proto"]).toBe("http");
    const everything = JSON.stringify(seen);
    for (const claimed of ["203.0.113.", "evil.example.test", "8443", "https"]) {
      expect(everything, claimed).not.toContain(claimed);
    }
  });

  it("answers TRACE with 405 and the methods the API answers, without calling the backend", async () => {
    await start();
    const answer = await rawRequest(`${front.url}/api/me`, { method: "TRACE" });

    expect(answer.status).toBe(405);
    expect(JSON.parse(answer.body).error.message).toContain("TRACE");
    expect(backend.requests).toHaveLength(0);
    // Every method the answer offers instead does reach the backend.
    const allowed = answer.headers.allow?.split(", ") ?? [];
    expect(allowed).toContain("GET");
    for (const method of allowed) await rawRequest(`${front.url}/api/me`, { method });
    expect(backend.requests.map((request) => request.method)).toEqual(allowed);
  });

  it("answers a path whose percent-escape is broken with 400 naming it, without calling the backend", async () => {
    await start();
    const answer = await rawRequest(`${front.url}/api/%zz/tasks`);

    expect(answer.status).toBe(400);
    expect(answer.headers["content-type"]).toContain("application/json");
    const { error } = JSON.parse(answer.body) as { error: { code: string; message: string } };
    expect(error.message).toContain('"%zz"');
    expect(error.message).toContain("%25");
    expect(backend.requests).toHaveLength(0);
  });

  it("refuses percent-escapes that are not UTF-8 too, and passes well-formed ones through unchanged", async () => {
    await start();
    expect((await rawRequest(`${front.url}/api/%C0%AF/tasks`)).status).toBe(400);

    const answer = await rawRequest(`${front.url}/api/a%20b%2Fc/tasks?q=%zz`);
    expect(answer.status).toBe(200);
    expect(backend.requests.map((request) => request.url)).toEqual(["/api/a%20b%2Fc/tasks?q=%zz"]);
  });
});

/** One request with its path sent exactly as written (fetch and http.request(url) would resolve it first). */
function rawPath(base: string, method: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method, path, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(method === "POST" ? "{}" : undefined);
  });
}

// Paths a raw client can send to climb out of /api to the backend's own routes (/openapi.json, /ready,
// /health, /mcp), which are not for the browser.
const ESCAPES = [
  { method: "GET", path: "/api/../openapi.json" },
  { method: "GET", path: "/api/%2e%2e/ready" },
  { method: "GET", path: "/api/.%2E/ready" },
  { method: "GET", path: "/api/..\\health" },
  { method: "GET", path: "/api/..%5chealth" },
  { method: "POST", path: "/api/./../mcp" },
  { method: "POST", path: "/api/tasks/../../mcp?x=1" },
];

describe("paths that leave /api", () => {
  it.each(ESCAPES)("$method $path never reaches the backend", async ({ method, path }) => {
    backend = await startRecordingServer();
    front = await startFrontServer(backend.url);
    const answer = await rawPath(front.url, method, path);
    expect([400, 404]).toContain(answer.status);
    expect(backend.requests).toEqual([]);
  });

  it("an escaped dot segment or a backslash is 400 naming it; a dot segment within /api is resolved", async () => {
    backend = await startRecordingServer();
    front = await startFrontServer(backend.url);
    const escaped = await rawPath(front.url, "GET", "/api/%2e%2e/ready");
    expect(escaped.status).toBe(400);
    expect(JSON.parse(escaped.body).error.message).toContain('"%2e%2e"');
    const backslash = await rawPath(front.url, "GET", "/api/..\\health");
    expect(backslash.status).toBe(400);
    expect(JSON.parse(backslash.body).error.message).toContain("backslash");

    expect((await rawPath(front.url, "GET", "/api/x/../me?a=1")).status).toBe(200);
    expect(backend.requests.map((request) => request.url)).toEqual(["/api/me?a=1"]);
  });
});

describe("hop-by-hop headers", () => {
  it("a client's Connection: x-forwarded-for does not drop the address the sanitizer states", async () => {
    await start();
    const answer = await rawRequest(`${front.url}/api/me`, {
      headers: { connection: "keep-alive, X-Forwarded-For, x-forwarded-host, x-custom", "x-custom": "1" },
    });
    expect(answer.status).toBe(200);
    const seen = backend.requests[0]!.headers;
    expect(seen["x-forwarded-for"]).toBe("127.0.0.1");
    expect(seen["x-forwarded-host"]).toBe(new URL(front.url).host);
    expect(seen["x-custom"]).toBeUndefined();
  });
});
