// @vitest-environment node
// Clients that send a request slowly, or open many connections, against the server's limits
// (server/limits.mts, which server/start.mts gives Next's server). The limits here are shorter than the
// shipped ones so the test takes seconds; the mechanism (Node's own checks) is the same.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CONNECTION_LIMITS, type ConnectionLimits } from "../../server/limits.mts";
import { rawRequest, startFrontServer, type FrontServer } from "./frontServer";
import { startRecordingServer, type RecordingServer } from "./recordingServer";

const LIMITS: ConnectionLimits = { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxConnections: 300 };
// Node checks the timeouts once a second (serverOptions' connectionsCheckingInterval).
const CHECK_MS = 1_000;

let backend: RecordingServer | undefined;
let front: FrontServer | undefined;
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await front?.close();
  await backend?.close();
});

/** A connection that sends `head` and then one body byte every `everyMs`; resolves when the server closes it. */
function slowUpload(url: string, head: string, everyMs: number) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  sockets.push(socket);
  let answer = "";
  const opened = performance.now();
  const closed = new Promise<{ afterMs: number; answer: string }>((resolve) => {
    socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(drip);
      resolve({ afterMs: performance.now() - opened, answer });
    });
  });
  socket.write(head);
  const drip = setInterval(() => socket.write("a"), everyMs);
  return { socket, closed };
}

describe("slow clients and connection floods", () => {
  it("the shipped limits are set and shorter than Node's defaults (300 s per request)", () => {
    expect(CONNECTION_LIMITS.requestTimeoutMs).toBeLessThan(300_000);
    expect(CONNECTION_LIMITS.headersTimeoutMs).toBeLessThanOrEqual(CONNECTION_LIMITS.requestTimeoutMs);
    expect(CONNECTION_LIMITS.maxConnections).toBeGreaterThan(0);
  });

  it("200 uploads sending a byte every 300 ms are answered 408 and closed once requestTimeout has passed", async () => {
    backend = await startRecordingServer();
    front = await startFrontServer(backend.url, LIMITS);
    const head =
      "POST /api/tasks HTTP/1.1\r\nHost: app.example.test\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
    const uploads = Array.from({ length: 200 }, () => slowUpload(front!.url, head, 300));
    const results = await Promise.all(uploads.map((upload) => upload.closed));
    for (const { afterMs, answer } of results) {
      expect(afterMs).toBeLessThan(LIMITS.requestTimeoutMs + 2 * CHECK_MS + 1_000);
      // The proxy had already forwarded the request, so the client sees the backend's hop cut or Node's 408.
      expect(answer === "" || answer.startsWith("HTTP/1.1 408")).toBe(true);
    }
  }, 20_000);

  it("200 clients that never finish their headers are closed once headersTimeout has passed", async () => {
    backend = await startRecordingServer();
    front = await startFrontServer(backend.url, LIMITS);
    const uploads = Array.from({ length: 200 }, () =>
      slowUpload(front!.url, "GET /api/me HTTP/1.1\r\nX-Slow: ", 300),
    );
    const results = await Promise.all(uploads.map((upload) => upload.closed));
    for (const { afterMs, answer } of results) {
      expect(afterMs).toBeLessThan(LIMITS.headersTimeoutMs + 2 * CHECK_MS + 1_000);
      expect(answer === "" || answer.startsWith("HTTP/1.1 408")).toBe(true);
    }
    expect(backend.requests).toEqual([]);
  }, 20_000);

  it("connections over maxConnections are closed at once; the server still answers once they go", async () => {
    backend = await startRecordingServer();
    front = await startFrontServer(backend.url, LIMITS);
    const { hostname, port } = new URL(front.url);
    const open = async () => {
      const socket = net.connect(Number(port), hostname);
      sockets.push(socket);
      socket.on("error", () => {});
      await new Promise((resolve) => socket.once("connect", resolve));
      return socket;
    };
    const held = [];
    for (let i = 0; i < LIMITS.maxConnections; i++) held.push(await open());
    const extra = await open();
    await new Promise((resolve) => extra.once("close", resolve));
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await rawRequest(`${front.url}/api/me`)).status).toBe(200);
  }, 20_000);
});
