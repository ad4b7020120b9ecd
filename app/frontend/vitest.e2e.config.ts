import { defineConfig } from "vitest/config";

// Browser end-to-end tests: real backend, built frontend, real Chromium. Slow by nature:
// the first run may build both apps, so the hooks get generous time limits.
export default defineConfig({
  test: {
    environment: "node",
    include: ["tests/e2e/**/*.e2e.test.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 15 * 60_000,
  },
});
