/** Text helpers of the offline agent: tokens, edit distance, the language a message is written in. */

export type Language = "en" | "ur" | "roman-ur" | "es";

export interface Token {
  /** As written (punctuation at the ends removed), for titles. */
  raw: string;
  /** Lower case, Latin accents removed, apostrophes dropped: what the lexicon is matched against. */
  norm: string;
  /** Inside double quotes (when not the whole message): quoted or pasted text, never a command to the app. */
  quoted?: boolean;
}

const SEPARATORS = new Set([":", ",", ";", "->", "-", "—", "–", "،", "؛"]);

/** Splits a message into word tokens and separator tokens (":", ",", ";", "->"), which carry structure. */
export function tokenize(message: string, limit = Infinity): Token[] {
  const spaced = message
    .normalize("NFC")
    .replace(/[\u2018\u2019`´]/g, "'")
    .replace(/[\u201C\u201D«»]/g, '"')
    .replace(/->|=>|→/g, " -> ")
    .replace(/([:;,،؛])(?=\s|$|["'])/g, " $1 ")
    .replace(/\s[-—–]\s/g, " - ");
  const tokens: Token[] = [];
  // Single quotes: where a word opens one ("'buy oat milk'") and where a later word closes it; apostrophes inside a
  // word ("don't", "6's") are neither. A span is quoted only when it both opens and closes.
  const singleOpens: number[] = [];
  const singleCloses: number[] = [];
  let inQuote = false;
  for (const piece of spaced.split(/\s+/)) {
    if (tokens.length >= limit) break;
    if (!piece) continue;
    if (SEPARATORS.has(piece)) {
      tokens.push({ raw: piece, norm: piece === "-" || piece === "—" || piece === "–" ? "-" : piece });
      continue;
    }
    const opens = /^[¿¡([]*"/.test(piece);
    const closes = /"[.,!?؟۔)\]]*$/.test(piece) && (piece.length > 1 || !opens);
    if (opens) inQuote = true;
    const raw = piece.replace(/^[\s"'¿¡([]+|[\s"'.!?؟۔)\]]+$/g, "");
    if (raw && !inQuote) {
      if (/^[¿¡([]*'/.test(piece)) singleOpens.push(tokens.length);
      if (/'[.,!?؟۔)\]]*$/.test(piece)) singleCloses.push(tokens.length);
    }
    if (raw)
      tokens.push(
        inQuote ? { raw, norm: normalizeWord(raw), quoted: true } : { raw, norm: normalizeWord(raw) },
      );
    if (closes) inQuote = false;
  }
  for (let open = 0, close = 0; open < singleOpens.length; open++) {
    const start = singleOpens[open]!;
    while (close < singleCloses.length && singleCloses[close]! < start) close++;
    const end = singleCloses[close];
    if (end === undefined) break;
    if (open + 1 < singleOpens.length && singleOpens[open + 1]! <= end && singleOpens[open + 1]! > start)
      continue;
    for (let index = start; index <= end; index++) tokens[index]!.quoted = true;
    while (open + 1 < singleOpens.length && singleOpens[open + 1]! <= end) open++;
    close++;
  }
  // A message in quotes from end to end is the user's own words.
  if (tokens.every((token) => token.quoted || SEPARATORS.has(token.raw)))
    for (const token of tokens) delete token.quoted;
  return tokens;
}

// Urdu (Extended Arabic-Indic) and Arabic-Indic digits read as the digits they are: "۳" is task 3.
const EASTERN_DIGITS = /[\u06F0-\u06F9\u0660-\u0669]/g;
const westernDigit = (digit: string) => String((digit.charCodeAt(0) - 0x0660) % 0x90);

export function normalizeWord(word: string): string {
  return word
    .replace(EASTERN_DIGITS, westernDigit)
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .normalize("NFC")
    .replace(/^(\d+)'s$/, "$1")
    .replace(/'/g, "")
    .replace(/^#(?=\d)/, "");
}

export const isSeparator = (token: Token) => SEPARATORS.has(token.raw) || token.norm === "-";

/**
 * Damerau–Levenshtein distance (optimal string alignment: a swap of two letters counts as one typo), capped:
 * any distance above `max` is reported as max + 1, and the work stops as soon as a row exceeds it.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  const cols = b.length + 1;
  let before = new Int32Array(cols);
  let previous = new Int32Array(cols);
  let current = new Int32Array(cols);
  for (let j = 0; j < cols; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, before[j - 2]! + 1);
      current[j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return Math.min(previous[b.length]!, max + 1);
}

const TYPO_LENGTH_MAX = 24;
const undoubled = (word: string) => word.replace(/(.)\1+/gu, "$1");

/**
 * Whether `word` is a typo of `known`: the same first letter (people rarely mistype it) and at most one
 * slip, two for long words. In a word of three letters or fewer one slip makes another word ("tax" is not "thx",
 * "jo" is not "jot"): only a doubled or undoubled letter counts ("ad" and "addd" are "add").
 */
export function isTypoOf(word: string, known: string): boolean {
  if (word === known) return true;
  // Long tokens (a pasted URL, a run of letters) are never typos: the distance below is quadratic in length.
  if (known.length < 4) return known.length === 3 && undoubled(word) === undoubled(known);
  if (word.length < 3 || word.length > TYPO_LENGTH_MAX || word[0] !== known[0]) return false;
  const allowed = known.length >= 7 ? 2 : 1;
  // In a word of four letters one changed letter often makes another everyday word ("shop" / "show", "dona" /
  // "done"): a changed letter counts as a slip only when its key is next to the right one ("shoe" / "show").
  if (known.length === 4 && word.length === 4 && !sameOrSwapped(word, known)) {
    const at = [...word].findIndex((letter, index) => letter !== known[index]);
    const rest = (text: string) => text.slice(0, at) + text.slice(at + 1);
    if (rest(word) === rest(known) && !NEAR_KEYS[known[at]!]?.includes(word[at]!)) return false;
  }
  return Math.abs(word.length - known.length) <= allowed && editDistance(word, known, allowed) <= allowed;
}

const sameOrSwapped = (a: string, b: string) => [...a].sort().join("") === [...b].sort().join("");

// The keys next to each letter on a QWERTY keyboard: where a finger slips to.
const KEY_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
const NEAR_KEYS: Record<string, string> = {};
for (const [row, keys] of KEY_ROWS.entries()) {
  for (const [column, key] of [...keys].entries()) {
    const near = [keys[column - 1], keys[column + 1]];
    for (const other of [KEY_ROWS[row - 1], KEY_ROWS[row + 1]])
      if (other) near.push(other[column - 1], other[column], other[column + 1]);
    NEAR_KEYS[key] = near.filter(Boolean).join("");
  }
}

export function detectLanguage(
  message: string,
  tokens: Token[],
  romanUrdu: Set<string>,
  spanish: Set<string>,
): Language {
  if (/[\u0600-\u06FF]/.test(message)) return "ur";
  if (/[ñ¿¡]/i.test(message)) return "es";
  const count = (words: Set<string>) => tokens.filter((token) => words.has(token.norm)).length;
  const urdu = count(romanUrdu);
  const es = count(spanish);
  if (urdu === 0 && es === 0) return "en";
  return urdu >= es ? "roman-ur" : "es";
}

/** Capitalises the first letter of a Latin title; other scripts have no case. */
export function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
