import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "./support/app.js";

const REQUEST_TIMEOUT_MS = 1_000;
const testApp = useTestApp({ env: { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) } });
let port = 0;

beforeAll(async () => {
  const url = await testApp().app.listen({ host: "127.0.0.1", port: 0 });
  port = Number(new URL(url).port);
});
afterAll(async () => {
  await testApp().app.close();
});

/**
 * A client that sends the headers of a sign-in, then its body one byte every 200 ms: it never finishes in
 * time. Resolves with what the server answered and when it closed the connection (or gave up waiting).
 */
function slowBodyClient(waitAtMostMs: number): Promise<{ closedAfterMs: number | null; answer: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    const finish = (closedAfterMs: number | null) => {
      clearInterval(dribble);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ closedAfterMs, answer });
    };
    const giveUp = setTimeout(() => finish(null), waitAtMostMs);
    socket.on("data", (chunk) => (answer += chunk));
    socket.on("close", () => finish(Date.now() - started));
    socket.on("error", () => {});
    socket.write(
      "POST /api/auth/sign-in/email HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
        "Origin: http://localhost:3000\r\nContent-Length: 1000\r\n\r\n{",
    );
    const dribble = setInterval(() => socket.write(" "), 200);
  });
}

describe("request timeouts", () => {
  it("a client that sends its body too slowly gets 408 and its connection closed", async () => {
    const result = await slowBodyClient(REQUEST_TIMEOUT_MS * 6);
    expect(result.closedAfterMs, "the server never closed the slow connection").not.toBeNull();
    expect(result.answer).toMatch(/^HTTP\/1\.1 408/);
    // The request timeout, plus at most one check interval of the server.
    expect(result.closedAfterMs!).toBeLessThan(REQUEST_TIMEOUT_MS + 2_000);
  });
});
