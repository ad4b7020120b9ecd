// Trains the offline agent's intent classifier and writes its weights to src/agent/offline/intent-weights.json.
//   npm run train:intent -w app/backend
// Data: the corpus' tune part (chat-corpus/tune.yaml) and the docs' message set (docs/chat-messages.yaml). Never
// the locked test part: it is only measured (npm run bench:chat). Deterministic: the same data gives the same file.
//   npm run train:intent -w app/backend -- --cv    5-fold cross-validation on the tune part (writes nothing): how
//                                                 well the classifier alone does on messages it was not trained on
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { features, INTENTS, type IntentLabel } from "../src/agent/offline/intent-model.js";
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

/**
 * K-fold cross-validation on the tune part: accuracy of the classifier alone on the held-out fold, how sure it
 * was when wrong, and the mean negative log-likelihood of the right intent (lower is better calibrated).
 */
function crossValidate(folds = 5): string {
  const tune = parse(readFileSync(TUNE, "utf8")) as { cases: LabelledCase[] };
  const examples = tune.cases.map((c) => ({ text: c.say, intent: c.intent as IntentLabel }));
  let right = 0;
  let sureAndWrong = 0;
  let loss = 0;
  for (let fold = 0; fold < folds; fold++) {
    const model = train(examples.filter((_, i) => i % folds !== fold));
    const bytes = Buffer.from(model.weights, "base64");
    const classes = model.labels.length;
    for (const example of examples.filter((_, i) => i % folds === fold)) {
      const scores = model.bias.slice();
      for (const f of features(example.text))
        for (let c = 0; c < classes; c++) scores[c]! += ((bytes[f * classes + c]! << 24) >> 24) * model.scale;
      const max = Math.max(...scores);
      const exps = scores.map((score) => Math.exp(score - max));
      const total = exps.reduce((a, b) => a + b, 0);
      const top = scores.indexOf(max);
      if (model.labels[top] === example.intent) right++;
      else if (exps[top]! / total >= 0.85) sureAndWrong++;
      loss -= Math.log(Math.max(1e-12, exps[model.labels.indexOf(example.intent)]! / total));
    }
  }
  const n = examples.length;
  return `${folds}-fold cross-validation on ${n} tune messages: ${((100 * right) / n).toFixed(1)}% right, ${sureAndWrong} wrong with p ≥ 0.85, mean NLL ${(loss / n).toFixed(3)}`;
}

if (process.argv[1] && import.meta.filename === process.argv[1] && process.argv.includes("--cv")) {
  console.log(crossValidate());
} else if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const examples = trainingExamples();
  const started = performance.now();
  writeFileSync(WEIGHTS_FILE, serialize(train(examples)));
  console.log(
    `Trained on ${examples.length} messages in ${(performance.now() - started).toFixed(0)} ms -> ${WEIGHTS_FILE}`,
  );
}
