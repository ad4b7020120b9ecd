// The offline agent's intent classifier: the committed weights are exactly what the training script makes
// from the committed data (nobody hand-edits or forgets to retrain them), and they load fast.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { serialize, trainingExamples, WEIGHTS_FILE } from "../scripts/train-intent.js";
import { classify } from "../src/agent/offline/intent-model.js";
import { train } from "../src/agent/offline/intent-training.js";

describe("intent classifier", () => {
  it("the committed weights are what training on the committed data produces", () => {
    // One training run: a few seconds (SGD over about a thousand messages), no randomness.
    expect(serialize(train(trainingExamples()))).toBe(readFileSync(WEIGHTS_FILE, "utf8"));
  }, 60_000);

  it("ranks every intent with probabilities that sum to 1", () => {
    const ranked = classify("buy milk");
    expect(ranked).toHaveLength(15);
    expect(ranked.reduce((sum, entry) => sum + entry.p, 0)).toBeCloseTo(1, 6);
    expect(ranked[0]!.p).toBeGreaterThanOrEqual(ranked[1]!.p);
  });
});
