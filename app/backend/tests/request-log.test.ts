// The request log at the chart's info level: one flat line a request.
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../src/app.js";
import { openDatabase } from "../src/db/client.js";
import { testConfig } from "./support/app.js";
import { captureLogs } from "./support/log-capture.js";

describe("request log", () => {
  const logs = captureLogs();
  let app: FastifyInstance;
  beforeAll(async () => {
    const config = testConfig({ LOG_LEVEL: "info" });
    const database = await openDatabase({ pgliteDataDir: "memory://", logger: pino({ level: "silent" }) });
    app = await buildApp({ config, logger: logs.logger, database });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("logs one line per request, with its id, method, URL, client address, status and time", async () => {
    await app.inject({ method: "GET", url: "/openapi.json?v=1", headers: { "x-request-id": "req-42" } });
    const ofRequest = () => logs.entries().filter((entry) => entry.reqId === "req-42");
    // The line is written when the response has finished, which may be just after inject() resolves.
    await vi.waitFor(() => expect(ofRequest().some((entry) => entry.msg === "request completed")).toBe(true));
    const lines = ofRequest();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      method: "GET",
      url: "/openapi.json?v=1",
      ip: "127.0.0.1", // inject()'s client address
      statusCode: 200,
      responseTimeMs: expect.any(Number),
    });
    // Flat fields only: nested objects are what made the line costly.
    expect(Object.values(lines[0]!).filter((value) => typeof value === "object")).toEqual([]);
  });

  it.each([
    { what: "8,000 characters", id: "r".repeat(8_000), mark: "r".repeat(40) },
    { what: "a line break and a forged log line", id: 'a\n{"level":60,"msg":"forged"}', mark: "forged" },
    { what: "markup", id: "<script>alert(1)</script>", mark: "alert(1)" },
    { what: "an empty value", id: "", mark: undefined },
  ])("replaces an X-Request-Id of $what with its own, in the answer and the log", async ({ id, mark }) => {
    const response = await app.inject({
      method: "GET",
      url: "/openapi.json",
      headers: { "x-request-id": id },
    });
    const given = response.headers["x-request-id"] as string;
    expect(given).toMatch(/^[0-9a-f-]{36}$/);
    await vi.waitFor(() => expect(logs.entries().some((entry) => entry.reqId === given)).toBe(true));
    if (mark) expect(JSON.stringify(logs.entries())).not.toContain(mark);
  });
});
