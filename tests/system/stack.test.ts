// System tests: both images built from their unchanged Dockerfiles on a real Docker engine, run as the
// cluster runs them (scripts/docker-stack.ts), checked through their probes, the frontend's proxy, the
// database, a real browser, a database outage, SIGTERM during a request, and a restart.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { containerState, docker, dockerAsync, RUN_ID, statusOf, waitFor } from "../../scripts/docker-cli.js";
import { prepareImages, PSQL, startStack, type Stack } from "../../scripts/docker-stack.js";

const ROOT = resolve(import.meta.dirname, "../..");
// Names unique per run (tests/system/run-hooks.ts removes everything the run created, whatever its name).
const PREFIX = `todo-systest-${RUN_ID}`;

describe("the stack in Docker, run as the cluster runs it", function () {
  let stack: Stack;
  let user: { id: string; token: string };

  before(async function () {
    this.timeout(25 * 60_000); // cold image builds on 2 cores
    await prepareImages();
    stack = await startStack(PREFIX);
    user = await signUp(stack.frontendUrl);
  });

  after(function () {
    this.timeout(120_000);
    stack?.remove();
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed" && stack) console.log(stack.logs());
  });

  const api = async (base: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}/api/${user.id}${path}`, {
      method,
      headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("answers every probe the chart configures", async () => {
    for (const component of ["backend", "frontend"] as const) {
      const url = component === "backend" ? stack.backendUrl : stack.frontendUrl;
      for (const path of Object.values(stack.specs[component].probes)) {
        assert.equal(await statusOf(url + path), 200, `${component} ${path}`);
      }
    }
    const page = await fetch(`${stack.frontendUrl}/`, { redirect: "manual" });
    assert.ok(page.status === 200 || (page.status >= 300 && page.status < 400), `GET / gave ${page.status}`);
  });

  it("runs both app containers as their non-root user on a read-only root filesystem", () => {
    for (const name of [stack.names.backend, stack.names.frontend]) {
      const [user, readOnly] = docker([
        "inspect",
        "-f",
        "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}",
        name,
      ]).split(" ");
      assert.equal(user, "1001:1001", name);
      assert.equal(readOnly, "true", name);
      assert.equal(docker(["exec", name, "id", "-u"]), "1001");
      const write = spawnSync("docker", ["exec", name, "sh", "-c", "touch /app/probe"], { encoding: "utf8" });
      assert.notEqual(write.status, 0, `${name} could write to /app`);
      assert.match(write.stderr, /Read-only file system/);
    }
  });

  it("stores a task created through the frontend's proxy in PostgreSQL", async () => {
    const title = `system test ${Date.now()}`;
    const created = await api(stack.frontendUrl, "POST", "/tasks", { title });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const stored = stack.psql(
      `select title from tasks where user_id = '${user.id}' and id = ${Number(created.body.id)}`,
    );
    assert.equal(stored, title);
  });

  it("is not ready while PostgreSQL is down and ready again when it returns", async function () {
    this.timeout(180_000);
    docker(["stop", stack.names.postgres]);
    await waitFor(
      "backend /ready to turn 503",
      async () => (await statusOf(`${stack.backendUrl}/ready`)) === 503,
    );
    assert.equal(
      await statusOf(`${stack.backendUrl}/health`),
      200,
      "liveness must not depend on the database",
    );
    docker(["start", stack.names.postgres]);
    await stack.waitPostgres();
    await stack.waitReady("backend", 60_000);
  });

  it("finishes a chat request in flight on docker stop and exits 0 within the grace period", async function () {
    this.timeout(180_000);
    const grace = stack.specs.backend.terminationGraceSeconds;
    // Hold the chat request inside the backend: it blocks reading the messages table until we commit.
    const lock = spawn("docker", ["exec", "-i", stack.names.postgres, ...PSQL]);
    let lockOutput = "";
    lock.stdout.on("data", (chunk: Buffer) => (lockOutput += chunk.toString()));
    lock.stdin.write("BEGIN; LOCK TABLE messages IN ACCESS EXCLUSIVE MODE; SELECT 'locked';\n");
    try {
      await waitFor("the messages table to be locked", () => lockOutput.includes("locked"));
      const chat = api(stack.backendUrl, "POST", "/chat", { message: "add a task to water the plants" });
      await waitFor(
        "the chat request to wait on the lock",
        () => Number(stack.psql("select count(*) from pg_stat_activity where wait_event_type = 'Lock'")) > 0,
      );
      const started = Date.now();
      const stopped = dockerAsync(["stop", "-t", String(grace), stack.names.backend]);
      await waitFor("the backend to log that it is shutting down", () =>
        docker(["logs", stack.names.backend]).includes("shutting down"),
      );
      lock.stdin.end("COMMIT;\n");
      const reply = await chat;
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.match(String(reply.body.response), /water the plants/i);
      assert.equal((await stopped).code, 0);
      const seconds = (Date.now() - started) / 1000;
      assert.ok(seconds < grace, `stopping took ${seconds} s, the grace period is ${grace} s`);
      const state = containerState(stack.names.backend);
      assert.equal(state.running, false);
      assert.equal(state.exitCode, 0, "exit code 137 would mean docker had to SIGKILL it");
    } finally {
      lock.kill();
      if (!containerState(stack.names.backend).running) docker(["start", stack.names.backend]);
      await stack.waitReady("backend");
    }
  });

  it("resumes a conversation after the backend restarts", async function () {
    this.timeout(120_000);
    const first = await api(stack.frontendUrl, "POST", "/chat", { message: "add a task to call the bank" });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const conversationId = first.body.conversation_id;
    docker(["restart", stack.names.backend]);
    await stack.waitReady("backend");
    const second = await api(stack.frontendUrl, "POST", "/chat", {
      conversation_id: conversationId,
      message: "what's pending?",
    });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(second.body.conversation_id, conversationId);
    assert.match(String(second.body.response), /call the bank/i);
    const conversation = await api(stack.frontendUrl, "GET", `/conversations/${conversationId}`);
    assert.equal((conversation.body.messages as unknown[]).length, 4);
  });

  // Last: the browser suite ends by stopping the backend to check the frontend's "unreachable" page.
  it("passes the browser end-to-end suite against the frontend container", function () {
    this.timeout(10 * 60_000);
    const run = spawnSync("npm", ["run", "test:e2e", "-w", "app/frontend"], {
      cwd: ROOT,
      env: {
        ...process.env,
        E2E_BASE_URL: stack.frontendUrl,
        E2E_STOP_BACKEND: `docker stop ${stack.names.backend}`,
        NO_COLOR: "1",
      },
      encoding: "utf8",
    });
    if (run.status !== 0) console.log(run.stdout, run.stderr);
    assert.equal(run.status, 0, "the browser suite failed against the containers (its output is above)");
    assert.match(run.stdout, /Tests\s+\d+ passed/);
  });
});

/** Signs up a fresh user through the frontend's proxy, as the browser does. */
async function signUp(frontendUrl: string): Promise<{ id: string; token: string }> {
  const response = await fetch(`${frontendUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: frontendUrl },
    body: JSON.stringify({
      name: "System Test",
      email: `system-${Date.now()}@example.test`,
      password: "system-pass-1",
    }),
  });
  const token = response.headers.get("set-auth-token");
  const body = (await response.json()) as { user?: { id: string } };
  if (!response.ok || !token || !body.user) {
    throw new Error(`sign-up through the frontend failed: ${response.status} ${JSON.stringify(body)}`);
  }
  return { id: body.user.id, token };
}
