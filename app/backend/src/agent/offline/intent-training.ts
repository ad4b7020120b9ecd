/**
 * Training of the intent classifier (intent-model.ts): multinomial logistic regression by stochastic gradient
 * descent over the examples in their given order, with no randomness, so the same examples always give the same
 * weights (a test checks the committed ones). Run by scripts/train-intent.ts; not loaded by the server.
 */
import { BUCKETS, features, INTENTS, type IntentLabel } from "./intent-model.js";

export interface Example {
  text: string;
  intent: IntentLabel;
}

const EPOCHS = 40;
const LEARNING_RATE = 0.3;
const L2 = 1e-4;

/** Noisy copies of each message, after it: enough for the kind of a message to outweigh its spelling. */
const COPIES = 2;

/** A deterministic generator of numbers in [0, 1) (mulberry32): the same seed, the same slips. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The message as typed in a hurry: one or two words of four letters or more with a letter dropped, doubled or
 * swapped with the next, and sometimes without its final punctuation ("is the rent paid" asks as well as "…?").
 */
export function withSlips(text: string, random: () => number): string {
  const words = text.split(" ");
  const long = words.map((word, index) => (/^\p{L}{4,}$/u.test(word) ? index : -1)).filter((i) => i >= 0);
  for (let slip = 0; slip < 1 + Math.floor(random() * 2) && long.length > 0; slip++) {
    const index = long[Math.floor(random() * long.length)]!;
    const letters = [...words[index]!];
    const at = 1 + Math.floor(random() * (letters.length - 2));
    const kind = Math.floor(random() * 3);
    if (kind === 0) letters.splice(at, 1);
    else if (kind === 1) letters.splice(at, 0, letters[at]!);
    else [letters[at], letters[at + 1]] = [letters[at + 1]!, letters[at]!];
    words[index] = letters.join("");
  }
  const typed = words.join(" ");
  return random() < 0.3 ? typed.replace(/[\s.!?؟۔]+$/u, "") : typed;
}

/** The examples, each followed by COPIES copies with slips (the same every run). */
export function augmented(examples: Example[]): Example[] {
  const random = generator(23);
  return examples.flatMap((example) => [
    example,
    ...Array.from({ length: COPIES }, () => ({
      text: withSlips(example.text, random),
      intent: example.intent,
    })),
  ]);
}

/** A trained model as stored: weights, and the temperature its scores are divided by (see calibrated()). */
export type TrainedModel = ReturnType<typeof train> & { temperature?: number };

/** The raw scores (logits) of a message under a trained model, as the server computes them. */
export function scoresOf(model: ReturnType<typeof train>, text: string): number[] {
  const bytes = Buffer.from(model.weights, "base64");
  const classes = model.labels.length;
  const scores = model.bias.slice();
  for (const f of features(text))
    for (let c = 0; c < classes; c++) scores[c]! += ((bytes[f * classes + c]! << 24) >> 24) * model.scale;
  return scores;
}

/** Probabilities from scores divided by a temperature (1: as trained; above 1: less sure). */
export function softmax(scores: number[], temperature = 1): number[] {
  const scaled = scores.map((score) => score / temperature);
  const max = Math.max(...scaled);
  const exps = scaled.map((score) => Math.exp(score - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((value) => value / total);
}

/** Each example's scores from a model trained without it: k models, example i held out by model i % k. */
export function outOfFold(examples: Example[], folds = 5): number[][] {
  const scores: number[][] = new Array(examples.length);
  for (let fold = 0; fold < folds; fold++) {
    const model = train(examples.filter((_, i) => i % folds !== fold));
    examples.forEach((example, i) => {
      if (i % folds === fold) scores[i] = scoresOf(model, example.text);
    });
  }
  return scores;
}

/** Mean negative log-likelihood of the right intents at a temperature. */
export function meanNll(scores: number[][], labels: number[], temperature = 1): number {
  let loss = 0;
  scores.forEach((row, i) => (loss -= Math.log(Math.max(1e-12, softmax(row, temperature)[labels[i]!]!))));
  return loss / Math.max(1, scores.length);
}

// The temperatures tried: 0.5 to 8 in steps of 0.05 (a grid: deterministic, and NLL is smooth in it).
const TEMPERATURES = Array.from({ length: 151 }, (_, i) => Number((0.5 + i * 0.05).toFixed(2)));

/** The temperature with the lowest NLL on the given held-out scores (temperature scaling, Guo et al. 2017). */
export function fitTemperature(scores: number[][], labels: number[]): number {
  let best = 1;
  let bestLoss = Infinity;
  for (const temperature of TEMPERATURES) {
    const loss = meanNll(scores, labels, temperature);
    if (loss < bestLoss - 1e-12) [best, bestLoss] = [temperature, loss];
  }
  return best;
}

/**
 * Expected calibration error: the top guesses put in 10 bins by their probability; the gap between a bin's mean
 * probability and how often its guesses were right, weighted by the bin's share of the examples.
 */
export function expectedCalibrationError(probabilities: number[][], labels: number[], bins = 10): number {
  const sums = Array.from({ length: bins }, () => ({ n: 0, p: 0, right: 0 }));
  probabilities.forEach((row, i) => {
    const top = row.indexOf(Math.max(...row));
    const bin = sums[Math.min(bins - 1, Math.floor(row[top]! * bins))]!;
    bin.n++;
    bin.p += row[top]!;
    if (top === labels[i]) bin.right++;
  });
  return (
    sums.reduce((error, bin) => error + Math.abs(bin.p - bin.right), 0) / Math.max(1, probabilities.length)
  );
}

/**
 * The model to commit: trained on every example, with the temperature fitted on 5-fold out-of-fold scores of the
 * same examples (the trained scores are overconfident: about half of the held-out misses had p ≥ 0.85).
 */
export function build(examples: Example[]): TrainedModel {
  const labels = examples.map((example) => INTENTS.indexOf(example.intent));
  const temperature = fitTemperature(outOfFold(examples), labels);
  return { ...train(examples), temperature };
}

export function train(given: Example[]) {
  const examples = augmented(given);
  const labels = [...INTENTS];
  const classes = labels.length;
  const weights = new Float64Array(BUCKETS * classes);
  const bias = new Float64Array(classes);
  const encoded = examples.map((example) => ({
    features: features(example.text),
    label: labels.indexOf(example.intent),
  }));
  const scores = new Float64Array(classes);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const rate = LEARNING_RATE / (1 + epoch * 0.1);
    for (const { features: active, label } of encoded) {
      for (let c = 0; c < classes; c++) scores[c] = bias[c]!;
      for (const f of active) for (let c = 0; c < classes; c++) scores[c]! += weights[f * classes + c]!;
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, scores[c]!);
      let total = 0;
      for (let c = 0; c < classes; c++) total += scores[c] = Math.exp(scores[c]! - max);
      for (let c = 0; c < classes; c++) {
        const gradient = scores[c]! / total - (c === label ? 1 : 0);
        bias[c]! -= rate * gradient;
        for (const f of active) {
          const index = f * classes + c;
          weights[index]! -= rate * (gradient + L2 * weights[index]!);
        }
      }
    }
  }
  // int8 with one scale: a quarter of the size of float32, and the scores change by well under a percent.
  let largest = 0;
  for (const value of weights) largest = Math.max(largest, Math.abs(value));
  const scale = largest / 127 || 1;
  const bytes = Buffer.alloc(weights.length);
  for (let i = 0; i < weights.length; i++) bytes.writeInt8(Math.round(weights[i]! / scale), i);
  return {
    labels,
    buckets: BUCKETS,
    scale: Number(scale.toPrecision(8)),
    bias: [...bias].map((value) => Number(value.toFixed(6))),
    weights: bytes.toString("base64"),
  };
}
