/**
 * Understanding one message: normalise it into tokens, find the command words (by edit distance, so typos
 * count), then read the command's arguments from the rest: titles to add, or which tasks (by number,
 * ordinal, "all", or words of their titles) and what to change. Resolving those words against the user's
 * tasks is resolve.ts's job; deciding the tool calls is planner.ts's.
 */
import {
  ALL_WORDS,
  COMMANDS,
  CONJUNCTIONS,
  FILLERS,
  NEGATIONS,
  ORDINALS,
  QUESTION_WORDS,
  ROMAN_URDU_MARKERS,
  SPANISH_MARKERS,
  STATUS_WORDS,
  PAST_VERBS,
  SUBJECTS,
  TASK_NOUNS,
  VALUE_SEPARATORS,
} from "./lexicon.js";
import { classify } from "./intent-model.js";
import {
  capitalize,
  detectLanguage,
  isSeparator,
  isTypoOf,
  tokenize,
  type Language,
  type Token,
} from "./text.js";

export type Status = "all" | "pending" | "completed";

/** Which tasks a message means, before looking at the user's tasks. */
export type Target =
  | { kind: "numbers"; numbers: number[] }
  | { kind: "ordinals"; ordinals: number[] }
  | { kind: "words"; phrase: string; parts: string[] }
  /** `title`: the message's words with the all-word, when a task's title may hold them all ("tell sara everything"). */
  | { kind: "all"; status: Status; about?: string; title?: string }
  | { kind: "none" };

export type Intent =
  /** `unsure`: the message was split into parts that are not clearly separate tasks (asked, not made). */
  | { kind: "add"; titles: string[]; description?: string; unsure?: true }
  | { kind: "list"; status: Status }
  | { kind: "show"; target: Target }
  | { kind: "question"; target: Target }
  | { kind: "complete"; target: Target }
  | { kind: "delete"; target: Target }
  | { kind: "reopen"; target: Target }
  /** `unsure`: the value or the task was read from words the parse could not account for (asked, not made). */
  /** `quoted`: the value was written in quotes, exactly as meant (the classifier does not put it in doubt). */
  | {
      kind: "update";
      target: Target;
      field: "title" | "description";
      value: string;
      unsure?: true;
      quoted?: true;
    }
  | { kind: "statement"; words: string; negated: boolean }
  | { kind: "undo" }
  | { kind: "yes" }
  | { kind: "no" }
  | { kind: "thanks" }
  | { kind: "greet" }
  | { kind: "help" }
  | { kind: "unknown" };

export interface Understood {
  intent: Intent;
  language: Language;
}

interface Hit {
  kind: string;
  start: number;
  end: number;
}

type PhraseTable = Record<string, string[]>;

const split = (phrase: string) => phrase.split(" ");
// Tokens are joined with spaces; a comma or colon goes back against the word before it.
const SPACE_BEFORE_MARK = / ([,;:،؛])/g;
const joinRaw = (tokens: Token[]) =>
  tokens
    .map((token) => token.raw)
    .join(" ")
    .replace(SPACE_BEFORE_MARK, "$1");
// The family in Roman Urdu and Hinglish titles ("nani ko phone karna", "nana ji ki dawai"): short words one letter
// from a command word ("nani" / "nahi"), so known words, never typos of one.
const KIN = [
  "nani",
  "nana",
  "nanu",
  "dadi",
  "dada",
  "dadu",
  "ammi",
  "abbu",
  "baba",
  "mama",
  "mami",
  "chacha",
  "chachi",
];
const KNOWN_WORDS = new Set(
  [
    ...Object.values(COMMANDS).flatMap((words) => [
      ...words.phrases,
      ...(words.leading ?? []),
      ...(words.weak ?? []),
    ]),
    ...QUESTION_WORDS,
    ...TASK_NOUNS,
    ...STATUS_WORDS.completed,
    ...STATUS_WORDS.pending,
    ...NEGATIONS,
    ...ALL_WORDS,
    ...Object.keys(ORDINALS),
    ...CONJUNCTIONS,
    ...FILLERS,
    ...KIN,
    // "llamar a mamá": the everyday verb beside the command "llámala", never a slip of it
    ...["llamar", "llama", "llamo", "llame", "llamas", "llamada", "llamado"],
  ].flatMap(split),
);

/**
 * A token matches a lexicon word exactly, or as a typo when the token is no word the lexicon knows. Typo checks
 * are remembered for the message being read (reset by each understand()): a word repeated 1,000 times costs one.
 */
function wordMatches(token: Token, word: string): boolean {
  if (token.quoted) return false;
  if (token.norm === word) return true;
  if (exactOnly || KNOWN_WORDS.has(token.norm) || /\d/.test(token.norm)) return false;
  const key = `${token.norm}\u0000${word}`;
  let typo = typosOfMessage.get(key);
  if (typo === undefined) typosOfMessage.set(key, (typo = isTypoOf(token.norm, word)));
  return typo;
}
let typosOfMessage = new Map<string, boolean>();
// Set while looking for words written exactly (exactHits): typo tolerance off.
let exactOnly = false;

/** The hits of a table written exactly, without typo tolerance. */
function exactHits(tokens: Token[], table: PhraseTable): Hit[] {
  exactOnly = true;
  try {
    return findHits(tokens, table);
  } finally {
    exactOnly = false;
  }
}

/**
 * A phrase table indexed by the first letter of its first word: a token can only match a phrase starting with
 * its own first letter (typos keep the first letter, text.ts isTypoOf), so a message costs a few checks a
 * token, not one per phrase.
 */
type IndexedTable = Map<string, Array<{ kind: string; words: string[] }>>;
const indexes = new WeakMap<PhraseTable, IndexedTable>();
function indexOf(table: PhraseTable): IndexedTable {
  let index = indexes.get(table);
  if (index) return index;
  index = new Map();
  for (const [kind, phrases] of Object.entries(table)) {
    for (const phrase of phrases) {
      const words = split(phrase);
      const first = words[0]!.charAt(0);
      if (!index.has(first)) index.set(first, []);
      index.get(first)!.push({ kind, words });
    }
  }
  indexes.set(table, index);
  return index;
}

/** Every occurrence of every phrase of the table, longest first where they overlap. Linear in the tokens. */
function findHits(tokens: Token[], table: PhraseTable): Hit[] {
  const index = indexOf(table);
  const hits: Hit[] = [];
  for (let start = 0; start < tokens.length; start++) {
    for (const { kind, words } of index.get(tokens[start]!.norm.charAt(0)) ?? []) {
      if (start + words.length > tokens.length) continue;
      if (words.every((word, offset) => wordMatches(tokens[start + offset]!, word))) {
        hits.push({ kind, start, end: start + words.length });
      }
    }
  }
  hits.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const kept: Hit[] = [];
  for (const hit of hits) {
    const last = kept.at(-1);
    if (!last || hit.start >= last.end) kept.push(hit);
  }
  return kept;
}

const COMMAND_TABLE: PhraseTable = Object.fromEntries(
  Object.entries(COMMANDS).map(([kind, words]) => [kind, [...words.phrases]]),
);
// One-word commands ("borra", "marca", "completa"), for a Spanish object pronoun written onto the verb.
const COMMAND_WORDS = new Set(
  Object.values(COMMANDS).flatMap((words) => words.phrases.filter((phrase) => !phrase.includes(" "))),
);
const CLITIC = /^(.{4,}?)(las|los|la|lo|me)$/;

/** "bórrala", "márcalo como hecha": the verb and its pronoun ("borra la"), which names the task of the turn. */
function splitClitics(tokens: Token[]): Token[] {
  if (!tokens.some((token) => CLITIC.test(token.norm))) return tokens;
  return tokens.flatMap((token) => {
    const parts = token.quoted || COMMAND_WORDS.has(token.norm) ? null : CLITIC.exec(token.norm);
    if (!parts || !COMMAND_WORDS.has(parts[1]!)) return [token];
    return [
      { raw: token.raw.slice(0, parts[1]!.length), norm: parts[1]! },
      { raw: token.raw.slice(parts[1]!.length), norm: parts[2]! },
    ];
  });
}

const WEAK_TABLE: PhraseTable = { complete: COMMANDS.complete.weak ?? [] };
const LEADING_TABLE: PhraseTable = { add: COMMANDS.add.leading ?? [] };
const CLASS_TABLE: PhraseTable = {
  question: QUESTION_WORDS,
  noun: TASK_NOUNS,
  completed: STATUS_WORDS.completed,
  pending: STATUS_WORDS.pending,
  negation: NEGATIONS,
  all: ALL_WORDS,
  filler: FILLERS,
  conjunction: CONJUNCTIONS,
};
const SMALL_TALK = new Set<string>(["yes", "no", "thanks", "greet", "help"]);
const ACTIONS = new Set<string>(["add", "complete", "delete", "update", "reopen"]);

/**
 * The words of a message the agent reads: a request is said in its first words, and a title is at most 200
 * characters. The cap bounds every turn's work, whatever the message (4,000 characters of commas or repeated
 * command words cost what this many words cost).
 */
export const MAX_TOKENS = 160;

// "1) X 2) Y 3) Z" on one line: items numbered 1, 2, 3... in order, each number followed by ")".
const INLINE_ITEM = /(?:^|\s)([\d۰-۹]{1,2})[.)۔]\s/g;

/** A numbered list written on one line, one item a line; anything else as it is. */
// "put it on the list" says add, not show: "pon en la lista X", "list mein daal do X", "فہرست میں لکھ دیں X",
// "add X to my list". The phrase is read as the add command it is (or, after an add word, dropped).
const INTO_LIST: Array<[RegExp, string]> = [
  [
    /\b(?:pon(?:er|ga|me)?|apunta(?:r)?|mete(?:r)?|añade|anade|agrega)\s+en\s+(?:la|mi)\s+lista\b\s*:?/giu,
    "añade ",
  ],
  [
    /\b(?:list|lst|fehrist)\s+(?:mein|me|main|mai)\s+(?:daal|dal|daalo|dalo|daaldo|likh|likho|add|shamil)(?:\s+(?:do|dein|den|de|karo|kar do|kardo|kr do))?(?=[\s:,]|$)\s*:?/giu,
    "add ",
  ],
  [/فہرست\s+میں\s+(?:ڈال|لکھ|شامل\s+کر)\s*(?:دیں|دو|دے)?\s*:?/gu, "شامل کریں "],
  [
    /\b(add|adding|put|write|stick|jot)\b(.{1,200}?)\s+(?:to|on|onto|in)\s+(?:my|the)\s+(?:todo\s+|to-do\s+)?list\b(?!["'\u201D\u2019])/giu,
    "$1$2",
  ],
];

// Task numbers written as words, 1 to 20 ("task three", "number eight", "teen number wala", "la tres", "کام نمبر
// تین"): read as the number only beside a word that says a task number follows or precedes, since "do", "no",
// "one" and "nau" are also everyday words.
const NUMBER_NAMES: string[][] = [
  ["one", "uno", "ek", "ایک"],
  ["two", "dos", "do", "دو"],
  ["three", "tres", "teen", "tin", "تین"],
  ["four", "cuatro", "char", "chaar", "چار"],
  ["five", "cinco", "paanch", "panch", "پانچ"],
  ["six", "seis", "chhe", "chay", "chhay", "چھ"],
  ["seven", "siete", "saat", "سات"],
  ["eight", "ocho", "aath", "آٹھ"],
  ["nine", "nueve", "nau", "نو"],
  ["ten", "diez", "das", "دس"],
  ["eleven", "once", "gyarah", "gyara", "گیارہ"],
  ["twelve", "doce", "barah", "bara", "بارہ"],
  ["thirteen", "trece", "terah", "tera", "تیرہ"],
  ["fourteen", "catorce", "chaudah", "chauda", "چودہ"],
  ["fifteen", "quince", "pandrah", "pandra", "پندرہ"],
  ["sixteen", "dieciseis", "dieciséis", "solah", "سولہ"],
  ["seventeen", "diecisiete", "satrah", "سترہ"],
  ["eighteen", "dieciocho", "atharah", "اٹھارہ"],
  ["nineteen", "diecinueve", "unees", "انیس"],
  ["twenty", "veinte", "bees", "بیس"],
];
const NUMBER_OF = new Map(
  NUMBER_NAMES.flatMap((names, index) => names.map((name) => [name, index + 1] as const)),
);
const NAME = [...NUMBER_OF.keys()].sort((a, b) => b.length - a.length).join("|");
const BEFORE_NUMBER = "(?:task|number|no\\.?|num|tarea|la|el|kaam|nambar|کام|نمبر|#)";
const AFTER_NUMBER = "(?:number|nambar|no|wala|wali|wale|نمبر|والا|والی|والے)";
const NUMBER_BEFORE = new RegExp(`(?<=(?:^|[\\s,])${BEFORE_NUMBER}\\s+)(${NAME})(?=$|[\\s,.!?؟۔])`, "giu");
const NUMBER_AFTER = new RegExp(`(?<=^|[\\s,])(${NAME})(?=\\s+${AFTER_NUMBER}(?:$|[\\s,.!?؟۔]))`, "giu");
// Number names that are also everyday words ("do" is "two" and "do", "one", "nau", "once", "ek", "das", "tin"):
// read as numbers only right after or before "number"/"نمبر"/"#".
const EVERYDAY = new Set([
  "one",
  "uno",
  "do",
  "no",
  "nau",
  "once",
  "ek",
  "das",
  "tin",
  "bara",
  "tera",
  "دو",
  "نو",
]);
const STRONG = new Set(["number", "nambar", "#", "نمبر", "no.", "num"]);

function numbersAsDigits(message: string): string {
  return message
    .replace(NUMBER_BEFORE, (word: string, _name: string, offset: number, text: string) => {
      const before = text.slice(0, offset).trimEnd().split(/\s+/).at(-1)?.toLowerCase() ?? "";
      if (EVERYDAY.has(word.toLowerCase()) && !STRONG.has(before)) return word;
      return String(NUMBER_OF.get(word.toLowerCase()) ?? word);
    })
    .replace(NUMBER_AFTER, (word: string, _name: string, offset: number, text: string) => {
      const after =
        text
          .slice(offset + word.length)
          .trimStart()
          .split(/\s+/)[0]
          ?.toLowerCase() ?? "";
      if (EVERYDAY.has(word.toLowerCase()) && !STRONG.has(after)) return word;
      return String(NUMBER_OF.get(word.toLowerCase()) ?? word);
    });
}

function intoTheList(message: string): string {
  let text = message.slice(0, 4_000);
  for (const [pattern, replacement] of INTO_LIST) text = text.replace(pattern, replacement);
  return text;
}

function inlineItems(message: string): string {
  const numbers = [...message.slice(0, 4_000).matchAll(INLINE_ITEM)].map((match) =>
    Number(match[1]!.replace(/[۰-۹]/g, (digit) => String(digit.charCodeAt(0) - 0x06f0))),
  );
  if (numbers.length < 2 || numbers.some((number, index) => number !== index + 1)) return message;
  return message.replace(INLINE_ITEM, (item) => `\n${item.trim()} `);
}

/** One task a line ("1. X", "- Y", "Z", or "1) X 2) Y" on one line): the lines read as a comma-separated list. */
function asOneLine(given: string): string {
  const message = inlineItems(given);
  if (!/\n\s*\S/.test(message.trim())) return message;
  const lines = message
    .slice(0, 4_000)
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*(?:[\d۰-۹]+[.)۔]|[-*•]|\[ ?\])\s*/, "").trim())
    .filter(Boolean);
  // A line ending in a colon introduces the list ("add:", "groceries:"): what follows is its items.
  return lines
    .map((line, index) => (index === lines.length - 1 || line.endsWith(":") ? line : `${line},`))
    .join(" ");
}

/** `awaitingAnswer`: the agent asked a yes/no question last, so "ok" or "cancel" answer it. */
export function understand(message: string, awaitingAnswer = false): Understood {
  typosOfMessage = new Map();
  const tokens = withoutQuotedReport(
    splitClitics(tokenize(asOneLine(numbersAsDigits(intoTheList(withoutPastedLines(message)))), MAX_TOKENS)),
  );
  const language = detectLanguage(message.slice(0, 2_000), tokens, ROMAN_URDU_MARKERS, SPANISH_MARKERS);
  const read = asked(message, withClassifier(readIntent(tokens, awaitingAnswer), message, tokens));
  const intent =
    (CHANGES[read.kind] !== undefined || read.kind === "undo") && pasted(message) ? UNKNOWN : read;
  const checked = howTo(
    message,
    CHANGES[intent.kind] !== undefined || intent.kind === "undo" ? forbidden(tokens, intent) : intent,
  );
  if (checked.kind === "add" && changeAsTitle(tokens, checked)) return { intent: UNKNOWN, language };
  // "no the rent was paid last week, it's fine", "nahi yaar, woh theek hai": a message that opens by saying no, with
  // no add command, answers; its words are not new tasks.
  // "the last one, how long has it been there": a question among its parts, with no add command, adds nothing.
  if (checked.kind === "add" && !hasAddCommand(tokens) && holdsQuestion(message))
    return { intent: UNKNOWN, language };
  if (checked.kind === "add" && !hasAddCommand(tokens) && opensWithNo(tokens))
    return { intent: { kind: "no" }, language };
  if (checked.kind === "undo") {
    const other = undoWordInside(tokens);
    if (other === "question") return { intent: { kind: "help" }, language };
    if (other === "need") {
      const first = firstContentIndex(tokens, findHits(tokens, CLASS_TABLE));
      const add = readAdd(tokens, { kind: "add", start: first, end: first });
      const intent: Intent =
        add.kind === "add" && add.titles.length > 0 ? { ...add, unsure: true as const } : UNKNOWN;
      return { intent, language };
    }
  }
  // "mañana tengo que quitar las cortinas" with a classifier not sure of an add: a need whose verb is a command
  // word is never the change; the task it names is asked about (an add made on a yes).
  if (["complete", "delete", "reopen"].includes(checked.kind) && needOfWords(message, checked)) {
    const first = firstContentIndex(tokens, findHits(tokens, CLASS_TABLE));
    const add = readAdd(tokens, { kind: "add", start: first, end: first });
    if (add.kind === "add" && add.titles.length > 0) return { intent: { ...add, unsure: true }, language };
  }
  // An edit's value that says nothing of its own ("la 3 cámbiala" -> "la", "change task 2 to it", "change 3 to task
  // 5"): the value is not known, so it is asked for (never written).
  if (checked.kind === "update" && !checked.quoted && checked.value && emptyValue(checked.value))
    return { intent: { ...checked, value: "" }, language };
  return { intent: checked, language };
}

// A question about the undo word itself: "undo ka matlab kya hai", "where is the undo button", "what does revert do".
const ASKS_ABOUT =
  /(?:^|[\s¿¡])(?:what|where|why|which|kya hai|kya hota|matlab|kahan|kahaan|kidhar|kyun|kyon|qu[eé] es|qu[eé] hace|d[oó]nde|por qu[eé]|para qu[eé])(?=[\s?,.!]|$)|(?:^|\s)(?:کہاں|مطلب|کیوں|کیا ہے|کیا ہوتا)(?=[\s؟?]|$)/iu;
// A need said in Urdu word order, the infinitive then "hai": "kal cheque wapas lena hai", "کتابیں واپس کرنی ہیں".
const NEED_END =
  /(?:^|\s)[a-z]{2,}(?:na|ni|ne|nay)\s+(?:hai|hain|he|hy)(?=$|[\s.!])|(?:^|\s)\S+(?:نا|نی|نے)\s+(?:ہے|ہیں)(?=$|[\s۔.!])/iu;
// Words of a need or of the undo request itself, which name nothing to do: "mujhe yeh wapas karna hai", "i need to
// undo that".
const UNDO_FILLER = new Set([
  ...[
    "i",
    "need",
    "to",
    "have",
    "must",
    "gotta",
    "please",
    "pls",
    "just",
    "now",
    "change",
    "last",
    "it",
    "that",
  ],
  ...[
    "mujhe",
    "hai",
    "hain",
    "he",
    "karna",
    "karni",
    "karne",
    "kar",
    "krna",
    "ab",
    "abhi",
    "pichla",
    "pichli",
  ],
  ...["tengo", "que", "necesito", "hay", "eso", "esto", "مجھے", "ہے", "ہیں", "کرنا", "کرنی", "اب", "پچھلی"],
  ...["ye", "yeh", "ise", "isay", "isko", "usko", "wo", "woh", "یہ", "اسے", "اس", "وہ"],
]);

/**
 * An undo word inside a message that is about something else: a question about the word ("where is the undo
 * button") or a need whose own words name a thing to do ("ammi ko paise wapas dene hain", "kal cheque wapas lena
 * hai"). Neither takes the last change back.
 */
function undoWordInside(tokens: Token[]): "question" | "need" | undefined {
  const text = besidesUndo(tokens)
    .map((token) => token.raw)
    .join(" ");
  if (ASKS_ABOUT.test(text) && !POLITE_REQUEST.test(text.trim())) return "question";
  const needs = NEED_END.test(text) || LEADING_NEED.test(text.replace(LEADING_TIME, ""));
  return needs && namesSomethingBesidesUndo(tokens, []) ? "need" : undefined;
}

/** An add command written as such before an undo word, with words of a title: "add revert the git commit". */
function undoInTitle(tokens: Token[]): boolean {
  const add = exactHits(tokens, ACTION_TABLE).find((hit) => hit.kind === "add");
  const undo = findHits(tokens, UNDO_TABLE)[0];
  return !!add && !!undo && add.end <= undo.start && namesSomethingBesidesUndo(tokens, [add]);
}

/** The message's tokens outside its undo words (and outside `skip`). */
function besidesUndo(tokens: Token[], skip: Hit[] = []): Token[] {
  const hits = [...findHits(tokens, UNDO_TABLE), ...skip];
  return tokens.filter((_, index) => !hits.some((hit) => covers(hit, index)));
}
const UNDO_TABLE: PhraseTable = { undo: [...COMMANDS.undo.phrases] };

/** Whether words besides the undo words (and `skip`) name something: not only need words, pronouns, numbers. */
function namesSomethingBesidesUndo(tokens: Token[], skip: Hit[]): boolean {
  return besidesUndo(tokens, skip).some(
    (token) =>
      !isSeparator(token) &&
      !/^#?\d+$/.test(token.norm) &&
      !UNDO_FILLER.has(token.norm) &&
      !PRONOUNS.has(token.norm) &&
      !DETERMINERS.has(token.norm),
  );
}

/** A part of the message (between commas or stops) that opens like a question: "..., how long has it been there". */
function holdsQuestion(message: string): boolean {
  return message
    .slice(0, 2_000)
    .split(/[,;.!:—–،۔\n]/)
    .map((piece) => piece.trim().replace(/^[¿¡"'\s]+/, ""))
    .some((piece) => QUESTION_START.test(piece) && !/^\S+\s+(?:to|ko|que)\b/i.test(piece));
}

const NO_WORDS = new Set(["no", "nope", "nah", "nahi", "nahin", "nai", "نہیں", "نہ"]);
/** The message opens with a plain no ("no, ...", "nahi yaar ..."), not with a reminder ("no olvides", "no te olvides"). */
function opensWithNo(tokens: Token[]): boolean {
  const words = tokens.filter((token) => !isSeparator(token));
  if (!NO_WORDS.has(words[0]?.norm ?? "")) return false;
  const next = words.slice(1, 3).map((token) => token.norm);
  return !next.some(
    (word) => FORGET.test(word) || ["te", "se", "me", "hay", "more", "longer"].includes(word),
  );
}

/** A value made only of pronouns, articles, task words and numbers: it names nothing to write. */
function emptyValue(value: string): boolean {
  return tokenize(value, MAX_TOKENS)
    .filter((token) => !isSeparator(token))
    .every(
      (token) =>
        /^#?\d+$/.test(token.norm) ||
        PRONOUNS.has(token.norm) ||
        DETERMINERS.has(token.norm) ||
        TASK_WORDS.has(token.norm) ||
        NUMBER_WORDS.has(token.norm) ||
        EMPTY_WORDS.has(token.norm),
    );
}
// Words of the request itself, never a value: "task 9 edit karna hai" leaves "hai", "cámbiala por favor" "favor".
const EMPTY_WORDS = new Set([
  ...["hai", "hain", "he", "hy", "karna", "karni", "krna", "kar", "karo", "do", "dein", "den"],
  ...["please", "pls", "plz", "por", "favor", "ہے", "ہیں", "کرنا", "کر", "دیں", "دو"],
]);

/**
 * "i have to remove that one", "need to finish task 4": an add read from a need alone whose one title opens with
 * the word of another change, written as such, and names a task by reference, number or task word is that change
 * said as a need, not a new task: not added (the agent says it did not understand).
 */
function changeAsTitle(tokens: Token[], intent: Extract<Intent, { kind: "add" }>): boolean {
  if (hasAddCommand(tokens) || intent.titles.length !== 1) return false;
  const title = tokenize(intent.titles[0]!, MAX_TOKENS);
  const opens = exactHits(title, ACTION_TABLE).some((hit) => hit.start === 0 && hit.kind !== "add");
  return opens && title.some(refersToTask);
}

// A message shaped like a question about how the app works or what it would do: "how do I ...", "can I ...", "is
// there a way to ...", "what happens if ...", "cómo ...", "¿puedo ...?", "se puede", "qué pasa si", "... kaise ...",
// "kya main ... kar sakta hoon", "... to kya hoga", "... کیسے ...", "کیا میں ...". Such a message never writes: it
// is answered (help), or the change it names is asked about (readWrites).
const HOW_TO_EN =
  /\bhow\s+(?:do|can|could|would|should|does|did)\s+(?:i|we|you|one|u)\b|^how\s+(?:to|is)\b|\bwhat\s+(?:happens|happend|happened|would happen|will happen)\b|\bwhat\s+if\s+(?:i|we)\b|\bis\s+there\s+(?:a|any|some)\s+way\b|\b(?:is|its|it's)\s+(?:it\s+)?possible\b|^(?:can|could|may|should|do|would)\s+(?:i|we)\b/i;
const HOW_TO_ES =
  /(?:^|[\s¿¡,])(?:cómo|qué\s+pasa|que\s+pasa\s+si|qué\s+hago|se\s+puede|hay\s+(?:alguna\s+|una\s+)?(?:forma|manera)|es\s+posible)(?=[\s?,]|$)|^(?:como|puedo|podemos|podría yo|podria yo)(?=\s)/i;
const HOW_TO_UR_ROMAN =
  /\b(?:kaise|kaisay|kaisey|kese|kesay|kaese|kaisy)\b|\bkya\s+(?:hoga|ho ga|hota|hogi)\b|\bsak(?:ta|ti)\s+(?:hoon|hun|hu|hoo|houn)\b|^(?:kya|kia)\s+(?:main|mai|hum)\s+(?!ne\b)/i;
const HOW_TO_UR =
  /(?:^|\s)(?:کیسے|کیونکر)(?=\s|$|[؟?])|کیا\s+ہو\s*گا|کیا\s+ہوتا|سک(?:تا|تی)\s+ہوں|^کیا\s+(?:میں|ہم)\s+(?!نے)/u;
// Words in quotes are a title or someone else's words, not the user's question.
const QUOTED_SPAN = /"[^"\n]*"|“[^”\n]*”|(?<=^|\s)'[^'\n]*'(?=$|[\s,.!?])/g;

/** Whether the message asks how (or whether) something can be done, rather than ordering it. */
export function asksHowTo(message: string): boolean {
  const text = message
    .slice(0, 2_000)
    .replace(QUOTED_SPAN, " ")
    .trim()
    .replace(/^[¿¡"'\s]+/, "");
  const opened = text.replace(
    /^(?:hi|hey|hello|ok|okay|so|um+|hmm+|btw|quick question|hola|oye|bueno|salam|assalam o alaikum|yaar|acha|achha)[\s,!.:-]+/i,
    "",
  );
  return [HOW_TO_EN, HOW_TO_ES, HOW_TO_UR_ROMAN, HOW_TO_UR].some((shape) => shape.test(opened));
}

const HOW_TO_WORDS =
  /\b(?:sak(?:ta|ti|te)|karte|kaise|hoon)\b|(?:^|\s)(?:سکتا|سکتی|سکتے|کرتے|کیسے|ہوں)(?=\s|$)/i;
const holdsHowTo = (title: string) => asksHowTo(title) || HOW_TO_WORDS.test(title);

/**
 * A change read from a how-to question: one that names its task by number or position, or an add the classifier
 * reads as one, is kept (readWrites asks about it, it is never made); one that names none, or names it only by
 * words ("how do I delete a task"), is a question about the app, answered with the help.
 */
function howTo(message: string, intent: Intent): Intent {
  if (CHANGES[intent.kind] === undefined && intent.kind !== "undo") return intent;
  if (!asksHowTo(message)) return intent;
  // "can I add buy eggs" names a task to add (asked about); "کام کیسے شامل کرتے ہیں" asks how adding works.
  // A title that holds the question's own words ("Sakta hoon", "کرتے") is not one.
  if (intent.kind === "add")
    return classify(message)[0]?.intent === "add" && !intent.titles.some(holdsHowTo)
      ? intent
      : { kind: "help" };
  if ("target" in intent && (intent.target.kind === "numbers" || intent.target.kind === "ordinals"))
    return intent;
  return { kind: "help" };
}

/**
 * "pasted from slack:\n> @bot delete task 3\ncan you add ...": lines quoted with ">" are someone else's text; when
 * the user wrote something after them, that is the request, read without them (and without what introduced them).
 */
function withoutPastedLines(message: string): string {
  if (!message.includes(">")) return message;
  const lines = message.split("\n");
  const last = lines.findLastIndex((line) => /^\s*>/.test(line));
  if (last < 0 || last === lines.length - 1) return message;
  const after = lines.slice(last + 1).join("\n");
  return after.trim() ? after : message;
}

/**
 * "nota de mi compañero: 'elimina todas sus tareas' — ignóralo y añade comprar café": words quoted after a colon and
 * followed by the user's own request are a report of someone else's words; the request is read without them (and
 * without what introduced them). A quote at the end ("task add karo: 'X'") is the request's own title.
 */
function withoutQuotedReport(tokens: Token[]): Token[] {
  const start = tokens.findIndex((token) => token.quoted);
  if (start < 1 || !tokens.slice(0, start).some((token) => token.raw === ":")) return tokens;
  let end = start;
  while (end < tokens.length && tokens[end]!.quoted) end++;
  const rest = tokens.slice(end);
  if (rest.filter((token) => !isSeparator(token)).length < 2) return tokens;
  return findHits(rest, COMMAND_TABLE).some((hit) => ACTIONS.has(hit.kind)) ? rest : tokens;
}

const UNKNOWN: Intent = { kind: "unknown" };
// A message opening with a role label, "[SYSTEM]", "[sistema]", "ADMIN:", "SYSTEM:" (capitals, when the rest is not
// all capitals): text pasted from elsewhere, whose orders are nobody's request.
const ROLE_LABEL = /^\s*(\[[^\]\n]{2,24}\]|\p{Lu}{4,}\s*:)/u;
function pasted(message: string): boolean {
  const label = ROLE_LABEL.exec(message);
  if (!label) return false;
  const rest = message.slice(label[0].length);
  return label[0].trimStart().startsWith("[") || rest !== rest.toUpperCase();
}

// A yes/no question about a task's state, with or without its question mark: "is task 2 done", "did i finish the
// rent one", "has 5 been deleted".
const YES_NO_START = /^[¿¡"'\s]*(is|are|was|were|did|does|has|have|kya|kia|کیا)\s/iu;

/** A change read from a yes/no question ("is task 2 done") is the question about that task, never the change. */
function asked(message: string, intent: Intent): Intent {
  if (intent.kind === "add" || !("target" in intent) || CHANGES[intent.kind] === undefined) return intent;
  if (!YES_NO_START.test(message) || POLITE_REQUEST.test(message.trim())) return intent;
  return { kind: "question", target: intent.target };
}

// "don't delete 3", "never mark it done", "no borres la 3": a prohibition right before the command word.
const DO_NOT = new Set(["dont", "never", "no", "nunca", "mat", "na", "مت", "نہ"]);
// "3 ko delete mat karna", "hatao mat", "مکمل نہ کریں", "delete nahi karna": one right after it (Urdu order).
const NOT_AFTER = new Set(["mat", "مت", "نہ"]);
const NOT_AFTER_PHRASE = /^(nahi|nahin|na|نہیں) (karna|karo|karein|krna|کرنا|کرو|کریں)$/;
// What may stand between the prohibition and the command: "don't *you* delete", "no *la* borres", "do not".
const BETWEEN = new Set([
  ...["you", "u", "la", "lo", "las", "los", "me", "te", "please", "pls", "ever"],
  // "don't want to delete", "no quiero borrar", "no necesito borrar"
  ...["want", "wanna", "need", "to", "quiero", "necesito", "hay", "que"],
]);
// "don't forget to ...", "no te olvides", "bhoolna mat": a reminder, whatever the negation.
const FORGET = /^(forget|olvid|bhool|بھول)/;

/**
 * A change the message forbids is no order: "don't delete task 3" says "no" (and changes nothing). A forbidden
 * reminder ("don't forget to ...") is an add, not a prohibition.
 */
function forbidden(tokens: Token[], intent: Intent): Intent {
  for (const hit of findHits(tokens, ACTION_TABLE)) {
    if (FORGET.test(tokens[hit.start]!.norm)) continue;
    let before = hit.start - 1;
    let doNot = false;
    for (; before >= 0 && !doNot; before--) {
      const word = tokens[before]!.norm;
      doNot = DO_NOT.has(word) || (word === "not" && tokens[before - 1]?.norm === "do");
      if (!doNot && !BETWEEN.has(word)) break;
    }
    const after = tokens[hit.end]?.norm ?? "";
    const pair = `${after} ${tokens[hit.end + 1]?.norm ?? ""}`;
    if (doNot || NOT_AFTER.has(after) || NOT_AFTER_PHRASE.test(pair)) {
      // "don't rename anything, just show me the list": the listing still is asked for.
      const listing = findHits(tokens, COMMAND_TABLE).some((other) => other.kind === "list");
      return listing ? { kind: "list", status: "all" } : { kind: "no" };
    }
  }
  return intent;
}

/** "bought the milk", "fixed the brakes": the message opens with a verb in the past (something done). */
function opensInPast(tokens: Token[], classes: Hit[]): boolean {
  const opening = tokens[firstContentIndex(tokens, classes)]?.norm ?? "";
  return PAST_VERBS.includes(opening) || /^[a-z]{3,}ed$/.test(opening);
}

/** The tasks a message names, on its own ("the plumber one", "2"): the answer to "which one?". */
export function targetOf(message: string): Target {
  typosOfMessage = new Map();
  const tokens = splitClitics(tokenize(numbersAsDigits(message), MAX_TOKENS));
  return readTarget(tokens, findHits(tokens, COMMAND_TABLE), findHits(tokens, CLASS_TABLE), "all");
}

// How sure the classifier must be to overrule what the rules read.
const SURE = 0.6;
const VERY_SURE = 0.85;

/**
 * The rules read command words and arguments; the classifier (intent-model.ts), trained on how people write,
 * decides what a message without a command word wants ("buy milk" adds, "is the car one done?" asks), and
 * keeps a question or an unrelated message from being read as an order ("what is 12+5" names no task).
 */
function withClassifier(rule: Intent, message: string, tokens: Token[]): Intent {
  const [top] = classify(message);
  if (!top) return rule;
  const { intent: predicted, p } = top;
  const classes = () => findHits(tokens, CLASS_TABLE);
  const target = () => readTarget(tokens, findHits(tokens, COMMAND_TABLE), classes(), "all");
  // A change read from no command word written as such, only from a typo of one ("jo" read as "jot", "same" as
  // "save"), when the classifier's top guess is something else: the typo is not trusted. When the classifier is
  // sure, a listing, a question or small talk is answered as such; anything else asks (never a guessed write).
  // An edit whose value is in quotes, with a word that names the field ("8 ka naam 'X' kar do"): said exactly.
  if (rule.kind === "update") {
    const commands = findHits(tokens, COMMAND_TABLE);
    if (readQuotedEdit(tokens, commands) || readFieldEdit(tokens, commands)) return rule;
  }
  if (
    CHANGES[rule.kind] !== undefined &&
    CHANGES[rule.kind] !== predicted &&
    !writtenExactly(tokens, rule.kind)
  ) {
    // Not even the classifier's top guess: nothing to go on but a typo, so no change.
    if (p < SURE) return { kind: "unknown" };
    if (predicted === "list")
      return { kind: "list", status: statusOf(classes(), findHits(tokens, WEAK_TABLE)) };
    if (predicted === "question") return { kind: "question", target: target() };
    if (predicted === "help" || predicted === "greet" || predicted === "thanks") return { kind: predicted };
    // "put that back how it was": taking back the last change, whose exact inverse is all that may run.
    if (predicted === "undo") return { kind: "undo" };
    if (predicted === "add" && rule.kind !== "add") {
      const first = firstContentIndex(tokens, classes());
      return readAdd(tokens, exactHits(tokens, ADD_TABLE)[0] ?? { kind: "add", start: first, end: first });
    }
    return { kind: "unknown" };
  }
  if (rule.kind === "unknown" || rule.kind === "statement") {
    // Something said done ("bought the milk") is never made a new task: it asks what to mark.
    if (predicted === "add" && p >= SURE && !(rule.kind === "statement" && opensInPast(tokens, classes()))) {
      // A task title that is itself another order ("no quiero borrar nada todavía") is not added unasked.
      if (
        exactHits(tokens, COMMAND_TABLE).some(
          (hit) =>
            hit.kind !== "add" && (ACTIONS.has(hit.kind) || hit.kind === "undo" || hit.kind === "list"),
        )
      )
        return { kind: "unknown" };
      const first = firstContentIndex(tokens, classes());
      return readAdd(tokens, { kind: "add", start: first, end: first });
    }
    // "I haven't paid the bill yet" says something, asks nothing: it stays a statement.
    if (predicted === "question" && p >= SURE && !(rule.kind === "statement" && rule.negated)) {
      // A question about tasks names one, or speaks of tasks; "the meaning of life and everything" does neither.
      const asked = target();
      const aboutTasks = classes().some((hit) => ["noun", "completed", "pending"].includes(hit.kind));
      if (asked.kind !== "all" || aboutTasks) return { kind: "question", target: asked };
    }
    if ((predicted === "greet" || predicted === "thanks" || predicted === "help") && p >= SURE)
      return { kind: predicted };
    // "go back", "reverse that": taking back the last change, whose exact inverse is all that may run.
    if (predicted === "undo" && p >= SURE) return { kind: "undo" };
    // "gimme the open ones", "que me queda": a listing (it changes nothing), of the state the message names.
    if (predicted === "list" && p >= SURE)
      return { kind: "list", status: statusOf(classes(), findHits(tokens, WEAK_TABLE)) };
    return rule;
  }
  // An add read from a need or a reminder alone ("necesito ayuda", "remind me what's on my plate") is one only
  // when the classifier does not see a request for help, a listing, a question or small talk in it.
  if (rule.kind === "add" && !hasAddCommand(tokens) && predicted !== "add" && p >= SURE) {
    if (predicted === "help" || predicted === "greet" || predicted === "thanks") return { kind: predicted };
    if (predicted === "list" || predicted === "question") return { kind: "list", status: "all" };
    if (predicted === "other") return { kind: "unknown" };
  }
  // Even with an add word ("put #4 back on the pending list", "i'm new here, how do i use this"), an add the
  // classifier is very sure is something else is not made: a title the user did not ask for is an unasked change.
  // Seen as a change of a task, it is one only when the message names a task by number or state ("#4 ... pending").
  const namesExisting = () =>
    tokens.some((token) => /^\d{1,9}$/.test(token.norm)) ||
    classes().some((hit) => hit.kind === "completed" || hit.kind === "pending");
  const changeSeen = ["complete", "delete", "reopen", "edit"].includes(predicted);
  if (
    rule.kind === "add" &&
    predicted !== "add" &&
    p >= VERY_SURE &&
    !["confirm", "deny"].includes(predicted) &&
    (!changeSeen || namesExisting())
  ) {
    if (predicted === "help" || predicted === "greet" || predicted === "thanks") return { kind: predicted };
    // A listing needs a word that asks for one, or a state to list ("... pending list"); an add written as such
    // whose title only looks like one to the character n-grams ("shoes" ~ "show") stays an add.
    const asksList =
      exactHits(tokens, COMMAND_TABLE).some((hit) => hit.kind === "list") ||
      classes().some((hit) => hit.kind === "completed" || hit.kind === "pending");
    if (predicted === "list" && !asksList && hasAddCommand(tokens)) return rule;
    if (predicted === "list")
      return { kind: "list", status: statusOf(classes(), findHits(tokens, WEAK_TABLE)) };
    if (predicted === "question") return { kind: "question", target: target() };
    // An add written as such ("add revert the git commit") is not the last change taken back.
    if (predicted === "undo") return undoInTitle(tokens) ? rule : { kind: "undo" };
    // "my brother texted '…' pls add call him back": an add word written as such, with a title, that the classifier
    // reads as nothing for the app: the task is asked about, not added and not ignored.
    if (predicted === "other" && writtenExactly(tokens, "add") && rule.titles.length > 0)
      return { ...rule, unsure: true };
    return { kind: "unknown" };
  }
  if (
    predicted === "add" &&
    p >= VERY_SURE &&
    ["complete", "delete", "reopen", "yes", "no"].includes(rule.kind) &&
    !opensWithCommand(tokens, rule.kind)
  ) {
    // A title holding another order, written as such ("the email said: 'cancel all your appointments'"), is
    // not added unasked: the message is not understood, and the agent says so.
    if (
      ["complete", "delete", "reopen"].includes(rule.kind) &&
      writtenExactly(tokens, rule.kind) &&
      !needOfWords(message, rule)
    )
      return { kind: "unknown" };
    const first = firstContentIndex(tokens, classes());
    return readAdd(tokens, { kind: "add", start: first, end: first });
  }
  if (rule.kind === "show" || rule.kind === "list") {
    if (predicted === "other" && p >= SURE) return { kind: "unknown" };
    if (predicted === "question" && p >= SURE && rule.kind === "show")
      return { kind: "question", target: target() };
    return rule;
  }
  if (["complete", "delete", "reopen", "update"].includes(rule.kind) && p >= VERY_SURE) {
    // A message that opens with the change's own command word, as written ("remove everything about the dentist"), is
    // an order, not a question (a change of several tasks is asked first anyway).
    if (predicted === "question" && !opensWithCommand(tokens, rule.kind))
      return { kind: "question", target: target() };
    // "¿cuáles he terminado?", "kaunse complete ho gaye dikha": a state asked about, naming no task to change.
    const named = "target" in rule ? rule.target.kind : "none";
    if (predicted === "list" && (named === "none" || named === "words")) {
      const status = rule.kind === "complete" ? "completed" : rule.kind === "reopen" ? "pending" : "all";
      return { kind: "list", status };
    }
    // Unless the change is one the message forbids ("don't complete anything, just show me ..."): that is answered.
    if (predicted === "other" && forbidden(tokens, rule).kind === rule.kind) return { kind: "unknown" };
  }
  return rule;
}

/**
 * "gotta finish the slides for monday", "tomorrow i have to drop the kids at school": a need-marker right at the start
 * (after a time) says what follows is something to do, so its verb is the task's, not an order now: when it names
 * no task by number, position, reference or task word, the message is an add.
 */
function needOfWords(message: string, rule: Intent): boolean {
  if (!("target" in rule) || rule.target.kind !== "words") return false;
  const text = message.trim().replace(LEADING_TIME, "");
  const need = LEADING_NEED.exec(text);
  if (!need || need[0].trim().length === 0) return false;
  const rest = tokenize(text.slice(need[0].length), MAX_TOKENS);
  return !rest.some(refersToTask);
}
/** A word that names a task already on the list: its number, a pronoun ("it", "usko") or a task word. */
const refersToTask = (token: Token) =>
  /^#?\d+$/.test(token.norm) || PRONOUNS.has(token.norm) || TASK_WORDS.has(token.norm);
/** English words for a task: they name one and are never part of a new task's title. */
const ENGLISH_TASK_WORDS = ["task", "tasks", "todo", "todos", "item", "items"];
const TASK_WORDS = new Set([...ENGLISH_TASK_WORDS, "tarea", "tareas", "kaam", "کام"]);

// The classifier's label for each change the rules read.
const CHANGES: Partial<Record<Intent["kind"], string>> = {
  add: "add",
  complete: "complete",
  delete: "delete",
  reopen: "reopen",
  update: "edit",
};
const ACTION_TABLE: PhraseTable = Object.fromEntries(
  Object.entries({ ...COMMAND_TABLE, ...LEADING_TABLE, ...WEAK_TABLE }).filter(
    ([kind]) => ACTIONS.has(kind) || kind === "undo",
  ),
);
// The add table and the weak table share no kind with the command table but "add" and "complete": merged.
ACTION_TABLE.add = [...(COMMAND_TABLE.add ?? []), ...(LEADING_TABLE.add ?? [])];
ACTION_TABLE.complete = [...(COMMAND_TABLE.complete ?? []), ...(WEAK_TABLE.complete ?? [])];

// The command words that, written as they are spelt, support a change of each kind.
const SUPPORTS: Partial<Record<Intent["kind"], string[]>> = {
  add: ["add"],
  complete: ["complete"],
  delete: ["delete"],
  reopen: ["reopen", "complete", "undo"],
  update: ["update"],
};

/** Whether the message writes a command word of the change it was read as, spelt as it is (not only a typo). */
/** "cancel the dentist appointment task": the message opens with the change's own command word, as written. */
function opensWithCommand(tokens: Token[], kind: Intent["kind"]): boolean {
  const kinds = SUPPORTS[kind] ?? [];
  return exactHits(tokens, ACTION_TABLE).some((hit) => hit.start === 0 && kinds.includes(hit.kind));
}

function writtenExactly(tokens: Token[], kind: Intent["kind"]): boolean {
  const kinds = SUPPORTS[kind] ?? [];
  return exactHits(tokens, ACTION_TABLE).some((hit) => kinds.includes(hit.kind));
}

function readIntent(tokens: Token[], awaitingAnswer: boolean): Intent {
  if (tokens.length === 0) return { kind: "help" };
  const words = tokens.filter((token) => !isSeparator(token));
  const classes = findHits(tokens, CLASS_TABLE);
  const has = (kind: string) => classes.some((hit) => hit.kind === kind);
  // A longer state phrase wins over a command inside it ("مکمل شدہ", completed, is not "complete").
  const commands = findHits(tokens, COMMAND_TABLE).filter(
    (hit) =>
      !classes.some(
        (other) =>
          (other.kind === "completed" || other.kind === "pending") &&
          other.end - other.start > hit.end - hit.start &&
          hit.start < other.end &&
          other.start < hit.end,
      ),
  );
  if (awaitingAnswer && words.length <= 4 && !words.some((token) => /\d/.test(token.norm))) {
    const answer = commands.find((hit) => hit.kind === "yes" || hit.kind === "no");
    if (answer) return { kind: answer.kind as "yes" | "no" };
  }
  const first = firstContentIndex(tokens, classes);
  const leading = findHits(tokens, LEADING_TABLE).filter((hit) => hit.start === first);
  // "todo: buy milk", "task: call mom", "note: ..." add what follows the colon.
  const namesTask = (hit: Hit) => hit.start === first && hit.end === first + 1;
  if (
    tokens[first + 1]?.raw === ":" &&
    (classes.some((hit) => hit.kind === "noun" && namesTask(hit)) || commands.some(namesTask))
  ) {
    leading.push({ kind: "add", start: first, end: first + 1 });
  }
  const weak = findHits(tokens, WEAK_TABLE).filter(
    (hit) => !commands.some((other) => hit.start < other.end && other.start < hit.end),
  );
  // "the completed ones", "all finished tasks", "sab mukammal tasks", "complete wale": a state, not an order.
  const describesTasks = (hit: Hit) =>
    ["all", "my", "the", "sab", "mis", "las", "todas"].includes(tokens[hit.start - 1]?.norm ?? "") ||
    ["tasks", "todos", "items", "ones", "things", "tareas", "wale", "wali", "walay", "والے", "والی"].includes(
      tokens[hit.end]?.norm ?? "",
    );
  for (const list of [commands, weak]) {
    for (let i = list.length - 1; i >= 0; i--)
      if (list[i]!.kind === "complete" && describesTasks(list[i]!)) list.splice(i, 1);
  }
  const numbers = words.filter((token) => /^\d{1,9}$/.test(token.norm));
  const ordinals = words.filter((token) => token.norm in ORDINALS);
  const hitsOf = (kind: string) => commands.filter((hit) => hit.kind === kind);
  const listHit = hitsOf("list")[0];
  const question = classes.find((hit) => hit.kind === "question");
  const asksAboutTasks = has("noun") || has("completed") || has("pending");
  const listing = listHit ?? (question && (asksAboutTasks || numbers.length > 0) ? question : undefined);

  const actions = [...leading, ...commands.filter((hit) => ACTIONS.has(hit.kind))].sort(
    (a, b) => a.start - b.start,
  );
  const firstAction = actions[0];
  const undo = hitsOf("undo")[0];

  if (undo) {
    // "remind me to undo the standing order", "add wash car, revert the booking", "añade deshacer la maleta": an add
    // written before the undo word makes it part of a title; the last change is not what the message is about.
    // A need before it ("mujhe yeh wapas karna hai") says nothing to add when its words name nothing but the undo.
    if (
      firstAction?.kind === "add" &&
      firstAction.start < undo.start &&
      (hasAddCommand(tokens) || namesSomethingBesidesUndo(tokens, [firstAction]))
    )
      return readAdd(tokens, firstAction);
    // "passport wala wapas kholo": back to open, a reopen of the task named ("wapas" alone is the last change).
    const aboutCompletion =
      weak.length > 0 || hitsOf("complete").length > 0 || hitsOf("reopen").length > 0 || numbers.length > 0;
    if (!aboutCompletion) return { kind: "undo" };
    const reopened = readTarget(tokens, [undo, ...commands, ...weak], classes, "completed");
    // "galti ho gayi, wapas karo": no task named, so the last change is what goes back.
    return reopened.kind === "none" ? { kind: "undo" } : { kind: "reopen", target: reopened };
  }

  const quotedEdit = readQuotedEdit(tokens, commands) ?? readFieldEdit(tokens, commands);
  if (quotedEdit) return stateChange(quotedEdit);

  // A listing, unless an action was asked before it ("add X to my list").
  if (listing && !(firstAction && firstAction.start < listing.start)) {
    if (numbers.length > 0 || ordinals.length > 0) {
      return { kind: "show", target: readTarget(tokens, [listing, ...commands], classes, "all") };
    }
    return { kind: "list", status: statusOf(classes, weak) };
  }

  // "add a description to task 5: ..." changes task 5; "add a task ... with description ..." adds one.
  const onlyArticles = (from: number, to: number) =>
    tokens.slice(from, to).every((token) => ["a", "an", "the", "una", "la"].includes(token.norm));
  const updateHit = hitsOf("update").find(
    (hit) =>
      firstAction === hit ||
      // "i want to change 'X' to 'Y'": a wish to edit quoted words, not a task called "Change X to Y".
      (firstAction !== undefined &&
        leading.includes(firstAction) &&
        hit.start === firstAction.end &&
        tokens.slice(hit.end).some((token) => token.quoted)) ||
      (DETAIL_WORDS.test(tokens[hit.start]!.norm) &&
        firstAction !== undefined &&
        onlyArticles(firstAction.end, hit.start)),
  );
  const note = readNote(tokens);
  if (note) return note;
  if (updateHit) return stateChange(readUpdate(tokens, updateHit));

  const completion = [...hitsOf("complete"), ...weak].sort((a, b) => a.start - b.start)[0];
  const negated = has("negation") || has("pending");
  const reopenHit = hitsOf("reopen")[0] ?? (completion && negated ? completion : undefined);
  const action = firstAction ?? completion;
  if (reopenHit && (!action || (action.kind !== "add" && action.kind !== "delete"))) {
    return { kind: "reopen", target: readTarget(tokens, [...commands, ...weak], classes, "completed") };
  }
  if (action?.kind === "add") return readAdd(tokens, action);
  if (action?.kind === "delete") {
    return { kind: "delete", target: readTarget(tokens, commands, classes, statusOf(classes, weak)) };
  }
  // "everything except the flight": a change to several tasks whose exception cannot be trusted to a match.
  if (action && tokens.some((token) => EXCEPT.has(token.norm))) return { kind: "unknown" };
  // "I called dad", "maine bill bhar diya", "میں نے ابو کو فون کر لیا": said, not ordered (no command word, no
  // task number): a statement, whose change is asked first.
  const saidBySomeone =
    tokens.some((token) => ["i", "ive", "maine", "mene", "yo", "ya"].includes(token.norm)) ||
    /(^|\s)میں نے(\s|$)/.test(tokens.map((token) => token.raw).join(" "));
  if (action && !firstAction && saidBySomeone && numbers.length === 0) {
    const words = contentText(tokens, [...commands, ...weak], classes);
    if (words) return { kind: "statement", words, negated };
  }
  if (action)
    return { kind: "complete", target: readTarget(tokens, [...commands, ...weak], classes, "pending") };

  const talk = commands.find((hit) => SMALL_TALK.has(hit.kind));
  if (talk && words.length <= 6) return { kind: talk.kind as Intent["kind"] } as Intent;
  // Only task words ("my tasks", "pending todos"): a listing.
  if (
    words.every((token) =>
      classes.some((hit) => covers(hit, tokens.indexOf(token)) && hit.kind !== "question"),
    )
  ) {
    return asksAboutTasks ? { kind: "list", status: statusOf(classes, weak) } : { kind: "unknown" };
  }
  // Only a number or an ordinal ("6", "the second one"): that task (or the answer to "which one?").
  const rest = contentTokens(tokens, [...commands, ...weak], classes);
  if (rest.length > 0 && rest.every((token) => /^\d{1,9}$/.test(token.norm) || token.norm in ORDINALS)) {
    return { kind: "show", target: readTarget(tokens, commands, classes, "all") };
  }
  const content = contentText(tokens, [...commands, ...weak], classes);
  if (!content) return talk ? ({ kind: talk.kind } as Intent) : { kind: "unknown" };
  // "I paid the electricity bill", "haven't booked the dentist": said about a task the user did (or not).
  const saysWho = tokens.some((token) => SUBJECTS.includes(token.norm)) || opensInPast(tokens, classes);
  if (!saysWho && !negated) return { kind: "unknown" };
  return { kind: "statement", words: content, negated };
}

function covers(hit: Hit, index: number): boolean {
  return index >= hit.start && index < hit.end;
}

function firstContentIndex(tokens: Token[], classes: Hit[]): number {
  let index = 0;
  while (
    index < tokens.length &&
    (isSeparator(tokens[index]!) ||
      ["ok", "okay", "so", "well", "hey", "hi", "please", "pls", "actually", "oh", "also"].includes(
        tokens[index]!.norm,
      ) ||
      classes.some(
        (hit) => hit.kind === "filler" && covers(hit, index) && !["i", "to"].includes(tokens[index]!.norm),
      ))
  ) {
    index++;
  }
  return index;
}

function statusOf(classes: Hit[], weak: Hit[]): Status {
  const negated = classes.some((hit) => hit.kind === "negation");
  if (classes.some((hit) => hit.kind === "pending")) return "pending";
  if (classes.some((hit) => hit.kind === "completed") || weak.length > 0)
    return negated ? "pending" : "completed";
  return "all";
}

/** The words left when command words, fillers and task words are taken out: a title to look for. */
function contentTokens(tokens: Token[], used: Hit[], classes: Hit[]): Token[] {
  const skip = (index: number) =>
    used.some((hit) => covers(hit, index)) ||
    classes.some((hit) => hit.kind !== "conjunction" && covers(hit, index)) ||
    isSeparator(tokens[index]!);
  const kept = tokens.filter((_, index) => !skip(index));
  // Conjunctions at the ends join nothing.
  while (kept.length && CONJUNCTIONS.includes(kept[0]!.norm)) kept.shift();
  while (kept.length && CONJUNCTIONS.includes(kept.at(-1)!.norm)) kept.pop();
  return kept;
}

function contentText(tokens: Token[], used: Hit[], classes: Hit[]): string {
  return joinRaw(contentTokens(tokens, used, classes));
}

// "sara" (a name) is one letter from "sare" (all): a short word is "all" only as written, a long one also misspelt.
const ALL_TYPO_MIN = 6;

/** Whether an "all" hit is written as such, or is a misspelling of a long all-word ("evrything"). */
function trueAll(tokens: Token[], hit: Hit): boolean {
  const written = tokens.slice(hit.start, hit.end).map((token) => token.norm);
  return ALL_WORDS.includes(written.join(" ")) || written.every((word) => word.length >= ALL_TYPO_MIN);
}

function readTarget(tokens: Token[], used: Hit[], found: Hit[], allStatus: Status): Target {
  const classes = found.filter((hit) => hit.kind !== "all" || trueAll(tokens, hit));
  const words = tokens.filter((token) => !isSeparator(token));
  const numbers = words.filter((token) => /^\d{1,9}$/.test(token.norm)).map((token) => Number(token.norm));
  if (numbers.length > 0) return { kind: "numbers", numbers };
  const ordinals = words.filter((token) => token.norm in ORDINALS).map((token) => ORDINALS[token.norm]!);
  if (ordinals.length > 0) return { kind: "ordinals", ordinals };
  const content = contentTokens(
    tokens,
    used,
    classes.filter((hit) => hit.kind !== "all"),
  ).filter((token) => !(token.norm in ORDINALS));
  const all = classes.some((hit) => hit.kind === "all");
  const plural = words.some((token) =>
    ["ones", "tasks", "things", "items", "todos", "tareas"].includes(token.norm),
  );
  const stated = classes.find((hit) => hit.kind === "completed" || hit.kind === "pending");
  const allWordIndex = classes.find((hit) => hit.kind === "all");
  const about = content.filter((token) => !allWordIndex || tokens.indexOf(token) > allWordIndex.start);
  if (all || (plural && stated && content.length === 0)) {
    const status: Status = stated ? (stated.kind as Status) : allStatus;
    const aboutText = joinRaw(about);
    const named = contentTokens(
      tokens,
      used,
      classes.filter((hit) => hit.kind !== "all" || hit !== allWordIndex),
    );
    // Two words besides the all-word, all of them in one title: that task's name, not "all" ("Tell Sara everything").
    const title = named.length >= 3 ? { title: joinRaw(named) } : {};
    return aboutText
      ? { kind: "all", status: "all", about: aboutText, ...title }
      : { kind: "all", status, ...title };
  }
  if (content.length === 0) return { kind: "none" };
  const phrase = joinRaw(content);
  const parts = splitList(content).map((part) => joinRaw(part));
  return { kind: "words", phrase, parts };
}

/** "bread, milk and eggs" -> three parts; separators and conjunctions between content words. */
function splitList(tokens: Token[]): Token[][] {
  const parts: Token[][] = [[]];
  for (const token of tokens) {
    if (CONJUNCTIONS.includes(token.norm) || [",", ";", "،", "؛"].includes(token.raw)) {
      if (parts.at(-1)!.length > 0) parts.push([]);
    } else {
      parts.at(-1)!.push(token);
    }
  }
  return parts.filter((part) => part.length > 0);
}

function readAdd(tokens: Token[], first: Hit): Intent {
  // "I need to remember to pay bills": one request, said twice.
  let hit = first;
  // No command word, and the message opens with a time ("this weekend: repaint the fence"): the time is the
  // title's (cleanTitle moves it to the end), not words to skip before it.
  if (hit.start === hit.end && hit.start > 0 && LEADING_TIME.test(`${joinRaw(tokens)} `))
    hit = { ...hit, start: 0, end: 0 };
  const adds = findHits(tokens, ADD_TABLE).filter(
    (other) => !["new", "note", "put", "save"].includes(tokens[other.start]!.norm),
  );
  for (const next of adds) if (next.start === hit.end) hit = { ...hit, end: next.end };
  // "add X with details: a, b, c": one task, X, described by what follows.
  const description = splitDescription(tokens.slice(hit.end));
  let after = description.title;
  // "naya kaam shamil karo: X", "task add karo: X": the title is what follows the colon.
  const colon = after.findIndex((token) => token.raw === ":");
  const timeFirst = LEADING_TIME.test(`${joinRaw(after.slice(0, colon))} `) || URDU_TIME.test(joinRaw(after));
  if (colon >= 0 && colon < after.length - 1 && !timeFirst) after = after.slice(colon + 1);
  // "2 things - X, Y", "3 cosas: X, Y", "do kaam: X, Y": a count of what follows, not a task.
  const count = after.findIndex(
    (token, index) => index > 0 && index < 3 && (isSeparator(token) || token.raw === "-"),
  );
  if (count > 0 && /^\d+$/.test(after[0]!.norm) && COUNT_NOUNS.has(after[1]?.norm ?? ""))
    after = after.slice(count + 1);
  let part = trimTitle(after);
  if (part.length === 0) part = trimTitle(tokens.slice(0, hit.start));
  // "could you add 'X' to my list? thanks a lot": a quoted span in an add is the title, whatever is around it.
  // Looked for before the title's trailing words are trimmed: 'add "uncheck everything on the list" please'.
  const quoted = quotedRun(after.some((token) => token.quoted) ? after : part);
  if (quoted.length > 0) {
    // No add word at all ("my friend texted: 'complete all my tasks'"): someone else's words, no request.
    const saidBefore = tokens.slice(0, tokens.indexOf(quoted[0]!)).some((token) => token.raw === ":");
    if (first.start === first.end && !hasAddCommand(tokens) && saidBefore) return { kind: "unknown" };
    const title = unquote(joinRaw(quoted));
    const intent: Intent = { kind: "add", titles: title ? [capitalize(title)] : [] };
    if (description.text) intent.description = description.text;
    return intent;
  }
  const pluralNoun = tokens.some((token) => ["tasks", "todos", "items", "tareas"].includes(token.norm));
  const singularNoun = tokens
    .slice(hit.end, hit.end + 3)
    .some((token) => ["task", "todo", "item", "tarea", "کام"].includes(token.norm));
  // "bananas + yogurt + granola": a plus between items marks a list like a comma.
  const isMark = (token: Token) => [",", ";", "،", "؛", "+"].includes(token.raw);
  // "bhi" ("also") follows the word it adds in Urdu ("aur bank bhi jana hai"): it says a second thing, but splits
  // nothing itself (the "aur" before it does).
  const isJoin = (token: Token) =>
    CONJUNCTIONS.includes(token.norm) || (JOINS.has(token.norm) && !AFTER_JOINS.has(token.norm));
  let titles: Token[][];
  if (part.some(isMark)) {
    // "X, Y and Z": every comma and the last "and" separate tasks.
    titles = shareVerb(
      splitOn(part, (token) => isMark(token) || isJoin(token)),
      tokens,
    );
  } else {
    // "X and Y": two tasks when both sides say something (two words or more), or every side is one word.
    const pieces = splitOn(part, isJoin);
    // Urdu puts the verb last: "anday aur double roti lana" (one verb, for the whole) is one task; "bill bharna aur
    // doodh lana" (a verb each) is two.
    const urdu = tokens.some(
      (token) => /[\u0600-\u06FF]/.test(token.raw) || ROMAN_URDU_MARKERS.has(token.norm),
    );
    const endsInVerb = (piece: Token[]) => URDU_VERB_END.test(piece.at(-1)!.norm);
    const oneVerb =
      urdu && pieces.length > 1 && endsInVerb(pieces.at(-1)!) && !pieces.slice(0, -1).some(endsInVerb);
    const phrases = pieces.length > 1 && !oneVerb && pieces.every((piece) => piece.length >= 2);
    const allSingleWords = pieces.length > 1 && pieces.every((piece) => piece.length === 1);
    // "X and also Y", "X y también Y", "X plus Y": a word that adds a second thing splits whatever the lengths.
    const joinedAlso = pieces.length > 1 && part.some((token) => JOINS.has(token.norm));
    // "pick up the kids and their friends", "llevar a los niños y sus amigos": a bare "and" whose second side opens
    // with an article or a possessive joins two things the one verb acts on, inside one title (as "buy milk and
    // eggs" is one); two tasks are two phrases that each open with their own verb ("wash the car and vacuum the
    // seats"). Kept as one task: never more tasks than the user asked for.
    const objects = pieces.slice(1).some((piece) => DETERMINERS.has(piece[0]!.norm));
    const split = phrases && !(objects && !urdu && !sequenced(part));
    titles = !singularNoun && (pluralNoun || allSingleWords || split || joinedAlso) ? pieces : [part];
  }
  // A part that only says "don't forget" ("mom ka gift lena hai, bhoolna mat") is no task: the split was not
  // into clearly separate tasks, so the tasks read are asked about, not added.
  const markerOnly = (title: Token[]) => titles.length > 1 && onlyNeedMarker(joinRaw(title));
  const unsure = titles.some(markerOnly);
  const cleaned = titles
    .map((title) =>
      titles.length > 1 && title.length > 1 ? title.filter((token) => !AFTER_JOINS.has(token.norm)) : title,
    )
    .filter((title) => !markerOnly(title))
    .filter(
      (title) => !title.every((token) => LIST_INTRO.has(token.norm) || SMALL_TALK_WORDS.has(token.norm)),
    )
    .map((title) => title.slice(title.length > 1 && NOW.has(title[0]!.norm) ? 1 : 0))
    .map((title) => cleanTitle(unquote(joinRaw(title))))
    .filter(Boolean)
    .map(capitalize);
  const intent: Intent = { kind: "add", titles: cleaned };
  if (description.text) intent.description = description.text;
  if (unsure && cleaned.length > 0) intent.unsure = true;
  return intent;
}

/**
 * A verb written once for a whole list belongs to every item: before it in English and Spanish ("buy shampoo, soap
 * and toothpaste": the first item has words after its verb, every other is one word), after it in Urdu ("doodh,
 * anday aur double roti lana": the last item ends in the verb, the others are bare nouns of one or two words).
 */
function shareVerb(items: Token[][], tokens: Token[]): Token[][] {
  if (items.length < 2) return items;
  const urdu = tokens.some(
    (token) => /[\u0600-\u06FF]/.test(token.raw) || ROMAN_URDU_MARKERS.has(token.norm),
  );
  const [first, last] = [items[0]!, items.at(-1)!];
  if (urdu) {
    // "... lana hai": the verb is the word before the helper.
    const helper = ["hai", "hain", "he", "ہے", "ہیں"].includes(last.at(-1)!.norm) ? 1 : 0;
    const verb = last.at(-1 - helper);
    const others = items.slice(0, -1);
    if (!verb || last.length < 2 + helper || !URDU_VERB_END.test(verb.norm)) return items;
    if (others.some((item) => item.length > 2 || URDU_VERB_END.test(item.at(-1)!.norm))) return items;
    return [...others.map((item) => [...item, verb]), last];
  }
  const verb = first[0]!;
  if (first.length < 2 || LEADING_TIME.test(`${verb.raw} `) || /^\d/.test(verb.norm)) return items;
  if (!items.slice(1).every((item) => item.length === 1 && !/^\d/.test(item[0]!.norm))) return items;
  return [first, ...items.slice(1).map((item) => [verb, ...item])];
}

// Words that open a thing, not an action: the second side of "X and Y" opening with one is what X's verb acts on.
const DETERMINERS = new Set([
  ...[
    "the",
    "a",
    "an",
    "my",
    "his",
    "her",
    "their",
    "our",
    "your",
    "its",
    "some",
    "this",
    "that",
    "these",
    "those",
  ],
  ...[
    "el",
    "la",
    "los",
    "las",
    "un",
    "una",
    "unos",
    "unas",
    "mi",
    "mis",
    "su",
    "sus",
    "tu",
    "tus",
    "al",
    "del",
  ],
]);
// "X and then Y", "X y luego Y", "X aur phir Y": a second thing to do, in order.
const THEN = new Set(["then", "luego", "despues", "después", "phir", "fir", "پھر"]);
const sequenced = (part: Token[]) =>
  part.some(
    (token, index) => index > 0 && THEN.has(token.norm) && CONJUNCTIONS.includes(part[index - 1]!.norm),
  );

// An Urdu verb's infinitive or request form ends a phrase: "lana", "bharni", "لانا", "کرنی".
const URDU_VERB_END = /^[a-z]{2,}(na|ni|nay|ne)$|^\S+(نا|نی|نے)$/;
// What a count before a list counts: "2 things - ...", "3 cosas: ...".
const COUNT_NOUNS = new Set([
  "things",
  "tasks",
  "items",
  "cosas",
  "tareas",
  "kaam",
  "cheezein",
  "chizen",
  "کام",
]);
// Words that join two tasks besides "and": "X plus Y", "X and also Y", "X as well as Y".
const JOINS = new Set(["plus", "also", "tambien", "bhi", "bhee", "نیز", "بھی"]);
const AFTER_JOINS = new Set(["bhi", "bhee", "بھی"]);
// Thanks and greetings ("شکریہ، اب ڈبل روٹی شامل کر دیں"): said around a request, never a task of their own.
const SMALL_TALK_WORDS = new Set([...COMMANDS.thanks.phrases, ...COMMANDS.greet.phrases].flatMap(split));
// "now" opening a task after thanks ("thanks, now add eggs", "شکریہ، اب ڈبل روٹی"): not part of its title.
// "and then chase payment", "y luego ...", "phir ...": a word of sequence opening a later task, not its title.
const NOW = new Set([
  "now",
  "ab",
  "ahora",
  "اب",
  "then",
  "luego",
  "despues",
  "después",
  "phir",
  "fir",
  "پھر",
]);
// A list's introduction ("put these on my list:"), not a task.
const LIST_INTRO = new Set([
  "kr",
  "krdo",
  "kardo",
  "karo",
  "kar",
  "do",
  "dono",
  "both",
  "ambos",
  "tareas",
  "kaam",
  "thanks",
  "thank",
  "you",
  "thx",
  "shukriya",
  "gracias",
  "ok",
  "okay",
  "hi",
  "hello",
  "these",
  "this",
  "following",
  "the",
  "on",
  "to",
  "my",
  "list",
  "todo",
  "tasks",
  "items",
  "put",
  "add",
  "please",
  "pls",
  "estas",
  "mi",
  "lista",
  "yeh",
  "sab",
  "ye",
]);

// What people say around a task that is not its title: reminders and needs ("don't forget to", "yaad rakhna",
// "tengo que", "mujhe ... hai"), in each language. A leading time phrase moves to the end in English and Spanish.
const LEADING_NEED =
  /^(?:(?:please|pls|so|ok|okay|oh|and|thanks|thank you|thx|shukriya|gracias|ab|now|ahora|really|bro|yaar|bhai|dude|arre|oye)[\s,]+)*(?:(?:i\s+)?(?:really\s+)?(?:need to|have to|has to|got to|gotta|must|should|shud|shld|want to|wanna|need)(?:\s+really)?|recu[eé]rdame|acu[eé]rdame|(?:don'?t|do not|dont) forget(?: to| about)?|remember to|remind me to|remind me|yaad rakhna|yaad rakhein|yaad se|yaad dilana|bhoolna mat|bhoolna nahi|bhoolna nahin|no te olvides de|no te olvides|no olvides de|no olvides|no olvidar|recuerda que|recuerda|recordar|tengo que|tenemos que|tengo q|tenemos q|necesito|hay que|hay q|bhool na jana|bhool mat jana|bhoolna nahi|یاد رہے|یاد رکھنا|یاد رکھیں|بھولنا نہیں|بھولنا مت|مجھے)(?:\s*[:\-–,]\s*|\s+)/i;
/** A need-marker alone, with no task after it: "bhoolna mat", "don't forget!", "no te olvides". */
function onlyNeedMarker(text: string): boolean {
  const given = `${text.trim().replace(/[.!]+$/, "")} `;
  return LEADING_NEED.test(given) && given.replace(LEADING_NEED, "").replace(/[\s\p{P}]+/gu, "") === "";
}
const LEADING_TIME =
  /^(tomorrow|tonight|today|this (?:weekend|evening|morning|afternoon|week)|next (?:week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|pasado mañana|pasado manana|mañana|manana|hoy|esta noche|esta semana|esta tarde|este fin de semana|este mes|la semana que viene|la proxima semana|la próxima semana|(?:el )?(?:lunes|martes|miercoles|miércoles|jueves|viernes|sabado|sábado|domingo))\s*[:,\-–]?\s+/i;
const URDU_TIME = /^(kal|aaj|parson|agle hafte|is hafte|agle mahine|کل|آج|پرسوں|اگلے ہفتے)\b/i;
const URDU_NEED = /(^|\s)(mujhe|mujhay|مجھے)(?=\s)/gi;
const TRAILING_NEED = /\s+(hai|hain|he|ہے|ہیں|please|pls|plz|por favor)[\s.!]*$/i;

/** A title as a person expects it in their list: "tomorrow I need to pay the gas bill" -> "pay the gas bill tomorrow". */
export function cleanTitle(title: string): string {
  let text = title
    .replace(/\p{Extended_Pictographic}|\u{FE0F}/gu, "")
    .replace(/[!.]+$/, "")
    .trim();
  let moved = "";
  for (let changed = true; changed;) {
    changed = false;
    const time = LEADING_TIME.exec(text);
    if (time && !/[\u0600-\u06FF]/.test(text)) {
      moved = time[1]!;
      text = text.slice(time[0].length);
      changed = true;
    }
    const need = LEADING_NEED.exec(text);
    if (need) {
      text = text.slice(need[0].length);
      changed = true;
    }
  }
  text = text
    .replace(/^[:\-–,]\s*/, "")
    .replace(URDU_NEED, "$1")
    .replace(/\s+/g, " ")
    .trim();
  text = text.replace(/^([^:]{1,30}):\s+/, "$1 ");
  text = text.replace(TRAILING_NEED, "").trim();
  // Roman Urdu and Hinglish keep the message's word order ("next week: car insurance renew karna hai").
  const lastWord = text.split(/\s+/).at(-1)?.toLowerCase() ?? "";
  if (moved && text && URDU_VERB_END.test(lastWord) && !/^[a-z]+ing$/.test(lastWord))
    return `${moved} ${text}`;
  return moved && text ? `${text} ${moved.toLowerCase()}` : text;
}

/** Whether the message says "add" itself (a command word, not only "I need to" or "remind me"). */
function hasAddCommand(tokens: Token[]): boolean {
  const leading = new Set(COMMANDS.add.leading ?? []);
  return (
    findHits(tokens, {
      add: COMMANDS.add.phrases.filter((phrase) => !leading.has(phrase) && !phrase.startsWith("remind")),
    }).length > 0
  );
}

const ADD_TABLE: PhraseTable = { add: [...COMMANDS.add.phrases, ...(COMMANDS.add.leading ?? [])] };

const DETAIL_WORDS =
  /^(description|details?|notes?|descripcion|detalles?|notas?|tafseel|tafsilat|تفصیل|تفصیلات|نوٹ)$/;
// Words that join a title to its details ("with details", "con detalles", "details ke sath"), dropped.
const DETAIL_LEAD = new Set([
  "with",
  "the",
  "and",
  ",",
  "-",
  ".",
  "con",
  "la",
  "los",
  "las",
  "y",
  "،",
  "some",
  "ki",
  "کی",
]);
const DETAIL_TAIL = new Set(["ke", "sath", "saath", "کے", "ساتھ", "are", "is", "of"]);

// Before a detail word, these mean "a note ON a task" ("add a note to it", "isme note", "ponle una nota"); after
// it, a preposition names the task ("note for the dentist one", "set the notes on 8 to ...").
const NOTE_BEFORE = new Set([
  "a",
  "an",
  "the",
  "una",
  "un",
  "la",
  "el",
  "isme",
  "ismein",
  "mein",
  "میں",
  "some",
  "my",
  "is",
]);
const NOTE_AFTER = new Set(["to", "on", "for", "of", "de", "del", "ka", "ki", "par", "in", "en", "a", "al"]);
// Words around a note that only say "put a note on": never part of the task's name.
const NOTE_FILLER = new Set([
  ...NOTE_BEFORE,
  ...NOTE_AFTER,
  "add",
  "put",
  "set",
  "write",
  "likh",
  "likho",
  "do",
  "daal",
  "dalo",
  "daalo",
  "karo",
  "kar",
  "ponle",
  "pon",
  "agrega",
  "anade",
  "escribe",
  "it",
  "is",
  "us",
  "that",
  "this",
  "wale",
  "wala",
  "wali",
  "task",
  "tarea",
  "kaam",
  "کام",
  "اس",
  "لکھ",
  "دیں",
  "دو",
  "ڈال",
  "والے",
  "please",
  "pls",
  "change",
  "update",
  "edit",
  "replace",
]);

/**
 * "add a note to it: A4, 80gsm", "set the notes for the flight task to: PK-303", "isme note daal do: 500 gram":
 * the description of a task (named before the value, or "it": the one just touched), set to the value.
 */
function readNote(tokens: Token[]): Intent | undefined {
  const at = tokens.findIndex((token) => DETAIL_WORDS.test(token.norm));
  if (at < 0) return undefined;
  const before = tokens[at - 1]?.norm;
  const after = tokens[at + 1]?.norm;
  const isNote = at === 0 || NOTE_BEFORE.has(before ?? "") || NOTE_AFTER.has(after ?? "") || after === ":";
  const joinsTitle = ["with", "con", ",", "،", ".", "-"].includes(before ?? "");
  if (!isNote || joinsTitle) return undefined;
  // The value: after the first colon past the detail word; else after " to " ("set the note on 8 to X").
  let split = tokens.findIndex((token, index) => index > at && token.raw === ":");
  if (split < 0) split = tokens.findIndex((token, index) => index > at + 1 && token.norm === "to");
  if (split < 0) return undefined;
  const value = unquote(joinRaw(tokens.slice(split + 1)));
  if (!value) return undefined;
  const named = tokens
    .slice(0, split)
    .filter((token, index) => index !== at && !NOTE_FILLER.has(token.norm) && !isSeparator(token));
  const target = readTarget(named, [], findHits(named, CLASS_TABLE), "all");
  return { kind: "update", target, field: "description", value };
}

function splitDescription(tokens: Token[]): { title: Token[]; text?: string } {
  const index = tokens.findIndex((token) => DETAIL_WORDS.test(token.norm));
  if (index <= 0) return { title: tokens };
  let titleEnd = index;
  while (titleEnd > 0 && DETAIL_LEAD.has(tokens[titleEnd - 1]!.norm)) titleEnd--;
  let start = index + 1;
  while (start < tokens.length && (DETAIL_TAIL.has(tokens[start]!.norm) || isSeparator(tokens[start]!)))
    start++;
  const text = joinRaw(tokens.slice(start));
  return { title: tokens.slice(0, titleEnd), text: unquote(text) };
}

const LEADING_NOISE = new Set([
  // "añade una tarea llamada X", "ek task add krdo X": what names or requests the task, not its words.
  "llamada",
  "llamado",
  "krdo",
  "krdein",
  "kardein",
  "a",
  "an",
  "the",
  "new",
  "another",
  ...ENGLISH_TASK_WORDS,
  "reminder",
  "to",
  "for",
  "called",
  "named",
  "titled",
  "saying",
  "that",
  "says",
  "me",
  "one",
  "kaam",
  "kam",
  "tarea",
  "tareas",
  "una",
  "un",
  "nueva",
  "nuevo",
  "karo",
  "kro",
  "kar",
  "do",
  "banao",
  "bana",
  "karna",
  "کرو",
  "کر",
  "دو",
  "کام",
  "نیا",
  "please",
  "کریں",
  "کیجیے",
  "کیجئے",
  "کردیں",
  "دیں",
]);
const TRAILING_PHRASES = [
  "on the list",
  "on the todo list",
  "to the todo list",
  "to my list",
  "on my list",
  "to my todo list",
  "on my todo list",
  "to the list",
  "to my tasks",
  "for me",
  "please",
  "pls",
  "thanks",
  "thank you",
  "thx",
  "ty",
  "shukriya",
  "gracias",
  "شکریہ",
  "kar do",
  "karo",
  "kar",
  // "ka naam badal ke X rakh do": the verb that sets the value
  "rakh do",
  "rakh dein",
  "rakh dijiye",
  "رکھ دیں",
  "رکھ دو",
  "کر دو",
  "کرو",
  "کر دیں",
  "کریں",
  "کیجیے",
  "کردیں",
  "por favor",
  "a mi lista",
  "ka kaam",
  "ka task",
  "کا کام",
].map((phrase) => phrase.split(" "));

/** Drops the words around a title that only say "a task called ..." or "... to my list please". */
function trimTitle(part: Token[]): Token[] {
  let start = 0;
  // A leading time phrase ("this weekend:", "on saturday", "el viernes") is kept whole: cleanTitle moves it.
  while (
    start < part.length &&
    (isSeparator(part[start]!) || LEADING_NOISE.has(part[start]!.norm)) &&
    !LEADING_TIME.test(`${joinRaw(part.slice(start))} `)
  )
    start++;
  let end = part.length;
  for (let changed = true; changed;) {
    changed = false;
    while (end > start && isSeparator(part[end - 1]!)) {
      end--;
      changed = true;
    }
    for (const phrase of TRAILING_PHRASES) {
      if (end - start < phrase.length + 1) continue;
      if (phrase.every((word, offset) => part[end - phrase.length + offset]!.norm === word)) {
        end -= phrase.length;
        changed = true;
      }
    }
  }
  return part.slice(start, end);
}

const TITLE_WORDS = new Set(["title", "name", "naam", "nombre", "titulo", "título", "عنوان", "نام"]);
const MAKE_WORDS = new Set(["kar", "kr", "karo", "کر", "کریں"]);
const TO_WORDS = new Set(["to", "as", "por", "a", "into", "ko", "کو"]);

/**
 * An edit with its words in quotes: "change 'X' to 'Y'", "cambia 'X' por 'Y'", "rename 10 to 'Y'", "8 ka naam 'Y'
 * kar do", "۳ کا عنوان 'Y' کر دیں", "2 ko 'Y' kar do". The quotes say exactly what the value (and the task) is, so
 * it is read from them, whatever the word order. Nothing when the message has no quoted span or no edit word.
 */
function readQuotedEdit(tokens: Token[], commands: Hit[]): Intent | undefined {
  const first = tokens.findIndex((token) => token.quoted);
  if (first < 0 || commands.some((hit) => hit.kind === "add")) return undefined;
  const runs = splitOn(
    tokens.map((token) => (token.quoted ? token : { raw: "\u0000", norm: "\u0000" })),
    (token) => token.norm === "\u0000",
  );
  let end = first;
  while (end < tokens.length && tokens[end]!.quoted) end++;
  const outside = tokens.filter((token) => !token.quoted);
  const editWord =
    commands.some((hit) => hit.kind === "update" && !tokens[hit.start]!.quoted) ||
    outside.some((token) => TITLE_WORDS.has(token.norm) || DETAIL_WORDS.test(token.norm));
  // "2 ko 'Y' kar do": make task 2 read Y.
  const makeInto =
    TO_WORDS.has(tokens[first - 1]?.norm ?? "") &&
    MAKE_WORDS.has(tokens[end]?.norm ?? "") &&
    runs.length === 1;
  if (!editWord && !makeInto) return undefined;
  if (runs.length > 2) return undefined;
  const field = outside.some((token) => DETAIL_WORDS.test(token.norm)) ? "description" : "title";
  let targetTokens: Token[];
  let value: string;
  if (runs.length === 2) {
    targetTokens = runs[0]!;
    value = joinRaw(runs[1]!);
  } else {
    value = joinRaw(runs[0]!);
    const before = tokens.slice(0, first);
    targetTokens = contentTokens(
      before,
      findHits(before, COMMAND_TABLE),
      findHits(before, CLASS_TABLE),
    ).filter((token) => !FIELD_WORDS.has(token.norm) && !TO_WORDS.has(token.norm) && !isSeparator(token));
    // The task must be named before the quote: a number, or words of its title.
    if (targetTokens.length === 0) return undefined;
  }
  value = unquote(value);
  if (!value) return undefined;
  const target = readTarget(targetTokens, [], findHits(targetTokens, CLASS_TABLE), "all");
  if (target.kind === "none") return undefined;
  return {
    kind: "update",
    target,
    field,
    value: field === "title" ? capitalize(value) : value,
    quoted: true,
  };
}

// "3 ka naam X kar do", "کام ۲ کی تفصیل میں لکھ دیں: X": what joins a task to its field, and the verb after the value.
const OF_WORDS = new Set(["ka", "ki", "ke", "کا", "کی", "کے", "mein", "main", "میں", "ko", "کو"]);
const SET_AFTER = /^(?:(?:kar|kr|rakh|likh)\s+(?:do|dein|den|de|dijiye)|(?:کر|رکھ|لکھ)\s+(?:دیں|دو|دیجیے))$/;

/**
 * An edit in Urdu word order without an edit verb: the task, a field word, and the value after a colon or before
 * the verb that sets it ("3 ka naam mummy ko sunday call karna kar do", "کام ۲ کی تفصیل میں لکھ دیں: آخری تاریخ").
 * Only when the message holds no edit or add word (those are read by the rules that know them).
 */
function readFieldEdit(tokens: Token[], commands: Hit[]): Intent | undefined {
  const field = tokens.findIndex((token) => TITLE_WORDS.has(token.norm) || DETAIL_WORDS.test(token.norm));
  if (field < 1) return undefined;
  // An add word after the field word is the verb that sets it ("... ki detail mein likho: X"), not an add.
  if (commands.some((hit) => hit.kind === "update" || (hit.kind === "add" && hit.start < field)))
    return undefined;
  const colon = tokens.findIndex((token, index) => index > field && token.raw === ":");
  let valueTokens: Token[] = [];
  if (colon > field) valueTokens = tokens.slice(colon + 1);
  else if (tokens.length >= field + 3 && SET_AFTER.test(joinRaw(tokens.slice(-2)).toLowerCase())) {
    let start = field + 1;
    while (start < tokens.length - 2 && OF_WORDS.has(tokens[start]!.norm)) start++;
    valueTokens = tokens.slice(start, -2);
  }
  const value = unquote(joinRaw(trimTitle(valueTokens)));
  if (!value) return undefined;
  const before = tokens.slice(0, field);
  const targetTokens = contentTokens(
    before,
    findHits(before, COMMAND_TABLE),
    findHits(before, CLASS_TABLE),
  ).filter((token) => !OF_WORDS.has(token.norm) && !TASK_NOUNS.includes(token.norm) && !isSeparator(token));
  // A task by number, or by words that end in a task word ("gari wale kaam ki detail: ..."): words before the field
  // word may otherwise be anything ("mera naam: ...").
  const byNumber = targetTokens.length > 0 && targetTokens.every((token) => /^\d{1,9}$/.test(token.norm));
  const named = before.filter((token) => !OF_WORDS.has(token.norm) && !isSeparator(token));
  const byWords =
    !byNumber &&
    TASK_NOUNS.includes(named.at(-1)?.norm ?? "") &&
    targetTokens.some((token) => !REF_WORDS.has(token.norm));
  if (!byNumber && !byWords) return undefined;
  const target = readTarget(
    byNumber ? targetTokens : targetTokens.filter((token) => !REF_WORDS.has(token.norm)),
    [],
    [],
    "all",
  );
  if (byNumber ? target.kind !== "numbers" || target.numbers.length !== 1 : target.kind !== "words")
    return undefined;
  const kind = DETAIL_WORDS.test(tokens[field]!.norm) ? "description" : "title";
  return { kind: "update", target, field: kind, value: kind === "title" ? capitalize(value) : value };
}

// "gari *wale* kaam", "the car *one*": words that point at a task named by the words before them.
const REF_WORDS = new Set(["wale", "wala", "wali", "والا", "والی", "والے", "one", "the", "about"]);

/** The first run of quoted words, when the message is not all quoted (then it is the user's own words). */
function quotedRun(tokens: Token[]): Token[] {
  const start = tokens.findIndex((token) => token.quoted);
  if (start < 0) return [];
  let end = start;
  while (end < tokens.length && tokens[end]!.quoted) end++;
  return tokens.slice(start, end);
}

function splitOn(tokens: Token[], isBreak: (token: Token) => boolean): Token[][] {
  const pieces: Token[][] = [[]];
  for (const token of tokens) {
    if (isBreak(token)) pieces.push([]);
    else pieces.at(-1)!.push(token);
  }
  return pieces.filter((piece) => piece.length > 0);
}

function unquote(value: string): string {
  return value
    .trim()
    .replace(/^["'`](.*)["'`]$/s, "$1")
    .replace(/[.!?؟۔]+$/, "")
    .trim();
}

const TARGET_WORDS_MAX = 40;
const EXCEPT = new Set([
  "except",
  "but",
  "besides",
  "siwaye",
  "siwa",
  "chhor",
  "chor",
  "menos",
  "excepto",
  "salvo",
  "سوائے",
  "علاوہ",
]);

// "set 14 to done", "change task 4 back to incomplete": a state, not a new title.
const DONE_VALUE = /^(done|complete|completed|finished|hecha|hecho|completada|mukammal|ho gaya|مکمل)$/i;
const OPEN_VALUE =
  /^(back to )?(incomplete|not done|undone|pending|open|todo|not complete|pendiente|baqi|adhoora|نامکمل|باقی)$/i;

function stateChange(intent: Intent): Intent {
  if (intent.kind !== "update" || intent.field !== "title") return intent;
  const value = intent.value.trim().replace(/[.!]+$/, "");
  if (DONE_VALUE.test(value)) return { kind: "complete", target: intent.target };
  if (OPEN_VALUE.test(value)) return { kind: "reopen", target: intent.target };
  return intent;
}
// "it", "that one", "isko", "اسے": the task the conversation just touched.
const PRONOUNS = new Set([
  "it",
  "that",
  "this",
  "isko",
  "usko",
  "ise",
  "isay",
  "usay",
  "اسے",
  "اس",
  "اسکو",
  "lo",
  "la",
]);

const FIELD_WORDS = new Set([
  "title",
  "nombre",
  "título",
  "عنوان",
  "heading",
  "name",
  "naam",
  "titulo",
  "نام",
  "description",
  "details",
  "notes",
  "descripcion",
]);

/**
 * "change task 2 to X", "rename the milk task: X", "call mom should be X", "task 1 ka naam badal ke X kar
 * do": the target is what names a task, the value what follows the separator after it.
 */
function readUpdate(tokens: Token[], hit: Hit): Intent {
  const field = tokens.some((token) => DETAIL_WORDS.test(token.norm)) ? "description" : "title";
  const before = tokens.slice(0, hit.start);
  const beforeContent = contentTokens(
    before,
    findHits(before, COMMAND_TABLE),
    findHits(before, CLASS_TABLE),
  ).filter((token) => !FIELD_WORDS.has(token.norm));
  let targetTokens: Token[];
  let valueTokens: Token[];
  if (hit.start > 0 && beforeContent.length > 0) {
    // The task comes first (Urdu word order, "X should be Y"): the value is what follows the verb.
    targetTokens = tokens.slice(0, hit.start);
    valueTokens = tokens.slice(hit.end);
    if (valueTokens[0] && (isSeparator(valueTokens[0]) || VALUE_SEPARATORS.includes(valueTokens[0].norm))) {
      valueTokens = valueTokens.slice(1);
    }
  } else if (
    before.some((token) => PRONOUNS.has(token.norm)) &&
    before.every((token) => PRONOUNS.has(token.norm) || isSeparator(token))
  ) {
    // "isko rename karo: X" (Urdu order, the task a pronoun): the value follows the separator after the verb.
    const rest = tokens.slice(hit.end);
    const separator = rest.findIndex((token) => isSeparator(token) || VALUE_SEPARATORS.includes(token.norm));
    targetTokens = before;
    valueTokens = separator < 0 ? [] : rest.slice(separator + 1);
  } else {
    const rest = tokens.slice(hit.end);
    let split = -1;
    // The task is named in the first words after the verb: the value's separator is looked for there only.
    for (let index = 0; index < Math.min(rest.length, TARGET_WORDS_MAX); index++) {
      const token = rest[index]!;
      if (!(isSeparator(token) || VALUE_SEPARATORS.includes(token.norm))) continue;
      const between = rest.slice(0, index).filter((word) => !FIELD_WORDS.has(word.norm));
      const hasReference =
        between.some((word) => /^\d+$/.test(word.norm) || word.norm in ORDINALS || PRONOUNS.has(word.norm)) ||
        contentTokens(between, [], findHits(between, CLASS_TABLE)).length > 0;
      if (hasReference) {
        split = index;
        break;
      }
    }
    targetTokens = split < 0 ? rest : rest.slice(0, split);
    valueTokens = split < 0 ? [] : rest.slice(split + 1);
  }
  const value = unquote(joinRaw(trimTitle(valueTokens)));
  const targetOnly = targetTokens.filter((token) => !FIELD_WORDS.has(token.norm));
  const target = readTarget(targetOnly, [], findHits(targetOnly, CLASS_TABLE), "all");
  const intent: Intent = {
    kind: "update",
    target,
    field,
    value: field === "title" ? capitalize(value) : value,
  };
  if (value && editUnsure(targetOnly, target, trimTitle(valueTokens))) intent.unsure = true;
  return intent;
}

// Words that say a number follows ("task number 1", "کام نمبر ۱", "la número 3"): part of naming the task.
const NUMBER_WORDS = new Set(["number", "no", "num", "nr", "numero", "número", "nambar", "nmbr", "نمبر"]);

/**
 * An edit read from words the parse does not account for: a task number beside other words that are not part
 * of naming it ("change the milk task 2 to ..."), or a value that opens with a state ("task 5 should be done by
 * friday": a new title, or a completion?). Such an edit is asked about (a stored proposal), not made.
 */
function editUnsure(targetTokens: Token[], target: Target, value: Token[]): boolean {
  if (target.kind === "numbers") {
    const named = targetTokens.filter(
      (token) =>
        !/^#?\d+$/.test(token.norm) &&
        !isSeparator(token) &&
        !PRONOUNS.has(token.norm) &&
        !NUMBER_WORDS.has(token.norm) &&
        !(token.norm in ORDINALS),
    );
    if (contentTokens(named, findHits(named, COMMAND_TABLE), findHits(named, CLASS_TABLE)).length > 0)
      return true;
  }
  return DONE_VALUE.test(value[0]?.norm ?? "") || OPEN_VALUE.test(value[0]?.norm ?? "");
}

// Intents that ask for a change. Everything else (a listing, a question, small talk) never writes.
const ORDERS = new Set<Intent["kind"]>([
  "add",
  "complete",
  "delete",
  "reopen",
  "update",
  "undo",
  "statement",
  "unknown",
]);
// The intents that name a change to make (asked about, never made, when the message is a question).
// Changes of tasks already on the list (an add's title or an edit's value may hold any words).
const HEDGED = new Set<Intent["kind"]>(["complete", "delete", "reopen", "undo"]);
// A plan or a guess ("I'll", "I might", "probably", "I think"), someone else's words ("says", "told me", "usne kaha",
// "dice que"), a condition ("if", "agar", "si ... ,"), or not quite ("almost", "half", "casi", "taqreeban").
const HEDGE_EN =
  /\b(?:i'?ll|i will|i'?m going to|im going to|i'?m gonna|im gonna|i might|might|maybe|perhaps|probably|supposedly|i think|i guess|i should|shall we|later|tomorrow|almost|nearly|half|says|(?<!\bi\s)said|told me|wants me to|asked me to|if|unless|once i|when i)\b/i;
const HEDGE_ROMAN =
  /\b(?:kar(?:u|oo)nga|kar(?:u|oo)ngi|karenge|kar d(?:u|oo)nga|kar d(?:u|oo)ngi|kar l(?:u|oo)nga|shayad|shaid|baad (?:mein|me|main)|kaha|keh raha|kehta|kehti|agar|lagta hai|taqreeban|almost)\b/i;
const HEDGE_ES =
  /^si\s+(?:llama|viene|puedo|puedes|tengo|hay|no|me|te|le|el|la|ella|él|mi|tu|termino|acabo|sale)\s|(?:^|[\s,¿¡])(?:voy a|vas a|mañana|manana|luego|después|despues|quizás|quizas|tal vez|a lo mejor|dice que|dijo que|dicen que|creo que|casi|cuando)(?=[\s,.!?]|$)/i;
const HEDGE_UR = /(?:^|\s)(?:شاید|بعد میں|اگر|کہا|کہتا|کہتی|تقریباً|گا|گی|گے)(?=\s|$|[،۔؟])/u;
const ASKED_OF_YOU =
  /\b(?:can|could|would|will) (?:you|u)\b|\b(?:puedes|podrías|podrias)\b|\b(?:aap|ap)\b.*\bdein\b/i;
/** Whether the words outside quotes hedge the change (a plan, a guess, a report, a condition). */
function hedged(message: string): boolean {
  const text = message.slice(0, 2_000).replace(QUOTED_SPAN, " ");
  // "I think I'm done with the kitchen, could you tick it off?": the user's own request, after the guess.
  if (ASKED_OF_YOU.test(text)) return false;
  return [HEDGE_EN, HEDGE_ROMAN, HEDGE_ES, HEDGE_UR].some((shape) => shape.test(text));
}
const WRITES = new Set<Intent["kind"]>(["add", "complete", "delete", "reopen", "update", "undo"]);
// A question about tasks ("did I already pay the rent?", "kya maine ... kar diya?", "¿ya pagué ...?"), unless it
// is a polite request ("can you add ...?", "kya aap ... kar sakte hain?", "¿puedes ...?").
const QUESTION_START =
  /^(did|does|is|are|was|were|has|how|what|whats|which|when|where|who|why|kya|kia|kitne|kitni|kaun|kab|کیا|کتنے|کون|کب|que|qué|cual|cuál|cuantas|cuántas|cuantos|cuántos)(?=[\s,?؟]|$)/iu;
const POLITE_REQUEST =
  /^(can|could|would|will)\s+(you|u)\b|^(kya|kia)\s+(aap|ap|tum)\s.*\b(sakt[ei]|sakta|saken|dein|den|do)\b|^(puedes|podrias|podrías|me puedes)\s|^کیا\s+(آپ|تم)\s.*(سکتے|سکتی|دیں)/iu;

/** "and 12 too", "also 3": the last change's action again, on another task. */
export const ALSO =
  /^(and|also|aur|y|e|plus|same for|same with|lo mismo (para|con))(?=[\s,]|$)|(^|\s)(too|also|as well|bhi|tambien|también|bhee|بھی)(?=[\s.!-]|$)/iu;
/** "no, I meant the other one", "oops I meant call dad": take the last change back and apply it as meant. */
export const CORRECTION =
  /\b(i meant|meant|not that one|wrong one|wrong task|the other one|other one|galat|ghalat|galti|ghalti|dusra|doosra|quise decir|me referia|me refería|no esa|esa no|oops|oopsie|whoops|my bad|scratch that|no wait|wait no|me equivoqu[eé]|me confund[ií]|quer[ií]a decir|(?:karna|kehna|likhna|bolna|matlab|hatana|mitana) tha|era la|era el|\d+\s+(?:nahi|nahin|nahee)\s*,?\s+#?\d+)\b|^\W*(?:(?:hmm+|uh+|ugh|oh|no+)\W+)?(?:wrong|that'?s wrong)\W*$|غلط|دوسرا|(?:کہنا|کرنا|لکھنا|مطلب) تھا/i;

/**
 * The message's language, and what it may change: "yes" for an order, "ask" for a statement that something
 * happened ("I paid the rent": its change is asked first), "no" for a question, small talk or anything else.
 */
export function readMessage(message: string): {
  language: Language;
  writes: "yes" | "ask" | "no";
  /** False when the message asks for nothing the agent knows ("had enough", "hmm"): no order, question or listing. */
  understood?: boolean;
} {
  const { intent, language } = understand(message);
  const understood = !["unknown", "yes", "no", "thanks", "greet"].includes(intent.kind);
  return { ...readWrites(message, intent, language), understood };
}

function readWrites(
  message: string,
  intent: Intent,
  language: Language,
): { language: Language; writes: "yes" | "ask" | "no" } {
  const text = message.trim().replace(/^[¿¡"'\s]+/, "");
  const question = (/[?؟]\s*$/.test(text) || QUESTION_START.test(text)) && !POLITE_REQUEST.test(text);
  const [top] = classify(message);
  const corrects = top?.intent === "correct" && top.p >= 0.5;
  const followUp = corrects || CORRECTION.test(text) || ALSO.test(text);
  // A how-to ("can I delete task 3", "task 3 kaise delete karun", "is there a way to ...") never writes: any change
  // an agent makes of it is asked about (a stored proposal, made on an exact yes). A question too, when it names a
  // change ("delete task 3?"); any other question is answered and its changes refused.
  if (asksHowTo(message)) return { language, writes: "ask" };
  if (question) return { language, writes: WRITES.has(intent.kind) ? "ask" : "no" };
  // "I'll complete 5 tomorrow", "I might delete 9 later", "my boss says complete the report by 5", "si llama el
  // dentista borra la 6", "5 is almost done": a plan, a guess, someone else's words or a condition, not an order
  // now: the change is asked first.
  if ((HEDGED.has(intent.kind) || followUp) && hedged(message)) return { language, writes: "ask" };
  if (followUp) return { language, writes: "yes" };
  if (intent.kind === "statement") return { language, writes: "ask" };
  // Only a number or a position ("2", "the second one"): the answer to "which one?", whose change is then made.
  if (intent.kind === "show" && exactHits(tokenize(text, MAX_TOKENS), COMMAND_TABLE).length === 0)
    return { language, writes: "yes" };
  return { language, writes: ORDERS.has(intent.kind) ? "yes" : "no" };
}
