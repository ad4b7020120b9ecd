import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Unit and component tests. Components run in jsdom; files that need real sockets
// (the proxy) switch to node with a `@vitest-environment node` comment.
export default defineConfig({
  plugins: [react()],
  test: {
    environment: "jsdom",
    include: ["tests/unit/**/*.test.{ts,tsx}"],
    setupFiles: ["tests/unit/setup.ts"],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
