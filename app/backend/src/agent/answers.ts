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

// What may surround an answer: punctuation, emoji, a polite word.
const TRAILING_POLITE = / (please|pls|plz|por favor|ji|جی)$/;

/** "yes" / "no" when the whole message is an exact answer, in any of the supported languages. */
export function exactAnswer(message: string): "yes" | "no" | undefined {
  const words = message
    .normalize("NFKC")
    .split(/[\s,.;:!?¿¡؟۔،"'()\p{Extended_Pictographic}\u{FE0F}]+/u)
    .filter(Boolean)
    .map(normalizeWord);
  const text = words.join(" ");
  for (const candidate of [text, text.replace(TRAILING_POLITE, "")]) {
    if (YES.has(candidate)) return "yes";
    if (NO.has(candidate)) return "no";
  }
  return undefined;
}
