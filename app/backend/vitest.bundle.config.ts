import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

// The HTTP-level files run again against the built bundle (dist/bundle/server.mjs, what the image runs), each
// `useTestApp` a bundle process on PostgreSQL (tests/support/http-app.ts): what users run is what is tested.
// offline-agent.test.ts also proves the agent's Urdu and Spanish regular expressions survive the bundle's \u
// escapes (scripts/bundle.mjs). Files that inject a model or read the logger need the app in-process and are not
// here.
export default defineConfig({
  test: {
    ...base.test,
    include: [
      "tests/auth.test.ts",
      "tests/tasks.test.ts",
      "tests/mcp.test.ts",
      "tests/isolation.test.ts",
      "tests/conversations.test.ts",
      "tests/offline-agent.test.ts",
    ],
    env: { BACKEND_UNDER_TEST: "bundle" },
  },
});
