// Checks the chat corpus and files new cases into their part.
//   node split.mjs              checks tune.yaml and locked-test.yaml and prints the counts per part
//   node split.mjs new.yaml...  checks the new cases (same schema, `cases:` only) and appends each to its part
// A case's part is a seeded hash of its id, never its position, so adding cases never moves an existing one: a case
// the tuner has seen can never land in the locked test part.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { format, resolveConfig } from "prettier";
import { Document, isSeq, parse, visit } from "yaml";

const SEED = "todo-chat-corpus-1";
const TUNE_SHARE = 0.65;
const PARTS = {
  tune: join(import.meta.dirname, "tune.yaml"),
  "locked-test": join(import.meta.dirname, "locked-test.yaml"),
};
const CATEGORIES = [
  "add",
  "add-several",
  "add-need",
  "add-details",
  "complete",
  "reopen",
  "delete",
  "edit",
  "list",
  "question",
  "reference",
  "correction",
  "undo",
  "bulk",
  "confirm",
  "ambiguous",
  "matching",
  "injection",
  "no-after-change",
  "smalltalk",
  "help",
  "other",
];
const LANGS = ["en", "ur-roman", "ur", "es", "hi-en"];
const INTENTS = [
  "add",
  "complete",
  "reopen",
  "delete",
  "edit",
  "list",
  "question",
  "undo",
  "correct",
  "confirm",
  "deny",
  "greet",
  "thanks",
  "help",
  "other",
];
const KEYS = [
  "id",
  "category",
  "lang",
  "intent",
  "setup",
  "before",
  "say",
  "add",
  "describe",
  "done",
  "open",
  "remove",
  "rename",
  "asks",
  "lists",
  "reply",
];

const partOf = (id) =>
  createHash("sha256")
    .update(SEED + id)
    .digest()
    .readUInt32BE(0) /
    2 ** 32 <
  TUNE_SHARE
    ? "tune"
    : "locked-test";

function problems(c, defaultSetup) {
  const out = [];
  const bad = (msg) => out.push(`${c.id}: ${msg}`);
  for (const k of Object.keys(c)) if (!KEYS.includes(k)) bad(`unknown key "${k}"`);
  if (typeof c.id !== "string" || !c.id) bad("no id");
  if (!CATEGORIES.includes(c.category)) bad(`category "${c.category}"`);
  if (!LANGS.includes(c.lang)) bad(`lang "${c.lang}"`);
  if (!INTENTS.includes(c.intent)) bad(`intent "${c.intent}"`);
  if (typeof c.say !== "string" || !c.say.trim()) bad("say is empty");
  if (c.before && !(Array.isArray(c.before) && c.before.every((m) => typeof m === "string"))) bad("before");
  const setup = c.setup ?? defaultSetup;
  const added = c.add ?? [];
  const count = setup.length + added.length;
  const completed = (n) => n <= setup.length && setup[n - 1].startsWith("[x] ");
  const check = (key, nums) => {
    for (const n of nums)
      if (!Number.isInteger(n) || n < 1 || n > count) bad(`${key}: task ${n} does not exist`);
  };
  if (added.some((t) => typeof t !== "string" || !t.trim())) bad("add has an empty title");
  check("done", c.done ?? []);
  check("open", c.open ?? []);
  check("remove", c.remove ?? []);
  for (const key of ["describe", "rename"]) check(key, Object.keys(c[key] ?? {}).map(Number));
  for (const n of c.done ?? []) if (completed(n)) bad(`done: task ${n} is already completed`);
  for (const n of c.open ?? []) if (!completed(n)) bad(`open: task ${n} is not completed`);
  if (c.lists && !["all", "pending", "completed"].includes(c.lists)) bad(`lists "${c.lists}"`);
  if (c.asks !== undefined && c.asks !== true) bad("asks is only ever true");
  if (c.reply) {
    try {
      new RegExp(c.reply, "iu");
    } catch {
      bad(`reply is not a regex: ${c.reply}`);
    }
  }
  return out;
}

function validate(cases, defaultSetup) {
  const errors = cases.flatMap((c) => problems(c, defaultSetup));
  const seen = new Map();
  for (const c of cases) {
    if (seen.has(c.id)) errors.push(`duplicate id ${c.id}`);
    const key = JSON.stringify([c.setup, c.before, c.say.trim().toLowerCase()]);
    if (seen.has(key)) errors.push(`${c.id} repeats ${seen.get(key)}`);
    seen.set(c.id, c.id).set(key, c.id);
  }
  // Each part must speak every language in every category, or its score hides a whole kind of user.
  for (const category of CATEGORIES) {
    for (const lang of LANGS) {
      const parts = new Set(
        cases.filter((c) => c.category === category && c.lang === lang).map((c) => partOf(c.id)),
      );
      if (parts.size < 2) errors.push(`${category} in ${lang} is missing from a part`);
    }
  }
  return errors;
}

function printCounts(cases) {
  for (const [key, names] of [
    ["category", CATEGORIES],
    ["lang", LANGS],
  ]) {
    console.log(`\n| ${key} | tune | locked-test | total |\n|---|---:|---:|---:|`);
    for (const name of names) {
      const of = cases.filter((c) => c[key] === name);
      const tune = of.filter((c) => partOf(c.id) === "tune").length;
      console.log(`| ${name} | ${tune} | ${of.length - tune} | ${of.length} |`);
    }
  }
  const tune = cases.filter((c) => partOf(c.id) === "tune").length;
  console.log(`\ntotal: ${cases.length} (tune ${tune}, locked-test ${cases.length - tune})`);
}

// Task numbers stay numbers (`15: ...`, not `"15": ...`), number lists stay on one line, and every string is quoted
// so that no YAML 1.1 reader takes a message like `no` or `yes` for a boolean.
async function write(path, defaultSetup, cases) {
  const numbered = (map) => map && new Map(Object.entries(map).map(([k, v]) => [Number(k), v]));
  const doc = new Document({
    default_setup: defaultSetup,
    cases: cases.map((c) =>
      Object.fromEntries(
        KEYS.filter((k) => c[k] !== undefined).map((k) => [
          k,
          ["describe", "rename"].includes(k) ? numbered(c[k]) : c[k],
        ]),
      ),
    ),
  });
  visit(doc, {
    Pair(_, pair) {
      if (["done", "open", "remove"].includes(pair.key?.value) && isSeq(pair.value)) pair.value.flow = true;
    },
  });
  const text = doc.toString({
    lineWidth: 0,
    flowCollectionPadding: false,
    defaultStringType: "QUOTE_DOUBLE",
    defaultKeyType: "PLAIN",
  });
  // In the repository's own style, so `npm run lint` (prettier --check) passes on the written files.
  writeFileSync(path, await format(text, { ...(await resolveConfig(path)), filepath: path }));
}

const parts = Object.fromEntries(
  Object.entries(PARTS).map(([part, path]) => [part, parse(readFileSync(path, "utf8"))]),
);
const defaultSetup = parts.tune.default_setup;
const errors = [];
if (JSON.stringify(parts["locked-test"].default_setup) !== JSON.stringify(defaultSetup)) {
  errors.push("tune.yaml and locked-test.yaml have different default_setup lists");
}
for (const [part, doc] of Object.entries(parts)) {
  for (const c of doc.cases)
    if (partOf(c.id) !== part) errors.push(`${c.id} belongs in ${partOf(c.id)}, not ${part}`);
}
const added = process.argv.slice(2).flatMap((file) => parse(readFileSync(file, "utf8")).cases);
const cases = [...parts.tune.cases, ...parts["locked-test"].cases, ...added];
errors.push(...validate(cases, defaultSetup));
printCounts(cases);
if (errors.length) {
  console.error(errors.join("\n"));
  process.exit(1);
}
for (const [part, path] of Object.entries(PARTS)) {
  const fresh = added.filter((c) => partOf(c.id) === part);
  if (fresh.length) await write(path, defaultSetup, [...parts[part].cases, ...fresh]);
}
