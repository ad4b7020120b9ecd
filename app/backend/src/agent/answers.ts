/**
 * The answer to a yes/no question the assistant asked (confirm several changes, undo the last one). Only an
 * exact answer counts: the whole message, lower case, without punctuation, emoji or a trailing "please", must be
 * one of EXACT_YES / EXACT_NO (lexicon.ts). No typo tolerance and no word inside a longer message: "hang on",
 * "had enough", "collect mail" answer nothing, so the question stays open. A "no" followed only by a hesitation
 * ("no wait", "nahi ruko") is still a no; a "yes" followed by one ("yes wait") is not a yes.
 */
import { EXACT_NO, EXACT_YES } from "./offline/lexicon.js";
import { normalizeWord } from "./offline/text.js";

const YES = new Set(EXACT_YES);
const NO = new Set(EXACT_NO);
const ANSWER_WORDS_MAX = 8;
const HESITATIONS = new Set([
  "wait",
  "hold on",
  "hang on",
  "ruko",
  "ruk",
  "ruko zara",
  "espera",
  "رکو",
  "ٹھہرو",
]);

const INTERJECTIONS = new Set(["yaar", "yar", "bhai", "man", "dude", "oh", "hey", "arre", "عزیز"]);

// What may surround an answer: punctuation, emoji, a polite word.
const TRAILING_POLITE = / (please|pls|plz|por favor|porfa|porfis|plis|ji|جی)$/;

const answerWords = (message: string) =>
  message
    .normalize("NFKC")
    .split(/[\s,.;:!?¿¡؟۔،"'()\p{Extended_Pictographic}\u{FE0F}]+/u)
    .filter(Boolean)
    .map(normalizeWord);

/**
 * Whether a message that is not an exact answer still only talks about the question ("wait", "hang on",
 * "yes?", "yes but not the flight", "no wait i mean"): the question stays open. Any other message is a new one.
 */
export function aboutTheQuestion(message: string): boolean {
  const words = answerWords(message);
  if (words.length === 0) return true;
  const text = words.join(" ");
  if (HESITATIONS.has(text)) return true;
  return [1, 2].some((length) => {
    const opening = words.slice(0, length).join(" ");
    return YES.has(opening) || NO.has(opening) || HESITATIONS.has(opening);
  });
}

/** "yes" / "no" when the whole message is an exact answer, in any of the supported languages. */
export function exactAnswer(message: string): "yes" | "no" | undefined {
  // "yes?" asks back; it answers nothing.
  if (/[?؟]/.test(message)) return undefined;
  const words = answerWords(message);
  // "nooo" is "no", "no no no" and "nahi nahi" are "no", "nahi yaar" is "nahi": emphasis, not another answer.
  const plain = words
    .map((word) => word.replace(/(\p{L})\1{2,}/gu, "$1"))
    .filter((word, index, all) => word !== all[index - 1] && !INTERJECTIONS.has(word));
  const text = plain.join(" ");
  for (const candidate of [text, text.replace(TRAILING_POLITE, "")]) {
    if (YES.has(candidate)) return "yes";
    if (NO.has(candidate)) return "no";
  }
  // An answer is a few words: a longer message answers nothing (and costs nothing more to read).
  if (plain.length > ANSWER_WORDS_MAX) return undefined;
  // "yep go ahead", "ok do it", "no no thanks": answers said twice are one answer.
  if (madeOf(plain, YES)) return "yes";
  if (madeOf(plain, NO)) return "no";
  for (let split = 1; split < plain.length; split++) {
    const [answer, rest] = [plain.slice(0, split).join(" "), plain.slice(split).join(" ")];
    if (NO.has(answer) && HESITATIONS.has(rest)) return "no";
  }
  return undefined;
}

/** Whether the words are a run of two or more phrases of the set ("yep" + "go ahead"). */
function madeOf(words: string[], phrases: Set<string>): boolean {
  const ends = new Set([0]);
  for (let start = 0; start < words.length; start++) {
    if (!ends.has(start)) continue;
    for (let end = start + 1; end <= Math.min(words.length, start + 4); end++)
      if (phrases.has(words.slice(start, end).join(" "))) ends.add(end);
  }
  return words.length > 1 && ends.has(words.length);
}
