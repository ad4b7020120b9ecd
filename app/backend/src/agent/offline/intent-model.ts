/**
 * The offline agent's intent classifier: hashed character n-grams (1–4) and word unigrams and bigrams into a
 * multinomial logistic regression. Trained by scripts/train-intent.ts on the labelled corpus (tune part) and the
 * docs' message set; its weights are committed (intent-weights.json) and load in milliseconds. Deterministic:
 * the same text always gives the same scores, and the same data always trains the same weights.
 */
import weights from "./intent-weights.json" with { type: "json" };

export const INTENTS = [
  "add",
  "complete",
  "reopen",
  "delete",
  "edit",
  "list",
  "question",
  "undo",
  "correct",
  "confirm",
  "deny",
  "greet",
  "thanks",
  "help",
  "other",
] as const;
export type IntentLabel = (typeof INTENTS)[number];

/** Feature buckets (a power of two): collisions stay rare for a corpus of a few thousand messages. */
export const BUCKETS = 1 << 13;
/** Characters of a message the features read: a request is said in its first words; the work stays bounded. */
export const FEATURE_CHARS = 300;

const URDU_DIGITS = /[\u06F0-\u06F9\u0660-\u0669]/g;

/** The text as features see it: lower case, no Latin accents, every digit "0" (a number is a number). */
export function normalizeForFeatures(message: string): string {
  return message
    .slice(0, FEATURE_CHARS)
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .normalize("NFC")
    .replace(URDU_DIGITS, "0")
    .replace(/[0-9]+/g, "0")
    .replace(/[\u2018\u2019`´']/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** 32-bit FNV-1a of a string, into a bucket. */
function bucket(text: string, salt: number): number {
  let hash = 0x811c9dc5 ^ salt;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & (BUCKETS - 1);
}

/** The feature buckets of a message (each once). Linear in the (capped) message. */
export function features(message: string): number[] {
  const text = normalizeForFeatures(message);
  const found = new Set<number>();
  const padded = ` ${text} `;
  for (let n = 1; n <= 4; n++) {
    for (let i = 0; i + n <= padded.length; i++) found.add(bucket(padded.slice(i, i + n), n));
  }
  const words = text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    found.add(bucket(words[i]!, 11));
    if (i + 1 < words.length) found.add(bucket(`${words[i]} ${words[i + 1]}`, 12));
  }
  found.add(bucket(/[?؟]\s*$/.test(message.trim()) ? "?end" : "!end", 13));
  return [...found];
}

interface StoredModel {
  labels: string[];
  buckets: number;
  /** Weights quantized to int8 (base64, row-major: bucket × label), times `scale`. */
  weights: string;
  scale: number;
  bias: number[];
  /** The scores are divided by this before the softmax: fitted on cross-validation folds (calibration). */
  temperature?: number;
}

let loaded: { labels: IntentLabel[]; weights: Float32Array; bias: number[]; temperature: number } | undefined;

function model() {
  if (loaded) return loaded;
  const stored = weights as StoredModel;
  if (stored.buckets !== BUCKETS)
    throw new Error("intent-weights.json was trained with another bucket count");
  const bytes = Buffer.from(stored.weights, "base64");
  const values = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) values[i] = ((bytes[i]! << 24) >> 24) * stored.scale;
  loaded = {
    labels: stored.labels as IntentLabel[],
    weights: values,
    bias: stored.bias,
    temperature: stored.temperature ?? 1,
  };
  return loaded;
}

/**
 * The intents ranked by probability, most likely first. As trained (`calibrated` false): overconfident on new
 * messages, and the rules' thresholds (understand.ts) were set on this scale. Calibrated: the scores divided by
 * the temperature fitted on cross-validation folds, so that on messages the classifier was not trained on a top
 * guess of p is right about p of the time (on the tune part, which it was trained on, it is still surer).
 */
export function classify(message: string, calibrated = false): Array<{ intent: IntentLabel; p: number }> {
  const { labels, weights: w, bias, temperature: fitted } = model();
  const temperature = calibrated ? fitted : 1;
  const scores = bias.slice();
  for (const f of features(message)) {
    const row = f * labels.length;
    for (let c = 0; c < labels.length; c++) scores[c]! += w[row + c]!;
  }
  for (let c = 0; c < scores.length; c++) scores[c]! /= temperature;
  const max = Math.max(...scores);
  const exps = scores.map((score) => Math.exp(score - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return labels.map((intent, c) => ({ intent, p: exps[c]! / total })).sort((a, b) => b.p - a.p);
}

/** How far the top guess is ahead of the second (calibrated probabilities): near 0, the classifier cannot tell. */
export function margin(message: string): { intent: IntentLabel; p: number; margin: number } {
  const [top, second] = classify(message, true);
  return { intent: top!.intent, p: top!.p, margin: top!.p - (second?.p ?? 0) };
}
