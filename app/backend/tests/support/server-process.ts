import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { underBundle } from "./http-app.js";

const BACKEND_DIR = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The backend as its own process, as a container would run it: src/server.ts through tsx, or under
 * BACKEND_UNDER_TEST=bundle the built dist/bundle/server.mjs (the image's entry point).
 */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Resolves when the process has written `text` (at once if it already has). */
  printed: (text: string) => Promise<void>;
}

// A test that fails or times out while its server runs must not leave the process behind.
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export async function startServer(env: Record<string, string | undefined>): Promise<ServerProcess> {
  const port = await freePort();
  const entry = underBundle ? ["dist/bundle/server.mjs"] : ["--import", "tsx", "src/server.ts"];
  const child = spawn(process.execPath, entry, {
    cwd: BACKEND_DIR,
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let output = "";
  const waiting = new Set<{ text: string; resolve: () => void }>();
  const append = (chunk: Buffer) => {
    output += chunk;
    for (const wait of waiting) {
      if (output.includes(wait.text)) {
        waiting.delete(wait);
        wait.resolve();
      }
    }
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const printed = (text: string) =>
    output.includes(text)
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiting.add({ text, resolve }));
  const url = `http://127.0.0.1:${port}`;
  // Ready when /ready answers, however long the start takes on a loaded machine (the test's own time limit
  // ends a start that hangs); a process that exits first fails at once.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${output}`);
    const ready = await fetch(`${url}/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, child, output: () => output, exited, printed };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Signs up over HTTP and returns the user id and bearer headers. */
export async function signUpOverHttp(url: string, email: string) {
  const response = await fetch(`${url}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://localhost:3000" },
    body: JSON.stringify({ name: "Process User", email, password: "correct-horse-battery" }),
  });
  if (!response.ok) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { user: { id: string } };
  const token = response.headers.get("set-auth-token")!;
  return {
    id: body.user.id,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  };
}
