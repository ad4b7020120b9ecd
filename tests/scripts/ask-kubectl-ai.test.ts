// `npm run ops` (scripts/ask-kubectl-ai.mjs) run as a child process with a PATH we control. kubectl-ai cannot be downloaded
// here, so a stand-in shell script named kubectl-ai records the argv it was given (and checks the kubeconfig it
// was handed); a stand-in kubectl answers the three `kubectl config` calls. One test uses the real kubectl
// when one is installed, to check the scoped kubeconfig end to end.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../scripts/ask-kubectl-ai.mjs");

// Records one argument a line, then whether the kubeconfig ($2) exists and its contents; exits with $FAKE_EXIT.
// Only shell builtins: the PATH holds nothing but these fakes.
const FAKE_KUBECTL_AI = `#!/bin/sh
for arg in "$@"; do printf '%s\\n' "$arg" >> "$OPS_RECORD"; done
if [ -f "$2" ]; then
  printf '%s\\n' "--- kubeconfig present" >> "$OPS_RECORD"
  while IFS= read -r line; do printf '%s\\n' "$line" >> "$OPS_RECORD"; done < "$2"
fi
exit "\${FAKE_EXIT:-0}"
`;

// `config view` prints a kubeconfig unless the context is "missing"; other calls are recorded.
const FAKE_KUBECTL = `#!/bin/sh
printf '%s\\n' "kubectl $*" >> "$KUBECTL_RECORD"
if [ "$2" = "view" ]; then
  if [ "$6" = "missing" ]; then
    printf '%s\\n' "error: cannot locate context missing" >&2
    exit 1
  fi
  printf '%s\\n' "apiVersion: v1" "kind: Config" "current-context: $6"
fi
exit 0
`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** lines kubectl-ai was called with (empty when it never ran) */
  kubectlAiArgv: string[];
  /** what kubectl-ai saw at --kubeconfig, if it existed */
  kubeconfigSeen?: string;
  kubectlCalls: string[];
}

let workDir: string;

function fakeBin(tools: { kubectlAi?: boolean; kubectl?: boolean }): string {
  const bin = mkdtempSync(path.join(workDir, "bin-"));
  if (tools.kubectlAi ?? true) writeExecutable(path.join(bin, "kubectl-ai"), FAKE_KUBECTL_AI);
  if (tools.kubectl ?? true) writeExecutable(path.join(bin, "kubectl"), FAKE_KUBECTL);
  return bin;
}

function writeExecutable(file: string, text: string): void {
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

function runOps(
  args: string[],
  env: Record<string, string> = {},
  tools: { kubectlAi?: boolean; kubectl?: boolean; path?: string } = {},
): Run {
  const record = path.join(mkdtempSync(path.join(workDir, "rec-")), "kubectl-ai.txt");
  const kubectlRecord = `${record}.kubectl`;
  const tmp = mkdtempSync(path.join(workDir, "tmp-"));
  // A clean environment: none of the developer's keys, config or kube settings leak in.
  const result = spawnSync(process.execPath, [SCRIPT, ...args], {
    encoding: "utf8",
    env: {
      PATH: tools.path ?? fakeBin(tools),
      HOME: workDir,
      TMPDIR: tmp,
      OPS_RECORD: record,
      KUBECTL_RECORD: kubectlRecord,
      ...env,
    },
  });
  const lines = existsSync(record) ? readFileSync(record, "utf8").split("\n").slice(0, -1) : [];
  const marker = lines.indexOf("--- kubeconfig present");
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    kubectlAiArgv: marker === -1 ? lines : lines.slice(0, marker),
    kubeconfigSeen: marker === -1 ? undefined : lines.slice(marker + 1).join("\n"),
    kubectlCalls: existsSync(kubectlRecord)
      ? readFileSync(kubectlRecord, "utf8").split("\n").slice(0, -1)
      : [],
  };
}

const scoped = (namespace: string, context: string, question: string) =>
  `In Kubernetes namespace "${namespace}" (kube context "${context}"), where the Todo chatbot runs: ${question}`;

function assertFallbackCommands(text: string, context: string, namespace: string): void {
  const k = `kubectl --context ${context} -n ${namespace}`;
  assert.ok(text.includes(`${k} get pods -o wide`), "pods failing");
  assert.ok(text.includes(`${k} logs <pod> --previous`), "crash logs");
  assert.ok(
    text.includes(`${k} scale deployment -l app.kubernetes.io/component=backend --replicas=3`),
    "scale",
  );
  assert.ok(text.includes(`${k} get events --sort-by=.lastTimestamp`), "recent events");
}

describe("npm run ops (kubectl-ai, read-only)", function () {
  this.timeout(20_000);

  before(() => {
    workDir = mkdtempSync(path.join(os.tmpdir(), "ops-test-"));
  });
  after(() => rmSync(workDir, { recursive: true, force: true }));

  describe("arguments", () => {
    it("--help prints the usage, exits 0 and runs nothing", () => {
      const run = runOps(["--help"]);
      assert.equal(run.status, 0);
      assert.match(run.stdout, /^Usage: npm run ops -- \[options\] "<question>"/);
      assert.match(run.stdout, /TODO_KUBE_CONTEXT/);
      assert.match(run.stdout, /KUBECTL_AI_PROVIDER/);
      assert.deepEqual(run.kubectlAiArgv, []);
      assert.deepEqual(run.kubectlCalls, []);
    });

    it("refuses an empty question with exit 2", () => {
      for (const args of [[], ["--", "  "], ["--context", "minikube"]]) {
        const run = runOps(args, { GEMINI_API_KEY: "k" });
        assert.equal(run.status, 2, args.join(" "));
        assert.match(run.stderr, /no question given/);
        assert.deepEqual(run.kubectlAiArgv, []);
      }
    });

    it("refuses unknown options and options without a value", () => {
      assert.match(runOps(["--frobnicate", "hi"]).stderr, /unknown option --frobnicate/);
      const missing = runOps(["hi", "--context"]);
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /--context needs a value/);
    });

    it("refuses --skip-permissions: the script is read-only", () => {
      const run = runOps(["--skip-permissions", "scale the backend to 3"], { GEMINI_API_KEY: "k" });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /--skip-permissions is refused/);
      assert.deepEqual(run.kubectlAiArgv, []);
    });

    it("joins the words of the question into one argument", () => {
      const run = runOps(["why", "is", "the", "backend", "not", "ready?"], { GEMINI_API_KEY: "k" });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.kubectlAiArgv.at(-1), scoped("todo", "minikube", "why is the backend not ready?"));
    });
  });

  describe("the kubectl-ai call", () => {
    it("passes our kubeconfig, provider and model from the environment, --quiet, never skipping permissions", () => {
      const run = runOps(["show recent events"], {
        TODO_KUBE_CONTEXT: "ctx-a",
        TODO_NAMESPACE: "ns-b",
        KUBECTL_AI_PROVIDER: "openai",
        KUBECTL_AI_MODEL: "gpt-4.1",
        OPENAI_API_KEY: "k",
      });
      assert.equal(run.status, 0, run.stderr);
      const [flag, kubeconfig, ...rest] = run.kubectlAiArgv;
      assert.equal(flag, "--kubeconfig");
      assert.ok(kubeconfig && path.isAbsolute(kubeconfig), "an absolute kubeconfig path");
      assert.deepEqual(rest, [
        "--llm-provider",
        "openai",
        "--model",
        "gpt-4.1",
        "--skip-permissions=false",
        "--quiet",
        scoped("ns-b", "ctx-a", "show recent events"),
      ]);
      assert.ok(
        !run.kubectlAiArgv.some((arg) => arg === "--skip-permissions" || arg === "--skip-permissions=true"),
      );
    });

    it("lets flags override the environment (both --flag value and --flag=value)", () => {
      const run = runOps(
        ["--context", "ctx-c", "--namespace=ns-d", "--provider", "ollama", "--model=llama3.2", "list pods"],
        {
          TODO_KUBE_CONTEXT: "ctx-a",
          TODO_NAMESPACE: "ns-b",
          KUBECTL_AI_PROVIDER: "openai",
          KUBECTL_AI_MODEL: "gpt-4.1",
        },
      );
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(run.kubectlAiArgv.slice(2), [
        "--llm-provider",
        "ollama",
        "--model",
        "llama3.2",
        "--skip-permissions=false",
        "--quiet",
        scoped("ns-d", "ctx-c", "list pods"),
      ]);
    });

    it("defaults to context minikube, namespace todo, provider gemini and kubectl-ai's own model", () => {
      const run = runOps(["-n", "todo", "what is failing?"], { GEMINI_API_KEY: "k" });
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(run.kubectlAiArgv.slice(2), [
        "--llm-provider",
        "gemini",
        "--skip-permissions=false",
        "--quiet",
        scoped("todo", "minikube", "what is failing?"),
      ]);
    });

    it("hands kubectl-ai a kubeconfig of the chosen context with our namespace, removed afterwards", () => {
      const run = runOps(["--context", "ctx-a", "-n", "ns-b", "hi"], { GEMINI_API_KEY: "k" });
      assert.equal(run.status, 0, run.stderr);
      const kubeconfig = run.kubectlAiArgv[1] ?? "";
      assert.deepEqual(run.kubectlCalls, [
        "kubectl config view --minify --flatten --context ctx-a",
        `kubectl config set-context ctx-a --namespace ns-b --kubeconfig ${kubeconfig}`,
        `kubectl config use-context ctx-a --kubeconfig ${kubeconfig}`,
      ]);
      assert.match(run.kubeconfigSeen ?? "", /current-context: ctx-a/, "it existed while kubectl-ai ran");
      assert.equal(
        existsSync(kubeconfig),
        false,
        "the flattened kubeconfig holds credentials: deleted after",
      );
    });

    it("passes kubectl-ai's exit status through", () => {
      const run = runOps(["hi"], { GEMINI_API_KEY: "k", FAKE_EXIT: "7" });
      assert.equal(run.status, 7);
    });

    it("uses KUBECTL_AI_BIN when kubectl-ai is not on PATH", () => {
      const bin = fakeBin({});
      const run = runOps(
        ["hi"],
        { GEMINI_API_KEY: "k", KUBECTL_AI_BIN: path.join(bin, "kubectl-ai") },
        {
          kubectlAi: false,
        },
      );
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.kubectlAiArgv.at(-1), scoped("todo", "minikube", "hi"));
    });

    it("checks the kube context and falls back to plain kubectl when it is unusable", () => {
      const run = runOps(["--context", "missing", "hi"], { GEMINI_API_KEY: "k" });
      assert.equal(run.status, 3);
      assert.match(run.stderr, /kube context "missing" is not usable: error: cannot locate context missing/);
      assert.deepEqual(run.kubectlAiArgv, []);
      assertFallbackCommands(run.stderr, "missing", "todo");
    });
  });

  describe("fallback", () => {
    it("without kubectl-ai: says how to install it and prints the plain kubectl commands, exit 3", () => {
      const run = runOps(
        ["--context", "ctx-a", "-n", "ns-b", "why are pods failing?"],
        { GEMINI_API_KEY: "k" },
        {
          kubectlAi: false,
        },
      );
      assert.equal(run.status, 3);
      assert.match(run.stderr, /kubectl-ai is not installed/);
      assert.match(run.stderr, /GoogleCloudPlatform\/kubectl-ai\/main\/install\.sh/);
      assert.match(run.stderr, /kubectl krew install ai/);
      assertFallbackCommands(run.stderr, "ctx-a", "ns-b");
    });

    it("without the provider's key: names the variable to set and prints the commands, exit 3", () => {
      const gemini = runOps(["hi"]);
      assert.equal(gemini.status, 3);
      assert.match(gemini.stderr, /provider gemini needs GEMINI_API_KEY, which is not set/);
      assert.match(gemini.stderr, /export GEMINI_API_KEY=<your key>/);
      assertFallbackCommands(gemini.stderr, "minikube", "todo");
      assert.deepEqual(gemini.kubectlAiArgv, []);
    });

    // gollm/openai.go (NewOpenAIClient) fails without OPENAI_API_KEY, whatever the endpoint or provider form.
    it("openai always needs OPENAI_API_KEY, also with an endpoint or as openai://<host>", () => {
      for (const [provider, env] of [
        ["openai", { OPENAI_ENDPOINT: "https://api.groq.com/openai/v1" }],
        ["openai://llm.example.com", {}],
        ["openai-compatible", {}],
      ] as const) {
        const run = runOps(["--provider", provider, "--model", "m", "hi"], { GEMINI_API_KEY: "k", ...env });
        assert.equal(run.status, 3, provider);
        assert.match(run.stderr, new RegExp(`provider ${provider} needs OPENAI_API_KEY`), provider);
        assert.deepEqual(run.kubectlAiArgv, [], provider);
      }
    });

    // gollm/azopenai.go: the endpoint is required (or the host in the provider id); the key is optional.
    it("azopenai needs AZURE_OPENAI_ENDPOINT, not a key", () => {
      const noEndpoint = runOps(["--provider", "azopenai", "--model", "gpt-4o", "hi"], {
        AZURE_OPENAI_API_KEY: "k",
      });
      assert.equal(noEndpoint.status, 3);
      assert.match(noEndpoint.stderr, /provider azopenai needs AZURE_OPENAI_ENDPOINT, which is not set/);
      assert.match(
        noEndpoint.stderr,
        /export AZURE_OPENAI_ENDPOINT=<https:\/\/<resource>\.openai\.azure\.com>/,
      );
      const endpointOnly = runOps(["--provider", "azopenai", "--model", "gpt-4o", "hi"], {
        AZURE_OPENAI_ENDPOINT: "https://r.openai.azure.com",
      });
      assert.equal(endpointOnly.status, 0, endpointOnly.stderr);
      const hostInId = runOps(["--provider", "azopenai://r.openai.azure.com", "--model", "gpt-4o", "hi"]);
      assert.equal(hostInId.status, 0, hostInId.stderr);
    });

    // cmd/main.go: --model defaults to gemini-2.5-pro for every provider.
    it("refuses a non-Gemini provider without a model, naming the provider and the fix, exit 2", () => {
      for (const provider of ["openai", "ollama", "azopenai", "grok"]) {
        const run = runOps(["--provider", provider, "hi"], {
          OPENAI_API_KEY: "k",
          AZURE_OPENAI_ENDPOINT: "https://r.openai.azure.com",
          GROK_API_KEY: "k",
        });
        assert.equal(run.status, 2, provider);
        assert.match(run.stderr, new RegExp(`provider "${provider}" needs a model`), provider);
        assert.match(run.stderr, /Fix: --model <id> or KUBECTL_AI_MODEL=<id>/, provider);
        assert.deepEqual(run.kubectlAiArgv, [], provider);
      }
      for (const provider of ["gemini", "vertexai"]) {
        const run = runOps(["--provider", provider, "hi"], { GEMINI_API_KEY: "k" });
        assert.equal(run.status, 0, `${provider}: ${run.stderr}`);
      }
    });

    // cmd/main.go, LoadConfigurationFile: <UserConfigDir>/kubectl-ai/config.yaml, then ~/.config/kubectl-ai/config.yaml.
    it("takes provider and model from kubectl-ai's config file, below the environment and flags", () => {
      const home = mkdtempSync(path.join(workDir, "home-"));
      const xdg = path.join(home, "xdg");
      mkdirSync(path.join(xdg, "kubectl-ai"), { recursive: true });
      writeFileSync(path.join(xdg, "kubectl-ai", "config.yaml"), "llmProvider: ollama\nmodel: qwen3:8b\n");
      const fromFile = runOps(["hi"], { HOME: home, XDG_CONFIG_HOME: xdg });
      assert.equal(fromFile.status, 0, fromFile.stderr);
      assert.deepEqual(fromFile.kubectlAiArgv.slice(2, 6), [
        "--llm-provider",
        "ollama",
        "--model",
        "qwen3:8b",
      ]);

      // ~/.config is read last, so it wins over the XDG folder, as in kubectl-ai.
      mkdirSync(path.join(home, ".config", "kubectl-ai"), { recursive: true });
      writeFileSync(path.join(home, ".config", "kubectl-ai", "config.yaml"), "model: llama3.2\n");
      const homeWins = runOps(["hi"], { HOME: home, XDG_CONFIG_HOME: xdg });
      assert.deepEqual(homeWins.kubectlAiArgv.slice(2, 6), [
        "--llm-provider",
        "ollama",
        "--model",
        "llama3.2",
      ]);

      const envWins = runOps(["hi"], { HOME: home, XDG_CONFIG_HOME: xdg, KUBECTL_AI_MODEL: "phi4" });
      assert.deepEqual(envWins.kubectlAiArgv.slice(4, 6), ["--model", "phi4"]);
      const flagWins = runOps(["--provider", "gemini", "hi"], {
        HOME: home,
        XDG_CONFIG_HOME: xdg,
        GEMINI_API_KEY: "k",
      });
      assert.equal(flagWins.kubectlAiArgv[3], "gemini");
    });

    it("runs local providers (ollama) without any key", () => {
      const run = runOps(["hi"], { KUBECTL_AI_PROVIDER: "ollama", KUBECTL_AI_MODEL: "qwen3:8b" });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.kubectlAiArgv[3], "ollama");
    });

    it("without kubectl: says so, exit 3", () => {
      const run = runOps(["hi"], { GEMINI_API_KEY: "k" }, { kubectl: false });
      assert.equal(run.status, 3);
      assert.match(run.stderr, /kubectl is not on PATH/);
      assert.deepEqual(run.kubectlAiArgv, []);
    });

    it("--print-commands prints the plain commands without needing kubectl-ai or a key", () => {
      const run = runOps(["--print-commands", "-n", "ns-b"], {}, { kubectlAi: false, kubectl: false });
      assert.equal(run.status, 0);
      assertFallbackCommands(run.stdout, "minikube", "ns-b");
    });
  });

  describe("with the real kubectl", () => {
    it("builds a kubeconfig holding only the chosen context, with our namespace", function () {
      const realKubectl = spawnSync("sh", ["-c", "command -v kubectl"], { encoding: "utf8" }).stdout.trim();
      if (!realKubectl) this.skip();
      const bin = mkdtempSync(path.join(workDir, "real-"));
      writeExecutable(path.join(bin, "kubectl-ai"), FAKE_KUBECTL_AI);
      // sh builtins are enough for the fake; kubectl is the real one, linked in.
      writeExecutable(path.join(bin, "kubectl"), `#!/bin/sh\nexec "${realKubectl}" "$@"\n`);
      const kubeDir = path.join(workDir, "kube");
      mkdirSync(kubeDir, { recursive: true });
      const config = path.join(kubeDir, "config");
      writeFileSync(
        config,
        [
          "apiVersion: v1",
          "kind: Config",
          "clusters:",
          "- {name: minikube, cluster: {server: 'https://127.0.0.1:6443'}}",
          "- {name: other, cluster: {server: 'https://10.0.0.1:6443'}}",
          "contexts:",
          "- {name: minikube, context: {cluster: minikube, user: minikube}}",
          "- {name: other, context: {cluster: other, user: other}}",
          "current-context: other",
          "users:",
          "- {name: minikube, user: {token: minikube-token}}",
          "- {name: other, user: {token: other-token}}",
          "",
        ].join("\n"),
      );
      const run = runOps(["hi"], { GEMINI_API_KEY: "k", KUBECONFIG: config }, { path: bin });
      assert.equal(run.status, 0, run.stderr);
      const seen = run.kubeconfigSeen ?? "";
      assert.match(seen, /current-context: minikube/);
      assert.match(seen, /namespace: todo/);
      assert.match(seen, /minikube-token/);
      assert.doesNotMatch(seen, /other-token|10\.0\.0\.1/, "only the chosen context");
    });
  });
});
