// Helpers of the cluster suite: kubectl and helm against the `minikube` context, HTTP through the app's
// NodePort on 127.0.0.1, and the app's own API (sign-up, chat, tasks) through the frontend's /api proxy.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import path from "node:path";
import pWaitFor from "p-wait-for";

export const repoRoot = path.resolve(import.meta.dirname, "..", "..");
export const CONTEXT = "minikube";

export const helmPath = execFileSync(process.execPath, [path.join(repoRoot, "scripts", "helm.mjs")], {
  encoding: "utf8",
}).trim();

/** Runs a command; returns stdout, or throws with its output. */
export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  input?: string,
): string {
  const result = spawnSync(command, args, { env, encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

export function kubectl(args: string[], env: NodeJS.ProcessEnv = process.env, input?: string): string {
  return run("kubectl", ["--context", CONTEXT, ...args], env, input);
}

/** kubectl without blocking the event loop, for commands that must overlap the test's own traffic. */
export async function kubectlAsync(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)("kubectl", ["--context", CONTEXT, ...args], {
    encoding: "utf8",
  });
  return stdout;
}

/** The parsed JSON of `kubectl get ... -o json`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- kubectl's JSON: every kind of object
export type Kube = any;

export function kubeJson<T = Kube>(args: string[], env?: NodeJS.ProcessEnv): T {
  return JSON.parse(kubectl([...args, "-o", "json"], env)) as T;
}

export function helm(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return run(helmPath, ["--kube-context", CONTEXT, ...args], env);
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 180_000,
): Promise<T> {
  // A probe that throws is "not yet"; its last error is reported if time runs out.
  let lastError: unknown;
  const timedOut = (): never => {
    throw new Error(
      `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`,
    );
  };
  return pWaitFor(
    async () => {
      try {
        const value = await probe();
        if (value) return pWaitFor.resolveWith(value);
      } catch (error) {
        lastError = error;
      }
      return false;
    },
    { interval: 1000, timeout: { milliseconds: timeoutMs, fallback: timedOut } },
  );
}

/** A user of the app, talking to it through the frontend's /api proxy as the browser does. */
export class AppClient {
  token = "";
  userId = "";
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  private async call(
    method: string,
    route: string,
    body?: unknown,
  ): Promise<{ status: number; json: Kube; headers: Headers }> {
    const response = await fetch(`${this.baseUrl}${route}`, {
      method,
      headers: {
        "content-type": "application/json",
        origin: this.baseUrl,
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: response.status, json, headers: response.headers };
  }

  async signUp(email: string, password: string): Promise<void> {
    const answer = await this.call("POST", "/api/auth/sign-up/email", {
      name: "Cluster Test",
      email,
      password,
    });
    if (answer.status !== 200)
      throw new Error(`sign-up answered ${answer.status}: ${JSON.stringify(answer.json)}`);
    await this.useToken(answer.headers);
  }

  async signIn(email: string, password: string): Promise<number> {
    const answer = await this.call("POST", "/api/auth/sign-in/email", { email, password });
    if (answer.status === 200) await this.useToken(answer.headers);
    return answer.status;
  }

  private async useToken(headers: Headers): Promise<void> {
    this.token = headers.get("set-auth-token") ?? "";
    if (!this.token) throw new Error("the auth answer carried no set-auth-token header");
    const me = await this.call("GET", "/api/me");
    this.userId = me.json.user.id;
  }

  async chat(message: string): Promise<{ status: number; response: string }> {
    const answer = await this.call("POST", `/api/${this.userId}/chat`, { message });
    return { status: answer.status, response: answer.json?.response ?? "" };
  }

  async taskTitles(): Promise<string[]> {
    const answer = await this.call("GET", `/api/${this.userId}/tasks`);
    if (answer.status !== 200) throw new Error(`GET tasks answered ${answer.status}`);
    const tasks = (Array.isArray(answer.json) ? answer.json : answer.json.tasks) as { title: string }[];
    return tasks.map((task) => task.title);
  }
}
