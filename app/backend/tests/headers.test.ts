import { describe, expect, it } from "vitest";
import { createTask, signUp, useTestApp } from "./support/app.js";

const testApp = useTestApp();

describe("response headers", () => {
  it("user data and errors are never sniffed as another type nor cached", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const task = await createTask(app, user, "private");
    const requests = [
      { method: "GET", url: `/api/${user.id}/tasks`, headers: user.headers },
      { method: "GET", url: `/api/${user.id}/tasks/${task.id}`, headers: user.headers },
      { method: "GET", url: `/api/${user.id}/conversations`, headers: user.headers },
      { method: "GET", url: "/api/me", headers: user.headers },
      { method: "GET", url: "/api/auth/get-session", headers: user.headers },
      { method: "GET", url: `/api/${user.id}/tasks` }, // 401
      { method: "GET", url: `/api/${user.id}/tasks/999999`, headers: user.headers }, // 404
      { method: "GET", url: "/no/such/route" },
      {
        method: "POST",
        url: "/mcp",
        headers: { ...user.headers, accept: "application/json, text/event-stream" },
        payload: { jsonrpc: "2.0", id: 1, method: "tools/list" },
      },
    ] as const;
    for (const request of requests) {
      const response = await app.inject(request);
      const label = `${request.method} ${request.url} -> ${response.statusCode}`;
      expect(response.headers["x-content-type-options"], label).toBe("nosniff");
      expect(response.headers["cache-control"], label).toBe("no-store");
    }
  });
});
