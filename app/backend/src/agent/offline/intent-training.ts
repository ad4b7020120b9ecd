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
const L2 = 1e-5;

export function train(examples: Example[]) {
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
