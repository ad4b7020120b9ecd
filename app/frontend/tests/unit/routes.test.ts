// @vitest-environment node
import { afterEach, describe, expect, it, vi } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { withApiProxy } from "../../server/apiProxy.mts";
import * as healthRoute from "../../app/healthz/route";
import { startRecordingServer, unusedUrl, type RecordingServer } from "./recordingServer";

const servers: RecordingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe("the /api proxy's backend", () => {
  it("reads BACKEND_URL on every request, not once at start-up", async () => {
    const first = await startRecordingServer();
    const second = await startRecordingServer();
    servers.push(first, second);
    const proxy = http.createServer(withApiProxy((_req, res) => void res.writeHead(404).end()));
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/api/me`;
    try {
      vi.stubEnv("BACKEND_URL", first.url);
      await fetch(url);
      vi.stubEnv("BACKEND_URL", second.url);
      await fetch(url);
    } finally {
      proxy.closeAllConnections();
      proxy.close();
    }
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
