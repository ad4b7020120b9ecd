// Builds and checks the chat corpus.
//   node split.mjs <draft-dir>   reads <draft-dir>/*.yaml (one file per category), writes tune.yaml and locked-test.yaml
//   node split.mjs               checks the committed tune.yaml and locked-test.yaml
// A case's part depends only on its id (a seeded hash), so adding cases never moves an existing one between parts:
// cases the tuner has seen can never land in the locked test part.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { format, resolveConfig } from "prettier";
import { Document, isSeq, parse, visit } from "yaml";

const here = import.meta.dirname;
const SEED = "todo-chat-corpus-1";
const TUNE_SHARE = 0.65;
const PARTS = { tune: "tune.yaml", "locked-test": "locked-test.yaml" };
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
// What the last message of a case usually wants, by category; a draft case overrides it with `i:`.
const DEFAULT_INTENT = {
  add: "add",
  "add-several": "add",
  "add-need": "add",
  "add-details": "add",
  complete: "complete",
  reopen: "reopen",
  delete: "delete",
  edit: "edit",
  list: "list",
  question: "question",
  correction: "correct",
  undo: "undo",
  help: "help",
  other: "other",
};
const DEFAULT_SETUP = [
  "Buy milk",
  "Pay rent",
  "Call dad",
  "[x] Renew passport",
  "Fix the car brakes",
  "Book dentist appointment",
  "[x] Pay electricity bill",
  "Walk the dog",
  "Submit tax return",
  "Clean the kitchen",
  "Email Sara the project report",
  "[x] Pick up dry cleaning",
  "Flight to Lahore",
  "Buy birthday gift for Ammi",
];
const SHORT = { l: "lang", s: "say", b: "before", i: "intent" };
const ORDER = [
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

function expand(category, raw, index) {
  const c = { id: `${category}-${String(index + 1).padStart(3, "0")}`, category };
  for (const [k, v] of Object.entries(raw)) c[SHORT[k] ?? k] = v;
  c.intent ??= DEFAULT_INTENT[category];
  const known = ORDER.filter((k) => c[k] !== undefined);
  const unknown = Object.keys(c).filter((k) => !ORDER.includes(k));
  return Object.fromEntries([...known, ...unknown].map((k) => [k, c[k]]));
}

// Task numbers stay numbers (`15: ...`, not `"15": ...`), number lists stay on one line, and every string is quoted so
// that no YAML 1.1 reader takes a message like `no` or `yes` for a boolean.
function toYaml(cases) {
  const numbered = (map) => map && new Map(Object.entries(map).map(([k, v]) => [Number(k), v]));
  const doc = new Document({
    default_setup: DEFAULT_SETUP,
    cases: cases.map((c) => ({ ...c, describe: numbered(c.describe), rename: numbered(c.rename) })),
  });
  visit(doc, {
    Pair(_, pair) {
      if (["done", "open", "remove"].includes(pair.key?.value) && isSeq(pair.value)) pair.value.flow = true;
    },
  });
  return doc.toString({
    lineWidth: 0,
    flowCollectionPadding: false,
    defaultStringType: "QUOTE_DOUBLE",
    defaultKeyType: "PLAIN",
  });
}

function problems(c, defaultSetup) {
  const out = [];
  const bad = (msg) => out.push(`${c.id}: ${msg}`);
  for (const k of Object.keys(c)) if (!ORDER.includes(k)) bad(`unknown key "${k}"`);
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
  if (c.reply)
    try {
      new RegExp(c.reply, "i");
    } catch {
      bad(`reply is not a regex: ${c.reply}`);
    }
  return out;
}

function report(cases) {
  const count = (key) => {
    const rows = {};
    for (const c of cases) (rows[c[key]] ??= { tune: 0, "locked-test": 0 })[partOf(c.id)]++;
    return rows;
  };
  const errors = [];
  for (const [key, all] of [
    ["category", CATEGORIES],
    ["lang", LANGS],
  ]) {
    const rows = count(key);
    console.log(`\n| ${key} | tune | locked-test | total |\n|---|---:|---:|---:|`);
    for (const name of all) {
      const r = rows[name] ?? { tune: 0, "locked-test": 0 };
      console.log(`| ${name} | ${r.tune} | ${r["locked-test"]} | ${r.tune + r["locked-test"]} |`);
      if (!r.tune || !r["locked-test"]) errors.push(`${key} ${name} is missing from a part`);
    }
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
  const t = cases.filter((c) => partOf(c.id) === "tune").length;
  console.log(`\ntotal: ${cases.length} (tune ${t}, locked-test ${cases.length - t})`);
  return errors;
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
  return errors;
}

const draftDir = process.argv[2];
let cases;
let defaultSetup = DEFAULT_SETUP;
if (draftDir) {
  cases = readdirSync(draftDir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .flatMap((file) => {
      const doc = parse(readFileSync(join(draftDir, file), "utf8"));
      return doc.cases.map((raw, i) => expand(doc.category, raw, i));
    });
} else {
  cases = Object.entries(PARTS).flatMap(([part, file]) => {
    const doc = parse(readFileSync(join(here, file), "utf8"));
    defaultSetup = doc.default_setup;
    return doc.cases.map((c) => (partOf(c.id) === part ? c : { ...c, id: `${c.id} (in the wrong part)` }));
  });
}
const errors = [...validate(cases, defaultSetup), ...report(cases)];
if (errors.length) {
  console.error(errors.join("\n"));
  process.exit(1);
}
if (draftDir) {
  for (const [part, file] of Object.entries(PARTS)) {
    const path = join(here, file);
    const text = toYaml(cases.filter((c) => partOf(c.id) === part));
    // In the repository's own style, so `npm run lint` (prettier --check) passes on the generated files.
    writeFileSync(path, await format(text, { ...(await resolveConfig(path)), filepath: path }));
  }
}
