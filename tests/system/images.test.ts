// The images themselves: what each adds to the Node base image, and the backend's bundle
// (app/backend/scripts/bundle.mjs) serving its whole API on embedded PGlite under the chart's security
// settings, a path the PostgreSQL stack (stack.test.ts) never takes: PGlite's WebAssembly and data files
// must be in the image.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chartContainers } from "../../scripts/chart-containers.js";
import { docker, RUN_ID, RUN_LABELS, waitFor } from "../../scripts/docker-cli.js";
import { IMAGE_BUDGET_MIB, IMAGES, prepareImages } from "../../scripts/docker-stack.js";

const PREFIX = `todo-imagetest-${RUN_ID}`;

const bytes = (image: string) => Number(docker(["image", "inspect", "-f", "{{.Size}}", image]));

describe("the app images", function () {
  let NODE_IMAGE: string;
  before(async function () {
    this.timeout(25 * 60_000); // cold image builds on 2 cores
    NODE_IMAGE = (await prepareImages()).nodeImage;
  });

  for (const component of ["backend", "frontend"] as const) {
    it(`the ${component} image adds at most ${IMAGE_BUDGET_MIB} MiB to the Node base image`, () => {
      const addedMiB = (bytes(IMAGES[component]) - bytes(NODE_IMAGE)) / 2 ** 20;
      assert.ok(
        addedMiB <= IMAGE_BUDGET_MIB,
        `${IMAGES[component]} adds ${addedMiB.toFixed(1)} MiB to ${NODE_IMAGE}, over ${IMAGE_BUDGET_MIB} MiB`,
      );
    });
  }

  it("the frontend image carries no sharp: next.config.ts turns image optimisation off", () => {
    const found = docker([
      ...["run", "--rm", ...RUN_LABELS, "--entrypoint", "sh", IMAGES.frontend, "-c"],
      "find /app/node_modules -maxdepth 2 \\( -name sharp -o -name 'sharp-*' \\)",
    ]);
    assert.equal(found, "");
  });

  describe("the backend image on embedded PGlite, run with the chart's security settings", () => {
    const name = `${PREFIX}-backend-pglite`;
    const origin = "http://127.0.0.1:3000";
    let url = "";
    let user: { id: string; token: string };

    before(async function () {
      this.timeout(180_000);
      const { backend } = chartContainers({ publicUrl: origin });
      docker([
        ...["run", "-d", "--name", name, ...RUN_LABELS, ...backend.runFlags],
        ...Object.entries(backend.env).flatMap(([key, value]) => ["-e", `${key}=${value}`]),
        // No DATABASE_URL: the server opens PGlite in PGLITE_DATA_DIR (the image's default, under /tmp).
        ...["-e", `BETTER_AUTH_SECRET=${randomBytes(32).toString("hex")}`],
        ...["--publish=127.0.0.1::8000", IMAGES.backend],
      ]);
      url = `http://${docker(["port", name, "8000/tcp"]).split("\n")[0]}`;
      // PGlite compiles its WebAssembly and applies the migrations first: slow on a busy 2-core machine.
      await waitFor(
        `${name} /ready to return 200`,
        async () => (await fetch(`${url}/ready`)).status === 200,
        150_000,
        500,
      );
      user = await signUp(url, origin);
    });

    after(function () {
      this.timeout(60_000);
      docker(["rm", "-f", "-v", name]);
    });

    afterEach(function () {
      if (this.currentTest?.state === "failed") console.log(docker(["logs", "--tail", "60", name]));
    });

    it("is ready on PGlite", async () => {
      const ready = (await (await fetch(`${url}/ready`)).json()) as { database?: string };
      assert.equal(ready.database, "pglite");
    });

    it("serves the OpenAPI document with the task routes", async () => {
      const response = await fetch(`${url}/openapi.json`);
      assert.equal(response.status, 200);
      const document = (await response.json()) as { paths?: Record<string, unknown> };
      assert.ok(document.paths?.["/api/{user_id}/tasks"], Object.keys(document.paths ?? {}).join(", "));
    });

    it("adds a task through the MCP tools and lists it", async () => {
      const added = await mcp(url, user.token, "tools/call", {
        name: "add_task",
        arguments: { title: "water the plants" },
      });
      assert.equal((added.structuredContent as { status?: string }).status, "created", JSON.stringify(added));
      const listed = await mcp(url, user.token, "tools/call", { name: "list_tasks", arguments: {} });
      const tasks = (listed.structuredContent as { tasks: { title: string }[] }).tasks;
      assert.deepEqual(
        tasks.map((task) => task.title),
        ["water the plants"],
      );
    });

    it("answers a chat turn with the offline agent", async () => {
      const response = await fetch(`${url}/api/${user.id}/chat`, {
        method: "POST",
        headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" },
        body: JSON.stringify({ message: "add a task to call the bank" }),
      });
      const body = (await response.json()) as { response?: string };
      assert.equal(response.status, 200, JSON.stringify(body));
      assert.match(String(body.response), /call the bank/i);
    });
  });
});

async function signUp(url: string, origin: string): Promise<{ id: string; token: string }> {
  const response = await fetch(`${url}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({
      name: "Image Test",
      email: `image-${Date.now()}@example.test`,
      password: "image-pass-1",
    }),
  });
  const token = response.headers.get("set-auth-token");
  const body = (await response.json()) as { user?: { id: string } };
  if (!response.ok || !token || !body.user) {
    throw new Error(`sign-up failed: ${response.status} ${JSON.stringify(body)}`);
  }
  return { id: body.user.id, token };
}

/** One JSON-RPC request to the stateless MCP endpoint (Streamable HTTP, JSON response); its result. */
async function mcp(
  url: string,
  token: string,
  method: string,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: Record<string, unknown>; error?: unknown };
  if (response.status !== 200 || !body.result) {
    throw new Error(`MCP ${method} gave ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.result;
}
