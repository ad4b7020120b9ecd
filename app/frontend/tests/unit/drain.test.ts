// @vitest-environment node
// Shutdown without resets (server/drain.mts, which server/start.mts runs on SIGTERM before Next closes its
// server): idle keep-alive connections close at once, and an answer still in flight closes its connection.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { drainable } from "../../server/drain.mts";

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe("draining on SIGTERM", () => {
  it("closes idle keep-alive connections and answers in-flight requests with Connection: close", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { listener, track, drain } = drainable((req, res) => {
      if (req.url === "/slow") void held.then(() => res.end("slow"));
      else res.end("ok");
    });
    server = track(http.createServer(listener));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    // One client a connection: the idle one must not carry the slow request.
    const get = (path: string, agent: http.Agent) =>
      new Promise<{ body: string; connection: string | undefined; socket: import("node:net").Socket }>(
        (resolve, reject) => {
          const request = http.get({ host: "127.0.0.1", port, path, agent }, (res) => {
            let body = "";
            res.on("data", (chunk) => (body += chunk));
            res.on("end", () =>
              resolve({ body, connection: res.headers.connection, socket: request.socket! }),
            );
          });
          request.on("error", reject);
        },
      );
    const agents = [new http.Agent({ keepAlive: true }), new http.Agent({ keepAlive: true })] as const;

    const idle = await get("/fast", agents[0]);
    expect(idle.connection).toBe("keep-alive");
    const idleClosed = new Promise((resolve) => idle.socket.once("close", resolve));
    const slow = get("/slow", agents[1]);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the slow request is in flight

    drain();
    await idleClosed;
    release();
    const answer = await slow;
    expect(answer.body).toBe("slow");
    expect(answer.connection).toBe("close");
    for (const agent of agents) agent.destroy();
  });
});
