// Ask kubectl-ai (GoogleCloudPlatform/kubectl-ai) a question about the deployed todo app, read-only, against
// our kube context and namespace:
//
//   npm run ops -- "why is the backend not ready?"
//   npm run ops -- --namespace todo-staging --model gemini-2.5-flash "show recent events"
//   npm run ops -- --print-commands        the plain kubectl commands for the common questions, no AI
//
// kubectl-ai has no --context/--namespace flags, so we hand it a kubeconfig of its own: the chosen context
// only (`kubectl config view --minify --flatten`), with our namespace as its default, in a private temp
// directory removed afterwards. Read-only: it runs with --quiet (one question, no prompts), and in that mode
// kubectl-ai refuses any command that would need the user's permission (pkg/agent/conversation.go: "RunOnce
// mode cannot handle user choice requests"); `--skip-permissions=false` overrides a `skipPermissions: true`
// left in ~/.config/kubectl-ai/config.yaml (the file's keys are the json tags of cmd/main.go's Options). Without
// kubectl-ai, kubectl or a key, it says how to set them up and prints the plain kubectl commands instead.
//
// What kubectl-ai itself needs, read from its source (github.com/GoogleCloudPlatform/kubectl-ai):
// - cmd/main.go, Options.InitDefaults: provider "gemini" and model "gemini-2.5-pro" for EVERY provider (the
//   --model flag's default), so another provider with no --model would be asked for a Gemini model;
// - gollm/gemini.go: gemini needs GEMINI_API_KEY; vertexai (same file) uses gcloud's login;
// - gollm/openai.go, NewOpenAIClient: openai (and its alias openai-compatible) always needs OPENAI_API_KEY, also
//   with OPENAI_ENDPOINT / OPENAI_API_BASE for another OpenAI-compatible server;
// - gollm/azopenai.go, NewAzureOpenAIClient: azopenai needs AZURE_OPENAI_ENDPOINT (or the host in the provider
//   id, azopenai://<host>); AZURE_OPENAI_API_KEY is optional (else Azure's default credential, e.g. az login);
// - gollm/grok.go: grok needs GROK_API_KEY; gollm/ollama.go, llamacpp.go, bedrock.go: no variable required.
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parse as parseYaml } from "yaml";

const EXIT_USAGE = 2;
const EXIT_NOT_SET_UP = 3;

const DEFAULT_CONTEXT = "minikube";
const DEFAULT_NAMESPACE = "todo";
const DEFAULT_PROVIDER = "gemini"; // kubectl-ai's own default (cmd/main.go)
const KUBECTL_AI_DEFAULT_MODEL = "gemini-2.5-pro"; // cmd/main.go, whatever the provider
/** Providers that serve kubectl-ai's default model (gollm/gemini.go registers both). */
const GEMINI_PROVIDERS = ["gemini", "vertexai"];

/**
 * The environment variable each provider cannot start without (see the header for the gollm files), and what it
 * holds. Providers not listed need none: local servers (ollama, llamacpp) or cloud logins (vertexai, bedrock).
 */
const PROVIDER_VARIABLES = {
  gemini: { name: "GEMINI_API_KEY", holds: "your key" },
  openai: { name: "OPENAI_API_KEY", holds: "your key" },
  "openai-compatible": { name: "OPENAI_API_KEY", holds: "your key" },
  azopenai: { name: "AZURE_OPENAI_ENDPOINT", holds: "https://<resource>.openai.azure.com" },
  grok: { name: "GROK_API_KEY", holds: "your key" },
};

const USAGE = `Usage: npm run ops -- [options] "<question>"

Asks kubectl-ai about the todo app, read-only, in one kube context and namespace.

Options:
  --context <name>      kube context        (env TODO_KUBE_CONTEXT, default ${DEFAULT_CONTEXT})
  -n, --namespace <ns>  namespace           (env TODO_NAMESPACE, default ${DEFAULT_NAMESPACE})
  --provider <id>       kubectl-ai --llm-provider: gemini, openai, azopenai, grok, ollama, llamacpp,
                        vertexai, bedrock   (env KUBECTL_AI_PROVIDER, default ${DEFAULT_PROVIDER})
  --model <id>          kubectl-ai --model  (env KUBECTL_AI_MODEL; kubectl-ai's default is ${KUBECTL_AI_DEFAULT_MODEL}
                        for every provider, so any provider but gemini and vertexai needs one)
  --print-commands      print the plain kubectl commands for the common questions and exit
  -h, --help            this help

Keys (kubectl-ai reads them itself): GEMINI_API_KEY, OPENAI_API_KEY (+ OPENAI_ENDPOINT for any
OpenAI-compatible API), AZURE_OPENAI_ENDPOINT (+ AZURE_OPENAI_API_KEY, else your az login), GROK_API_KEY.
The binary: kubectl-ai on PATH, or KUBECTL_AI_BIN=/path/to/kubectl-ai.

Examples:
  npm run ops -- "why is the backend not ready?"
  KUBECTL_AI_PROVIDER=openai KUBECTL_AI_MODEL=gpt-4.1 npm run ops -- "which pod restarted most, and why?"
`;

class UsageError extends Error {}

/**
 * The provider and model of kubectl-ai's own config files, which it reads before its flags (cmd/main.go,
 * LoadConfigurationFile: `<os.UserConfigDir()>/kubectl-ai/config.yaml`, then `~/.config/kubectl-ai/config.yaml`,
 * the later one winning; keys are the json tags of Options: `llmProvider`, `model`). A file it cannot read or
 * parse is skipped, as kubectl-ai skips it.
 */
export function kubectlAiConfig(env = process.env) {
  const home = env.HOME || os.homedir();
  const userConfigDir =
    process.platform === "darwin"
      ? path.join(home, "Library", "Application Support")
      : env.XDG_CONFIG_HOME || path.join(home, ".config");
  const found = {};
  for (const dir of [userConfigDir, path.join(home, ".config")]) {
    let settings;
    try {
      settings = parseYaml(readFileSync(path.join(dir, "kubectl-ai", "config.yaml"), "utf8"));
    } catch {
      continue;
    }
    if (typeof settings?.llmProvider === "string" && settings.llmProvider)
      found.provider = settings.llmProvider;
    if (typeof settings?.model === "string" && settings.model) found.model = settings.model;
  }
  return found;
}

/** Options and the question from argv; flags may come before or after the words of the question. */
export function parseArgs(argv, env = process.env) {
  const fromConfigFile = kubectlAiConfig(env);
  const options = {
    context: env.TODO_KUBE_CONTEXT || DEFAULT_CONTEXT,
    namespace: env.TODO_NAMESPACE || DEFAULT_NAMESPACE,
    // Flags beat the environment, which beats kubectl-ai's config file, which beats kubectl-ai's defaults.
    provider: env.KUBECTL_AI_PROVIDER || fromConfigFile.provider || DEFAULT_PROVIDER,
    model: env.KUBECTL_AI_MODEL || fromConfigFile.model || undefined,
    help: false,
    printCommands: false,
    question: "",
  };
  const words = [];
  const valueOf = (flag, index) => {
    const value = argv[index + 1];
    if (value === undefined || value === "" || value.startsWith("-")) {
      throw new UsageError(
        `${flag} needs a value, e.g. ${flag} ${flag === "--context" ? "minikube" : "todo"}`,
      );
    }
    return value;
  };
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const take = () => (inline !== undefined ? inline : valueOf(flag, index++));
    switch (flag) {
      case "-h":
      case "--help":
        options.help = true;
        break;
      case "--print-commands":
        options.printCommands = true;
        break;
      case "--context":
        options.context = take();
        break;
      case "-n":
      case "--namespace":
        options.namespace = take();
        break;
      case "--provider":
      case "--llm-provider":
        options.provider = take();
        break;
      case "--model":
        options.model = take();
        break;
      case "--skip-permissions":
        throw new UsageError(
          "--skip-permissions is refused: npm run ops is read-only. Run the kubectl command it suggests yourself.",
        );
      case "--":
        words.push(...argv.slice(index + 1));
        index = argv.length;
        break;
      default:
        if (arg.startsWith("-") && arg !== "-") {
          throw new UsageError(`unknown option ${arg} (see npm run ops -- --help)`);
        }
        words.push(arg);
    }
  }
  options.question = words.join(" ").trim();
  return options;
}

/** The plain kubectl commands that answer the common questions; labels work in both deploy modes. */
export function plainCommands({ context, namespace }) {
  const k = `kubectl --context ${context} -n ${namespace}`;
  const backend = "-l app.kubernetes.io/component=backend";
  return `Plain kubectl for the common questions (context ${context}, namespace ${namespace}):

# Why are pods failing? (describe: Events at the bottom show image pulls, probes, OOMKilled)
${k} get pods -o wide
${k} describe pod <pod>
${k} logs <pod> --previous

# Why is the backend not ready? (READY 0/1: its /ready probe, which checks the database, fails)
${k} get deploy,pods ${backend}
${k} describe pods ${backend}
${k} logs ${backend} --tail=100

# Scale the backend (Pulumi owns the count: pulumi config set backendReplicas 3 && pulumi up,
# or the next pulumi up puts the old count back)
${k} scale deployment ${backend} --replicas=3

# Show recent events
${k} get events --sort-by=.lastTimestamp

# Resource use (needs: minikube addons enable metrics-server)
${k} top pods
`;
}

function setupHelp(problem, options) {
  const variable = PROVIDER_VARIABLES[providerId(options.provider)];
  const key = variable ? `export ${variable.name}=<${variable.holds}>` : "none needed";
  return `${problem}

Set up kubectl-ai:
  install   curl -sSL https://raw.githubusercontent.com/GoogleCloudPlatform/kubectl-ai/main/install.sh | bash
            or, with krew: kubectl krew install ai   (or put the binary in KUBECTL_AI_BIN)
  key       ${key}      (provider ${options.provider})
            other providers: KUBECTL_AI_PROVIDER=openai with OPENAI_API_KEY (and OPENAI_ENDPOINT for any
            OpenAI-compatible API), azopenai with AZURE_OPENAI_ENDPOINT, grok; or ollama / llamacpp with no key
  model     KUBECTL_AI_MODEL=<model>   (required for every provider but gemini and vertexai)

${plainCommands(options)}`;
}

/** "azopenai://host" -> "azopenai": kubectl-ai reads a provider id as a URL (gollm/factory.go). */
function providerId(provider) {
  return provider.split("://")[0].toLowerCase();
}

/** The environment variable the provider needs but does not have, if any. */
export function missingVariable(provider, env = process.env) {
  const id = providerId(provider);
  const variable = PROVIDER_VARIABLES[id];
  if (variable === undefined) return undefined; // keyless, or unknown: kubectl-ai will say what it needs
  // gollm/azopenai.go: the host in the provider id replaces AZURE_OPENAI_ENDPOINT.
  if (id === "azopenai" && /^azopenai:\/\/[^/]+/i.test(provider)) return undefined;
  return env[variable.name] ? undefined : variable.name;
}

/** Why the provider cannot run without a model: kubectl-ai would ask it for its Gemini default. */
export function modelProblem({ provider, model }) {
  if (model || GEMINI_PROVIDERS.includes(providerId(provider))) return undefined;
  return (
    `provider "${provider}" needs a model: without --model, kubectl-ai asks every provider for ` +
    `${KUBECTL_AI_DEFAULT_MODEL}, a Gemini model. Fix: --model <id> or KUBECTL_AI_MODEL=<id> ` +
    `(e.g. gpt-4.1 for openai, qwen3:8b for ollama), or \`model: <id>\` in ~/.config/kubectl-ai/config.yaml`
  );
}

/** Absolute path of an executable on PATH, or undefined. */
export function onPath(command, env = process.env) {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A private kubeconfig holding only `context`, with `namespace` as its default. Returns its path. */
function scopedKubeconfig(kubectl, { context, namespace }, dir) {
  const view = spawnSync(kubectl, ["config", "view", "--minify", "--flatten", "--context", context], {
    encoding: "utf8",
  });
  if (view.status !== 0) {
    const reason = (view.stderr || view.stdout || "").trim();
    throw new SetupError(
      `kube context "${context}" is not usable: ${reason || `kubectl exited with ${view.status}`}\n` +
        `List yours with: kubectl config get-contexts. Start Minikube (minikube start) or choose another ` +
        `context with --context or TODO_KUBE_CONTEXT.`,
    );
  }
  const file = path.join(dir, "kubeconfig");
  writeFileSync(file, view.stdout, { mode: 0o600 }); // flattened: it holds the credentials
  for (const args of [
    ["config", "set-context", context, "--namespace", namespace, "--kubeconfig", file],
    ["config", "use-context", context, "--kubeconfig", file],
  ]) {
    const step = spawnSync(kubectl, args, { encoding: "utf8" });
    if (step.status !== 0) {
      throw new SetupError(`kubectl ${args.join(" ")} failed: ${(step.stderr || "").trim()}`);
    }
  }
  return file;
}

class SetupError extends Error {}

/** kubectl-ai's argv: our kubeconfig, provider and model, one read-only question. */
export function kubectlAiArgs(options, kubeconfig) {
  const scope = `In Kubernetes namespace "${options.namespace}" (kube context "${options.context}"), where the Todo chatbot runs: `;
  return [
    "--kubeconfig",
    kubeconfig,
    "--llm-provider",
    options.provider,
    ...(options.model ? ["--model", options.model] : []),
    "--skip-permissions=false",
    "--quiet",
    scope + options.question,
  ];
}

export function main(argv = process.argv.slice(2), env = process.env) {
  let options;
  try {
    options = parseArgs(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`npm run ops: ${error.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (options.printCommands) {
    process.stdout.write(plainCommands(options));
    return 0;
  }
  if (!options.question) {
    process.stderr.write(
      `npm run ops: no question given, e.g. npm run ops -- "why is the backend not ready?"\n\n${USAGE}`,
    );
    return EXIT_USAGE;
  }

  const noModel = modelProblem(options);
  if (noModel) {
    process.stderr.write(`npm run ops: ${noModel}\n\n${USAGE}`);
    return EXIT_USAGE;
  }

  const kubectlAi = env.KUBECTL_AI_BIN || onPath("kubectl-ai", env);
  if (!kubectlAi) {
    process.stderr.write(
      setupHelp("npm run ops: kubectl-ai is not installed (not on PATH, KUBECTL_AI_BIN unset).", options),
    );
    return EXIT_NOT_SET_UP;
  }
  const variable = missingVariable(options.provider, env);
  if (variable) {
    process.stderr.write(
      setupHelp(`npm run ops: provider ${options.provider} needs ${variable}, which is not set.`, options),
    );
    return EXIT_NOT_SET_UP;
  }
  const kubectl = onPath("kubectl", env);
  if (!kubectl) {
    process.stderr.write(
      `npm run ops: kubectl is not on PATH; kubectl-ai runs kubectl for every answer. Install kubectl ` +
        `(or use minikube's: alias kubectl="minikube kubectl --").\n`,
    );
    return EXIT_NOT_SET_UP;
  }

  const dir = mkdtempSync(path.join(os.tmpdir(), "todo-ops-"));
  try {
    const kubeconfig = scopedKubeconfig(kubectl, options, dir);
    const run = spawnSync(kubectlAi, kubectlAiArgs(options, kubeconfig), { stdio: "inherit", env });
    if (run.error) {
      process.stderr.write(`npm run ops: could not run ${kubectlAi}: ${run.error.message}\n`);
      return EXIT_NOT_SET_UP;
    }
    return run.status ?? 1;
  } catch (error) {
    if (!(error instanceof SetupError)) throw error;
    process.stderr.write(`npm run ops: ${error.message}\n\n${plainCommands(options)}`);
    return EXIT_NOT_SET_UP;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main();
}
