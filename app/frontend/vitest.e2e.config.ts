import { defineConfig } from "vitest/config";

// Browser end-to-end tests: real backend, built frontend, real Chromium. Slow by nature:
// the first run may build both apps, so the hooks get generous time limits.
const STEP_LIMIT_MS = 5 * 60_000;

export default defineConfig({
  test: {
    environment: "node",
    include: ["tests/e2e/**/*.e2e.test.ts"],
    fileParallelism: false,
    // Each step waits for what it needs (an element, a response, a state), never for a fixed time: on a loaded
    // machine a step takes longer but does not fail. This limit only ends a step that hangs; browser.ts turns
    // Playwright's own 30 s action limit off so that this is the one limit.
    testTimeout: STEP_LIMIT_MS,
    expect: { poll: { timeout: STEP_LIMIT_MS } },
    hookTimeout: 15 * 60_000,
  },
});
