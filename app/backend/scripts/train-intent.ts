// Trains the offline agent's intent classifier and writes its weights to src/agent/offline/intent-weights.json.
//   npm run train:intent -w app/backend
// Data: the corpus' tune part (chat-corpus/tune.yaml) and the docs' message set (docs/chat-messages.yaml). Never
// the locked test part: it is only measured (npm run bench:chat). Deterministic: the same data gives the same file.
// The file holds the weights and a temperature fitted on 5-fold out-of-fold scores (the probabilities the server
// uses are calibrated: a p of 0.8 is right about 80% of the time on messages the weights never saw).
//   npm run train:intent -w app/backend -- --cv    5-fold cross-validation on the tune part (writes nothing): how
//                                                 well the classifier alone does on messages it was not trained on,
//                                                 and its calibration (ECE, NLL) raw and with the temperature
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { INTENTS, type IntentLabel } from "../src/agent/offline/intent-model.js";
import {
  build,
  expectedCalibrationError,
  fitTemperature,
  outOfFold,
  softmax,
  type Example,
  type TrainedModel,
} from "../src/agent/offline/intent-training.js";

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
  // A case that asks first (several tasks) names its intent: it makes no calls to read it from.
  if (INTENTS.includes(testCase.intent as IntentLabel)) return testCase.intent as IntentLabel;
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

export const serialize = (model: TrainedModel) => `${JSON.stringify(model)}\n`;

/**
 * K-fold cross-validation on the tune part: accuracy of the classifier alone on the held-out fold, how sure it
 * was when wrong, the mean negative log-likelihood of the right intent and the expected calibration error, raw and
 * with a temperature. The temperature of fold k is fitted on the other folds' held-out scores only (cross-fitted),
 * so the calibrated figures are measured on messages neither the weights nor the temperature saw.
 */
function crossValidate(folds = 5): string {
  const tune = parse(readFileSync(TUNE, "utf8")) as { cases: LabelledCase[] };
  const examples = tune.cases.map((c) => ({ text: c.say, intent: c.intent as IntentLabel }));
  const labels = examples.map((example) => INTENTS.indexOf(example.intent));
  const scores = outOfFold(examples, folds);
  const raw = scores.map((row) => softmax(row));
  const calibrated: number[][] = new Array(examples.length);
  const temperatures: number[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const others = scores.map((_, i) => i).filter((i) => i % folds !== fold);
    const temperature = fitTemperature(
      others.map((i) => scores[i]!),
      others.map((i) => labels[i]!),
    );
    temperatures.push(temperature);
    scores.forEach((row, i) => {
      if (i % folds === fold) calibrated[i] = softmax(row, temperature);
    });
  }
  const nll = (rows: number[][]) =>
    rows.reduce((loss, row, i) => loss - Math.log(Math.max(1e-12, row[labels[i]!]!)), 0) / rows.length;
  const right = raw.filter((row, i) => row.indexOf(Math.max(...row)) === labels[i]).length;
  const sureAndWrong = (rows: number[][]) =>
    rows.filter((row, i) => row.indexOf(Math.max(...row)) !== labels[i] && Math.max(...row) >= 0.85).length;
  const n = examples.length;
  return [
    `${folds}-fold cross-validation on ${n} tune messages: ${((100 * right) / n).toFixed(1)}% right (${right}/${n}), ${n - right} wrong`,
    `  raw:        ${sureAndWrong(raw)} wrong with p ≥ 0.85, mean NLL ${nll(raw).toFixed(3)}, ECE ${expectedCalibrationError(raw, labels).toFixed(3)}`,
    `  calibrated: ${sureAndWrong(calibrated)} wrong with p ≥ 0.85, mean NLL ${nll(calibrated).toFixed(3)}, ECE ${expectedCalibrationError(calibrated, labels).toFixed(3)} (fold temperatures ${temperatures.join(", ")})`,
    ...[0.5, 0.6, 0.7, 0.85].map((at) => {
      const share = (rows: number[][]) => {
        const sure = rows.map(
          (row, i) => [Math.max(...row), row.indexOf(Math.max(...row)) === labels[i]] as const,
        );
        const above = sure.filter(([p]) => p >= at);
        const ok = above.filter(([, good]) => good).length;
        return `${above.length} top guesses, ${((100 * ok) / Math.max(1, above.length)).toFixed(1)}% right`;
      };
      return `  p ≥ ${at}: raw ${share(raw)}; calibrated ${share(calibrated)}`;
    }),
  ].join("\n");
}

/**
 * The write gate's threshold, fitted on the tune part by cross-validation: each tune message's calibrated
 * out-of-fold probability of the change the rules read in it (the classifier never saw the message), against whether
 * that change is the one the message's label wants. A change whose probability is below the threshold is asked
 * about instead of made: below it, asking costs the messages whose change was right and saves the ones whose change
 * was wrong. The threshold kept is the one that saves the most more than it costs (ties: the lower).
 */
async function fitGate(folds = 5): Promise<string> {
  const { understand } = await import("../src/agent/offline/understand.js");
  const tune = parse(readFileSync(TUNE, "utf8")) as { cases: LabelledCase[] };
  const examples = tune.cases.map((c) => ({ text: c.say, intent: c.intent as IntentLabel }));
  const labels = examples.map((example) => INTENTS.indexOf(example.intent));
  const scores = outOfFold(examples, folds);
  const calibrated: number[][] = new Array(examples.length);
  for (let fold = 0; fold < folds; fold++) {
    const others = scores.map((_, i) => i).filter((i) => i % folds !== fold);
    const temperature = fitTemperature(
      others.map((i) => scores[i]!),
      others.map((i) => labels[i]!),
    );
    scores.forEach((row, i) => {
      if (i % folds === fold) calibrated[i] = softmax(row, temperature);
    });
  }
  const LABEL: Record<string, IntentLabel> = {
    add: "add",
    complete: "complete",
    delete: "delete",
    reopen: "reopen",
    update: "edit",
  };
  const writes: Array<{ p: number; right: boolean; kind: string }> = [];
  examples.forEach((example, i) => {
    const label = LABEL[understand(example.text).intent.kind];
    if (!label) return;
    writes.push({
      p: calibrated[i]![INTENTS.indexOf(label)]!,
      right: example.intent === label,
      kind: label,
    });
  });
  const rows: string[] = [];
  let best = { threshold: 0, gain: 0 };
  for (let step = 1; step <= 18; step++) {
    const threshold = step * 0.05;
    const below = writes.filter((write) => write.p < threshold);
    const saved = below.filter((write) => !write.right).length;
    const cost = below.length - saved;
    if (saved - cost > best.gain) best = { threshold, gain: saved - cost };
    rows.push(
      `  p < ${threshold.toFixed(2)}: asks ${below.length}: ${saved} wrong changes saved, ${cost} right ones asked`,
    );
  }
  const wrong = writes.filter((write) => !write.right).length;
  return [
    `${writes.length} tune messages the rules read as a change (${wrong} of them not the change their label wants); calibrated out-of-fold probability of that change:`,
    ...rows,
    `Threshold: ${best.threshold.toFixed(2)} (saves ${best.gain} more than it costs)`,
  ].join("\n");
}

if (process.argv[1] && import.meta.filename === process.argv[1] && process.argv.includes("--cv")) {
  console.log(crossValidate());
} else if (process.argv[1] && import.meta.filename === process.argv[1] && process.argv.includes("--gate")) {
  console.log(await fitGate());
} else if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const examples = trainingExamples();
  const started = performance.now();
  const model = build(examples);
  writeFileSync(WEIGHTS_FILE, serialize(model));
  console.log(
    `Trained on ${examples.length} messages in ${(performance.now() - started).toFixed(0)} ms (temperature ${model.temperature}, fitted on 5 folds) -> ${WEIGHTS_FILE}`,
  );
}
