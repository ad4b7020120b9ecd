// What the built frontend, started as in production (server/start.mts in front of Next's server.js), tells the
// backend about the client: a frontend of its own in front of a recording server, to see exactly which headers
// reach "the backend". Needs the local build, so not run against an external stack (E2E_BASE_URL).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest } from "../unit/frontServer";
import { startRecordingServer, type RecordingServer } from "../unit/recordingServer";
import { startFrontend, type Frontend } from "./stack";

describe.skipIf(Boolean(process.env.E2E_BASE_URL))("what the built frontend tells the backend", () => {
  let backend: RecordingServer;
  let frontend: Frontend;

  beforeAll(async () => {
    backend = await startRecordingServer();
    frontend = await startFrontend(backend.url);
  });

  afterAll(async () => {
    await frontend?.stop();
    await backend?.close();
  });

  it("never forwards a client's X-Forwarded-For, X-Forwarded-Host or X-Forwarded-Proto", async () => {
    const answer = await rawRequest(`${frontend.url}/api/me`, {
      headers: {
        "x-forwarded-for": "203.0.113.66",
        "x-forwarded-host": "evil.example.test",
        "x-forwarded-proto": "https",
        forwarded: "for=203.0.113.67;host=evil.example.test",
        "x-real-ip": "203.0.113.68",
      },
    });
    expect(answer.status, frontend.logs()).toBe(200);
    const seen = backend.requests.at(-1)!.headers;
    expect(seen["x-forwarded-for"]).toBe("127.0.0.1"); // this test's own connection
    expect(seen["x-forwarded-host"]).toBe(new URL(frontend.url).host);
    expect(seen["x-forwarded-proto"]).toBe("http");
    const everything = JSON.stringify(seen);
    for (const claimed of ["203.0.113.", "evil.example.test", "https"]) {
      expect(everything, claimed).not.toContain(claimed);
    }
  });
});
