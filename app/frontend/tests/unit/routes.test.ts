// @vitest-environment node
import { afterEach, describe, expect, it, vi } from "vitest";
import * as proxyRoute from "../../app/api/[...path]/route";
import * as healthRoute from "../../app/healthz/route";
import { startRecordingServer, unusedUrl, type RecordingServer } from "./recordingServer";

const servers: RecordingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe("/api/[...path] route", () => {
  // `dynamic = "force-dynamic"` acts only in a Next.js build: the e2e suite, whose requests go through the built
  // server's /api route to a live backend, is what fails without it (a static route would be cached at build time).
  it("handles every method the backend uses", () => {
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"] as const) {
      expect(typeof proxyRoute[method], method).toBe("function");
    }
  });

  it("reads BACKEND_URL on every request, not once at start-up", async () => {
    const first = await startRecordingServer();
    const second = await startRecordingServer();
    servers.push(first, second);

    vi.stubEnv("BACKEND_URL", first.url);
    await proxyRoute.GET(new Request("http://localhost:3000/api/me"));
    vi.stubEnv("BACKEND_URL", second.url);
    await proxyRoute.GET(new Request("http://localhost:3000/api/me"));

    expect(first.requests.map((r) => r.url)).toEqual(["/api/me"]);
    expect(second.requests.map((r) => r.url)).toEqual(["/api/me"]);
  });
});

describe("/healthz route", () => {
  it("answers ok without calling the backend", async () => {
    vi.stubEnv("BACKEND_URL", await unusedUrl());
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const response = healthRoute.GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
