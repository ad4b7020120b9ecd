// Real Chromium from the OS package, driven by playwright-core (which ships no browser).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

// Debian's package path; CHROMIUM_PATH points elsewhere on other systems.
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export function assertChromiumInstalled() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}; the browser tests need it. Install it with: apt-get install -y chromium`,
    );
  }
}

export type Session = { context: BrowserContext; close: () => Promise<void> };

/**
 * A browser with a brand-new profile in its own temp user-data dir, so cookies and storage
 * never leak between users. (Playwright takes the profile dir as an argument of
 * launchPersistentContext rather than as a --user-data-dir flag.)
 */
export async function openBrowser(viewport = { width: 1280, height: 820 }): Promise<Session> {
  assertChromiumInstalled();
  const profile = mkdtempSync(join(tmpdir(), "todo-e2e-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport,
  });
  // No limit per action or wait: the test's own limit (vitest.e2e.config.ts) ends a step that hangs.
  context.setDefaultTimeout(0);
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
