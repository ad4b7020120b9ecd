// The Debian mirror this machine's apt already uses, read from its sources at run time (one-line `.list`
// files and deb822 `.sources` files), so debootstrap fetches from the same place apt does.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** The first `deb` URI serving `suite` (e.g. "bookworm"); throws with the files read when none does. */
export function aptMirror(suite, root = "/etc/apt") {
  const files = [join(root, "sources.list")];
  const dir = join(root, "sources.list.d");
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith(".list") || name.endsWith(".sources")) files.push(join(dir, name));
    }
  }
  for (const file of files.filter((path) => existsSync(path))) {
    const text = readFileSync(file, "utf8");
    const entries = file.endsWith(".sources") ? deb822Entries(text) : oneLineEntries(text);
    const match = entries.find((entry) => entry.types.includes("deb") && entry.suites.includes(suite));
    if (match) return match.uris[0].replace(/\/+$/, "");
  }
  throw new Error(
    `No apt source serves "${suite}" (read ${files.join(", ")}): add a \`deb <mirror> ${suite} main\` line.`,
  );
}

function oneLineEntries(text) {
  return text
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .filter(Boolean)
    .map((line) => line.replace(/\[[^\]]*\]\s*/, "").split(/\s+/))
    .map(([type, uri, suite]) => ({ types: [type], uris: [uri], suites: [suite] }));
}

function deb822Entries(text) {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => {
      /** @type {Record<string, string>} */
      const fields = {};
      for (const line of paragraph.split("\n")) {
        const [, key, value] = /^([A-Za-z-]+):\s*(.*)$/.exec(line) ?? [];
        if (key && value !== undefined) fields[key.toLowerCase()] = value.trim();
      }
      return fields;
    })
    .filter((fields) => fields.uris && (fields.enabled ?? "yes").toLowerCase() !== "no")
    .map((fields) => ({
      types: (fields.types ?? "").split(/\s+/),
      uris: fields.uris.split(/\s+/),
      suites: (fields.suites ?? "").split(/\s+/),
    }));
}
