import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

afterEach(() => {
  cleanup();
  // jsdom keeps localStorage between tests in one file; each test starts signed-out of history.
  if (typeof localStorage !== "undefined") localStorage.clear();
});
