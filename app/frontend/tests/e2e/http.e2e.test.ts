// The built frontend's HTTP edge, started as in production (server/start.mts in front of Next's server.js):
// what reaches the backend of what a client sends, and what a client gets for bodies, methods and paths the app
// does not serve. Plain HTTP clients here; the browser flows are in app.e2e.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest } from "../unit/frontServer";
import { startRecordingServer, type RecordingServer } from "../unit/recordingServer";
import { startFrontend, startStack, type Frontend, type Stack } from "./stack";

let stack: Stack;
let session: { cookie: string; userId: string };

/** Signs a new user up through the frontend; returns the session cookie and the user's id. */
async function signUp(frontendUrl: string) {
  const signedUp = await fetch(`${frontendUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: frontendUrl },
    body: JSON.stringify({
      name: "Edge Tester",
      email: `edge-${Date.now()}@example.test`,
      password: "correct horse battery",
    }),
  });
  expect(signedUp.status, `${await signedUp.clone().text()}\n${stack.logs()}`).toBe(200);
  const cookie = signedUp.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const me = (await (await fetch(`${frontendUrl}/api/me`, { headers: { cookie } })).json()) as {
    user: { id: string };
  };
  return { cookie, userId: me.user.id };
}

beforeAll(async () => {
  stack = await startStack();
  session = await signUp(stack.frontendUrl);
});

afterAll(async () => {
  await stack?.stop();
});

describe("the built frontend's HTTP edge", () => {
  it("passes the backend's 413 through for a body over 2 MB", async () => {
    const bodySize = 5 * 1024 * 1024;
    for (let round = 1; round <= 3; round += 1) {
      const answer = await rawRequest(`${stack.frontendUrl}/api/${session.userId}/tasks`, {
        method: "POST",
        headers: {
          cookie: session.cookie,
          origin: stack.frontendUrl,
          "content-type": "application/json",
          "content-length": String(bodySize),
        },
        bodySize,
      });
      expect(answer.status, `round ${round}: ${answer.body}`).toBe(413);
      expect(JSON.parse(answer.body).error.code).toBe("BODY_TOO_LARGE");
    }
  });

  it("answers TRACE /api/me with 405 and the methods it allows", async () => {
    const answer = await rawRequest(`${stack.frontendUrl}/api/me`, { method: "TRACE" });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow?.split(", ")).toEqual(expect.arrayContaining(["GET", "POST", "DELETE"]));
    expect(answer.headers.allow).not.toContain("TRACE");
  });

  it("answers GET /api/%zz/tasks with 400 naming the broken escape", async () => {
    const answer = await rawRequest(`${stack.frontendUrl}/api/%zz/tasks`, {
      headers: { cookie: session.cookie },
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.message).toContain("%zz");
  });
});

// A frontend of its own in front of a recording server, to see exactly which headers reach "the backend".
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
