// Pulumi's engine replaced by mocks (the design's unit-test story): every resource the program registers is
// recorded with its inputs, so tests read exactly what `pulumi up` would send to the providers.
import * as pulumi from "@pulumi/pulumi";

export const PROJECT = "todo-chatbot";
export const STACK = "test";

export interface RecordedResource {
  /** type token, e.g. "kubernetes:apps/v1:Deployment" or "todo-chatbot:app:RawManifests" */
  type: string;
  /** the Pulumi resource name (not the Kubernetes object name) */
  name: string;
  /** inputs with secrets unwrapped to their plain values (see `raw` for the secret markers) */
  inputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** inputs exactly as the mock monitor received them: a secret is `{ [specialSigKey]: specialSecretSig, value }` */
  raw: Record<string, unknown>;
  /** what the mock engine answered: the inputs plus what a real provider computes (providerComputedState) */
  outputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** reference of the explicit provider, "<urn>::<id>", when one was given */
  provider?: string;
  /** the URN as the mock records it: stack, project, type and name (no parent types) */
  urn: string;
}

let recorded: RecordedResource[] = [];
let installed = false;

/** Installs the mocks once per process (as `pulumi preview`); every test file calls it before importing the program. */
export async function installMocks(): Promise<void> {
  if (installed) return;
  installed = true;
  await pulumi.runtime.setMocks(MOCKS, PROJECT, STACK, true);
}

const MOCKS: pulumi.runtime.Mocks = {
  newResource(args: pulumi.runtime.MockResourceArgs) {
    const urn = `urn:pulumi:${STACK}::${PROJECT}::${args.type}::${args.name}`;
    const inputs = unwrapSecrets(args.inputs) as Record<string, unknown>;
    const outputs = { ...inputs, ...providerComputedState(args) };
    recorded.push({
      type: args.type,
      name: args.name,
      inputs,
      outputs,
      raw: args.inputs,
      provider: args.provider,
      urn,
    });
    return { id: `${args.name}-id`, state: outputs };
  },
  call(args: pulumi.runtime.MockCallArgs) {
    return args.inputs;
  },
};

// Outputs real providers compute and the program reads.
function providerComputedState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  switch (args.type) {
    // The API server stores a Secret's stringData base64-encoded in data.
    case "kubernetes:core/v1:Secret": {
      const stringData = (unwrapSecrets(args.inputs.stringData) ?? {}) as Record<string, string>;
      const data = Object.fromEntries(
        Object.entries(stringData).map(([key, value]) => [key, Buffer.from(value).toString("base64")]),
      );
      return { data };
    }
    // random.RandomPassword's result: a fixed string of the asked length, distinct per resource.
    case "random:index/randomPassword:RandomPassword": {
      const length = Number(args.inputs.length);
      return { result: `${args.name}-`.repeat(length).slice(0, length) };
    }
    default:
      return {};
  }
}

// Pulumi's wire format for a secret value: { [specialSigKey]: specialSecretSig, value } (sdk/nodejs/runtime/rpc.ts).
function isSecretMarker(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
  );
}

function unwrapSecrets(value: unknown): unknown {
  if (isSecretMarker(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, unwrapSecrets(inner)]));
  }
  return value;
}

/**
 * Paths in a resource's raw inputs where `needle` occurs in a string that is NOT inside a secret, e.g.
 * ["spec.values.database.url"]. Empty means the value only ever travels as a secret.
 */
export function plaintextPaths(resource: RecordedResource, needle: string): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (isSecretMarker(value)) return;
    if (typeof value === "string") {
      if (value.includes(needle)) found.push(path);
    } else if (Array.isArray(value)) {
      value.forEach((inner, index) => walk(inner, `${path}[${index}]`));
    } else if (typeof value === "object" && value !== null) {
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    }
  };
  walk(resource.raw, "");
  return found;
}

// Every registration holds the SDK's RPC queue open until the monitor has answered (rpcKeepAlive);
// waitForRPCs resolves once the queue is drained, also of registrations started meanwhile. It is the promise
// `disconnect()` awaits at the end of a real program (sdk/nodejs/runtime/settings.ts), exported but untyped.
const { waitForRPCs } = pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> };

/** Waits until every registration the program started is done, then returns them and starts a fresh record. */
export async function takeRecorded(): Promise<RecordedResource[]> {
  await waitForRPCs();
  const taken = recorded;
  recorded = [];
  return taken;
}

/** Sets the stack config the program reads (keys without the project prefix). Secret values are plain here. */
export function setConfig(values: Record<string, unknown>, secretKeys: string[] = []): void {
  const all: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    all[`${PROJECT}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  pulumi.runtime.setAllConfig(
    all,
    secretKeys.map((key) => `${PROJECT}:${key}`),
  );
}

/** The resolved value of an Output (or a plain value). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((value) => resolve(value as T)));
}

/** Whether an Output is marked secret. */
export function isSecret(output: pulumi.Input<unknown>): Promise<boolean> {
  return pulumi.isSecret(pulumi.output(output));
}

export function findResource(resources: RecordedResource[], type: string, name: string): RecordedResource {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) {
    const present = resources.map((r) => `${r.type} ${r.name}`).join("\n  ");
    throw new Error(`no ${type} named ${name}; registered:\n  ${present}`);
  }
  return found;
}

export function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}
