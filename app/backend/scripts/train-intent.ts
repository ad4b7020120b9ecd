// Trains the offline agent's intent classifier and writes its weights to src/agent/offline/intent-weights.json.
//   npm run train:intent -w app/backend
// Data: the corpus' tune part (chat-corpus/tune.yaml) and the docs' message set (docs/chat-messages.yaml). Never
// the locked test part: it is only measured (npm run bench:chat). Deterministic: the same data gives the same file.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { INTENTS, type IntentLabel } from "../src/agent/offline/intent-model.js";
import { train, type Example } from "../src/agent/offline/intent-training.js";

const BACKEND = join(import.meta.dirname, "..");
export const WEIGHTS_FILE = join(BACKEND, "src/agent/offline/intent-weights.json");
const TUNE = join(BACKEND, "chat-corpus/tune.yaml");
const DOCS = join(BACKEND, "../../docs/chat-messages.yaml");

interface LabelledCase {
  intent?: string;
  category: string;
  say: string;
  calls?: string[];
}

/** The docs' older set has no intent field: it follows from the calls the scored turn must make. */
function docsIntent(testCase: LabelledCase): IntentLabel | undefined {
  const calls = testCase.calls ?? [];
  if (testCase.category === "undo") return "undo";
  if (testCase.category === "smalltalk") return undefined;
  if (calls.some((call) => call.startsWith("add_task"))) return "add";
  if (calls.some((call) => call.startsWith("delete_task"))) return "delete";
  if (calls.some((call) => call.startsWith("complete_task"))) return "complete";
  if (testCase.category === "reopen") return "reopen";
  if (testCase.category === "update") return "edit";
  if (calls.some((call) => call.startsWith("list_tasks"))) return "list";
  return undefined;
}

export function trainingExamples(): Example[] {
  const examples: Example[] = [];
  const tune = parse(readFileSync(TUNE, "utf8")) as { cases: LabelledCase[] };
  for (const testCase of tune.cases) {
    if (!INTENTS.includes(testCase.intent as IntentLabel)) {
      throw new Error(`${TUNE}: intent "${testCase.intent}" is not one of ${INTENTS.join(", ")}`);
    }
    examples.push({ text: testCase.say, intent: testCase.intent as IntentLabel });
  }
  const docs = parse(readFileSync(DOCS, "utf8")) as { cases: LabelledCase[] };
  for (const testCase of docs.cases) {
    const intent = docsIntent(testCase);
    if (intent) examples.push({ text: testCase.say, intent });
  }
  return examples;
}

export const serialize = (model: ReturnType<typeof train>) => `${JSON.stringify(model)}\n`;

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const examples = trainingExamples();
  const started = performance.now();
  writeFileSync(WEIGHTS_FILE, serialize(train(examples)));
  console.log(
    `Trained on ${examples.length} messages in ${(performance.now() - started).toFixed(0)} ms -> ${WEIGHTS_FILE}`,
  );
}
