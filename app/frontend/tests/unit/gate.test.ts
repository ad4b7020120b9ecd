// @vitest-environment node
// The request gate in front of the proxy, over real sockets: client -> gate + proxy -> recording backend.
import { afterEach, describe, expect, it } from "vitest";
import * as apiRoute from "../../app/api/[...path]/route";
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

describe("the request gate", () => {
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

  it("answers TRACE with 405 and the methods the route answers, without calling the backend", async () => {
    await start();
    const answer = await rawRequest(`${front.url}/api/me`, { method: "TRACE" });

    expect(answer.status).toBe(405);
    const routeMethods = Object.entries(apiRoute)
      .filter(([, value]) => typeof value === "function")
      .map(([name]) => name);
    expect(answer.headers.allow?.split(", ").sort()).toEqual(routeMethods.sort());
    expect(JSON.parse(answer.body).error.message).toContain("TRACE");
    expect(backend.requests).toHaveLength(0);
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
