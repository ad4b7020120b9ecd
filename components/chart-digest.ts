// A digest of every file of the local chart. pulumi-kubernetes' helm.v3.Release diffs its inputs and the chart's
// version only, so an edited template with an unchanged Chart.yaml version would never be deployed; the digest is
// part of the release's inputs (its description), so any chart edit makes `pulumi up` upgrade the release.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** sha256 over the chart's files (relative path and content), in a stable order; hex, first 16 digits. */
export function chartDigest(chartDir: string): string {
  const hash = createHash("sha256");
  const visit = (relative: string): void => {
    const entries = readdirSync(path.join(chartDir, relative), { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const entry of entries) {
      const file = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) visit(file);
      else
        hash
          .update(`${file}\0`)
          .update(readFileSync(path.join(chartDir, file)))
          .update("\0");
    }
  };
  visit(".");
  return hash.digest("hex").slice(0, 16);
}
