/** Which of the user's tasks a message means: by number, by ordinal in the last listing, or by title words. */
import * as lexicon from "./lexicon.js";
import { CONJUNCTIONS, FILLERS, TASK_NOUNS } from "./lexicon.js";
import type { ShownTask } from "./replies.js";
import { isTypoOf, normalizeWord } from "./text.js";
import type { Target } from "./understand.js";

export type Resolution =
  /** `unsure`: a write whose title words match the task only in part (the rest name nothing): asked, not made. */
  | { tasks: ShownTask[]; unsure?: true }
  | { ambiguous: string; options: ShownTask[] }
  | { missing: string }
  | { missingId: number }
  | { none: true };

const IGNORED = new Set([...FILLERS, ...TASK_NOUNS, ...CONJUNCTIONS].filter((word) => !word.includes(" ")));

/** Every word the lexicon holds (commands, states, questions, markers of a language): they name no task. */
const PARSER_WORDS = new Set<string>();
(function collect(value: unknown): void {
  if (typeof value === "string") for (const word of value.split(/\s+/)) PARSER_WORDS.add(normalizeWord(word));
  else if (Array.isArray(value) || value instanceof Set) for (const item of value) collect(item);
  else if (value && typeof value === "object") for (const item of Object.values(value)) collect(item);
})(lexicon);

/** The first `max` words of a text that can name a task (fillers and task nouns left out). */
function words(text: string, max: number): string[] {
  const found: string[] = [];
  for (const raw of text.split(/[\s,;:.!?"'()]+/, max * 4)) {
    const word = normalizeWord(raw);
    if (word && !IGNORED.has(word)) found.push(word);
    if (found.length === max) break;
  }
  return found;
}

const stem = (word: string) => (word.length >= 4 ? word.replace(/(ing|ed|es|s)$/, "") : `\u0000${word}`);

/** "booked" ~ "book", "paying" ~ "pay", "x-ray" ~ "x-rays", "electicity" ~ "electricity". */
function sameWord(a: string, b: string): boolean {
  return a === b || stem(a) === stem(b) || stem(a) === b || a === stem(b) || isTypoOf(a, b) || isTypoOf(b, a);
}

// A query or title is compared on its first words: enough to name a task, and the work stays bounded.
const WORDS_MAX = 12;
// Parts of one request ("X, Y and Z") resolved one by one; more is not a request about named tasks.
export const PARTS_MAX = 20;

/** How much of `query` the title holds: the share of its words found there. */
export function matchScore(
  query: string | string[],
  title: string | string[],
): { score: number; matched: number } {
  const wanted = typeof query === "string" ? titleWords(query) : query;
  if (wanted.length === 0) return { score: 0, matched: 0 };
  const have = typeof title === "string" ? titleWords(title) : title;
  const matched = wanted.filter((word) => have.some((other) => sameWord(word, other))).length;
  return { score: matched / wanted.length, matched };
}

const titleWords = (title: string) => words(title, WORDS_MAX);

/** The tasks that match the words best; several when they match equally well. */
export function bestMatches(query: string, tasks: ShownTask[], minimum = 0.5): ShownTask[] {
  let best = 0;
  let matches: ShownTask[] = [];
  const wanted = titleWords(query);
  for (const task of tasks) {
    const { score } = matchScore(wanted, titleWords(task.title));
    if (score < minimum || score < best) continue;
    if (score > best) matches = [];
    best = score;
    matches.push(task);
  }
  return matches;
}

/**
 * Resolves a target. `prefer` narrows a tie: completing prefers open tasks, reopening completed ones.
 * `listing` is the last list the user saw, for "the second one".
 */
export function resolveTarget(
  target: Target,
  tasks: ShownTask[],
  options: {
    prefer?: boolean;
    listing?: ShownTask[] | undefined;
    recent?: ShownTask[] | undefined;
    /** A write: a title matched only in part is marked `unsure` (the write is asked about, not made). */
    write?: boolean;
  },
): Resolution {
  const byNumber = ascending(tasks);
  switch (target.kind) {
    case "none": {
      // "it", "that one": the one task the conversation just touched or showed.
      const recent = options.recent?.map((task) => byNumber.find((other) => other.id === task.id));
      return recent?.length === 1 && recent[0] ? { tasks: [recent[0]] } : { none: true };
    }
    case "numbers": {
      const found: ShownTask[] = [];
      for (const id of target.numbers) {
        const task = byNumber.find((candidate) => candidate.id === id);
        if (!task) return { missingId: id };
        found.push(task);
      }
      return { tasks: found };
    }
    case "ordinals": {
      const shown = options.listing ?? byNumber;
      const found = target.ordinals.map((n) => (n < 0 ? shown.at(n) : shown[n - 1]));
      const current = found.map((task) => task && byNumber.find((candidate) => candidate.id === task.id));
      if (current.some((task) => !task)) return { missing: String(target.ordinals.join(", ")) };
      return { tasks: current as ShownTask[] };
    }
    case "all": {
      // "complete tell sara everything" with "Tell Sara everything about the move": the all-word is the title's.
      if (target.title) {
        const titled = bestMatches(target.title, byNumber, 1);
        if (titled.length === 1) return { tasks: titled };
      }
      let chosen = byNumber;
      if (target.status !== "all")
        chosen = chosen.filter((task) => task.completed === (target.status === "completed"));
      if (target.about) chosen = chosen.filter((task) => matchScore(target.about!, task.title).score >= 0.5);
      return chosen.length > 0 ? { tasks: chosen } : { missing: target.about ?? target.status };
    }
    case "words": {
      if (target.parts.length > 1 && target.parts.length <= PARTS_MAX) {
        const each = target.parts.map((part) => narrow(bestMatches(part, byNumber), options.prefer));
        const ids = new Set(each.flatMap((found) => found.map((task) => task.id)));
        if (each.every((found) => found.length === 1) && ids.size === each.length) {
          return { tasks: each.map((found) => found[0]!) };
        }
      }
      const found = narrow(bestMatches(target.phrase, byNumber), options.prefer);
      if (found.length === 1) {
        const rivals = rivalsOf(target.phrase, found[0]!, byNumber);
        if (rivals.length > 0) return { ambiguous: target.phrase, options: [found[0]!, ...rivals] };
        // Words of the request the title lacks name nothing else, yet they were asked for: not sure it is this one.
        return options.write && unexplained(target.phrase, found[0]!).length > 0
          ? { tasks: found, unsure: true }
          : { tasks: found };
      }
      if (found.length === 0) return { missing: target.phrase };
      return { ambiguous: target.phrase, options: found };
    }
  }
}

/**
 * A partial match is no answer when the words it left out name another task: "pay the gas bill" with "Pay
 * electricity bill" and "Gas bill for the flat" is a question of which one, not a write to the first. The
 * rivals are the tasks holding a word of the query that the best match lacks (a word of three letters or more).
 */
function rivalsOf(query: string, best: ShownTask, tasks: ShownTask[]): ShownTask[] {
  const left = leftOut(query, best);
  if (left.length === 0) return [];
  return tasks.filter(
    (task) =>
      task.id !== best.id &&
      titleWords(task.title).some((word) => left.some((wantedWord) => sameWord(wantedWord, word))),
  );
}

/** The words of the query (three letters or more) that the task's title does not hold. */
function leftOut(query: string, task: ShownTask): string[] {
  const have = titleWords(task.title);
  return titleWords(query).filter((word) => word.length >= 3 && !have.some((other) => sameWord(word, other)));
}

/** "llamando" ~ "llamar", "submitted" ~ "submit": one word inflected, by a shared start of five letters. */
const sameRoot = (a: string, b: string) => a.length >= 5 && b.length >= 5 && a.slice(0, 5) === b.slice(0, 5);

/**
 * Left-out words that change which task is meant: the query's words between the first and the last word the
 * title holds ("pay the [water] bill" against "Pay electricity bill"), that are neither a word the parser reads
 * nor the title's own word inflected. Words before or after the title's words say something about it ("cancel
 * newspaper delivery is no longer needed"), not another task.
 */
function unexplained(query: string, task: ShownTask): string[] {
  const have = titleWords(task.title);
  const wanted = titleWords(query);
  const held = wanted.map((word) => have.some((other) => sameWord(word, other) || sameRoot(word, other)));
  const first = held.indexOf(true);
  const last = held.lastIndexOf(true);
  return wanted.filter(
    (word, index) =>
      index > first && index < last && !held[index] && word.length >= 3 && !PARSER_WORDS.has(word),
  );
}

/** A tie narrowed to the tasks in the preferred state (when that leaves any). */
function narrow(tasks: ShownTask[], preferCompleted: boolean | undefined): ShownTask[] {
  if (preferCompleted === undefined || tasks.length < 2) return tasks;
  const preferred = tasks.filter((task) => task.completed === preferCompleted);
  return preferred.length > 0 ? preferred : tasks;
}

export function ascending(tasks: ShownTask[]): ShownTask[] {
  return [...tasks].sort((a, b) => a.id - b.id);
}
