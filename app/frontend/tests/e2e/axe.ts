// The accessibility scan of a screen: axe-core (through @axe-core/playwright) in the page as it is, in light and
// in dark mode (contrast differs), keeping only the serious and critical findings.
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";

export type Finding = { scheme: string; rule: string; impact: string; targets: string[] };

export async function seriousViolations(page: Page): Promise<Finding[]> {
  const findings: Finding[] = [];
  // After a client-side navigation (sign-up -> router.replace("/")) Next applies the new route's metadata a
  // moment after its content, so a scan in that gap saw no <title>. Wait for it; a page that never gets a
  // title still fails here, by timing out.
  await page.waitForFunction(() => document.title.trim() !== "", undefined, { timeout: 5_000 });
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
    const results = await new AxeBuilder({ page }).analyze();
    for (const violation of results.violations) {
      if (violation.impact === "serious" || violation.impact === "critical") {
        findings.push({
          scheme,
          rule: violation.id,
          impact: violation.impact,
          targets: violation.nodes.map((node) => node.target.join(" ")),
        });
      }
    }
  }
  await page.emulateMedia({ colorScheme: null, reducedMotion: null });
  return findings;
}
