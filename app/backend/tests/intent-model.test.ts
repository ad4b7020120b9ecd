// The offline agent's intent classifier: the committed weights are exactly what the training script makes
// from the committed data (nobody hand-edits or forgets to retrain them), and they load fast.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { serialize, trainingExamples, WEIGHTS_FILE } from "../scripts/train-intent.js";
import { classify, margin } from "../src/agent/offline/intent-model.js";
import {
  expectedCalibrationError,
  fitTemperature,
  softmax,
  build,
} from "../src/agent/offline/intent-training.js";

describe("intent classifier", () => {
  it("the committed weights and temperature are what training on the committed data produces", () => {
    // Six training runs (five folds for the temperature, then all the data): seconds each, no randomness.
    expect(serialize(build(trainingExamples()))).toBe(readFileSync(WEIGHTS_FILE, "utf8"));
  }, 180_000);

  it("the fitted temperature is the one that makes held-out probabilities honest", () => {
    // Scores four times as sharp as the truth: the top class is right 3 times in 4, but its raw p is above 0.99.
    const scores: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 400; i++) {
      scores.push([4 * Math.log(3), 0, 0, 0].map((value) => value * 2));
      labels.push(i % 4 === 0 ? 1 + (i % 3) : 0);
    }
    const temperature = fitTemperature(scores, labels);
    expect(temperature).toBeGreaterThan(1.5);
    const raw = scores.map((row) => softmax(row));
    const calibrated = scores.map((row) => softmax(row, temperature));
    expect(raw[0]![0]).toBeGreaterThan(0.95);
    expect(calibrated[0]![0]).toBeCloseTo(0.75, 1);
    expect(expectedCalibrationError(calibrated, labels)).toBeLessThan(
      expectedCalibrationError(raw, labels) / 4,
    );
  });

  it("calibrated probabilities are less sure than the raw ones, in the same order", () => {
    const raw = classify("clear task 2, finished it");
    const calibrated = classify("clear task 2, finished it", true);
    expect(calibrated.map((entry) => entry.intent)).toEqual(raw.map((entry) => entry.intent));
    expect(calibrated[0]!.p).toBeLessThan(raw[0]!.p);
    expect(margin("clear task 2, finished it").margin).toBeCloseTo(calibrated[0]!.p - calibrated[1]!.p, 9);
  });

  it("ranks every intent with probabilities that sum to 1", () => {
    const ranked = classify("buy milk");
    expect(ranked).toHaveLength(15);
    expect(ranked.reduce((sum, entry) => sum + entry.p, 0)).toBeCloseTo(1, 6);
    expect(ranked[0]!.p).toBeGreaterThanOrEqual(ranked[1]!.p);
  });
});
