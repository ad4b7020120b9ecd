/**
 * The answer to a yes/no question the assistant asked (confirm several changes, undo the last one). Only an
 * exact answer counts: the whole message, lower case, without punctuation, emoji or a trailing "please", must be
 * one of these. No typo tolerance and no word inside a longer message: "hang on", "had enough", "collect mail"
 * answer nothing, so the question stays open.
 */
import { normalizeWord } from "./offline/text.js";

const YES = new Set([
  // English
  "yes",
  "y",
  "yeah",
  "yep",
  "yup",
  "ya",
  "sure",
  "ok",
  "okay",
  "k",
  "confirm",
  "confirmed",
  "do it",
  "go ahead",
  "yes do it",
  "yes please",
  "yes go ahead",
  "yes delete them",
  "of course",
  "absolutely",
  "please do",
  "correct",
  "yes undo it",
  "yes undo",
  "undo it",
  "yes undo that",
  "yes take it back",
  // Roman Urdu / Hinglish
  "haan",
  "han",
  "haa",
  "haan ji",
  "ji haan",
  "ji han",
  "jee haan",
  "ji",
  "jee",
  "theek hai",
  "thik hai",
  "haan kar do",
  "kar do",
  "haan karo",
  "bilkul",
  "haan wapas karo",
  "haan wapas kar do",
  "wapas kar do",
  "zaroor",
  // Urdu script
  "ہاں",
  "جی",
  "جی ہاں",
  "ہاں جی",
  "جی ہاں کر دیں",
  "ہاں کر دیں",
  "کر دیں",
  "کر دو",
  "ٹھیک ہے",
  "بالکل",
  "ضرور",
  // Spanish (accents are dropped before comparing)
  "si",
  "claro",
  "dale",
  "vale",
  "de acuerdo",
  "si hazlo",
  "hazlo",
  "si por favor",
  "confirmo",
  "adelante",
  "si deshazlo",
  "deshazlo",
]);

const NO = new Set([
  "no",
  "n",
  "nope",
  "nah",
  "cancel",
  "stop",
  "dont",
  "do not",
  "no thanks",
  "no dont",
  "never mind",
  "nevermind",
  "forget it",
  "keep them",
  "nahi",
  "nahin",
  "nai",
  "na",
  "mat karo",
  "rehne do",
  "nahi karo",
  "نہیں",
  "نہ",
  "مت کرو",
  "رہنے دو",
  "no gracias",
  "cancela",
  "cancelar",
  "mejor no",
  "no way",
  "no no",
]);

const INTERJECTIONS = new Set(["yaar", "yar", "bhai", "man", "dude", "oh", "hey", "arre", "عزیز"]);

// What may surround an answer: punctuation, emoji, a polite word.
const TRAILING_POLITE = / (please|pls|plz|por favor|ji|جی)$/;

/** "yes" / "no" when the whole message is an exact answer, in any of the supported languages. */
export function exactAnswer(message: string): "yes" | "no" | undefined {
  // "yes?" asks back; it answers nothing.
  if (/[?؟]/.test(message)) return undefined;
  const words = message
    .normalize("NFKC")
    .split(/[\s,.;:!?¿¡؟۔،"'()\p{Extended_Pictographic}\u{FE0F}]+/u)
    .filter(Boolean)
    .map(normalizeWord);
  // "nooo" is "no", "no no no" and "nahi nahi" are "no", "nahi yaar" is "nahi": emphasis, not another answer.
  const plain = words
    .map((word) => word.replace(/(\p{L})\1{2,}/gu, "$1"))
    .filter((word, index, all) => word !== all[index - 1] && !INTERJECTIONS.has(word));
  const text = plain.join(" ");
  for (const candidate of [text, text.replace(TRAILING_POLITE, "")]) {
    if (YES.has(candidate)) return "yes";
    if (NO.has(candidate)) return "no";
  }
  return undefined;
}
