/** Which of the user's tasks a message means: by number, by ordinal in the last listing, or by title words. */
import { CONJUNCTIONS, FILLERS, TASK_NOUNS } from "./lexicon.js";
import type { ShownTask } from "./replies.js";
import { isTypoOf, normalizeWord } from "./text.js";
import type { Target } from "./understand.js";

export type Resolution =
  | { tasks: ShownTask[] }
  | { ambiguous: string; options: ShownTask[] }
  | { missing: string }
  | { missingId: number }
  | { none: true };

const IGNORED = new Set([...FILLERS, ...TASK_NOUNS, ...CONJUNCTIONS].filter((word) => !word.includes(" ")));

function words(text: string): string[] {
  return text
    .split(/[\s,;:.!?"'()]+/)
    .map(normalizeWord)
    .filter((word) => word && !IGNORED.has(word));
}

/** "booked" ~ "book", "x-ray" ~ "x-rays", "electicity" ~ "electricity". */
function sameWord(a: string, b: string): boolean {
  if (isTypoOf(a, b) || isTypoOf(b, a)) return true;
  const stem = (word: string) => word.replace(/(ing|ed|es|s)$/, "");
  return a.length >= 4 && b.length >= 4 && stem(a) === stem(b);
}

/** How much of `query` the title holds: the share of its words found there. */
export function matchScore(query: string, title: string): { score: number; matched: number } {
  const wanted = words(query);
  if (wanted.length === 0) return { score: 0, matched: 0 };
  const have = words(title);
  const matched = wanted.filter((word) => have.some((other) => sameWord(word, other))).length;
  return { score: matched / wanted.length, matched };
}

/** The tasks that match the words best; several when they match equally well. */
export function bestMatches(query: string, tasks: ShownTask[], minimum = 0.5): ShownTask[] {
  let best = 0;
  let matches: ShownTask[] = [];
  for (const task of tasks) {
    const { score } = matchScore(query, task.title);
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
  options: { prefer?: boolean; listing?: ShownTask[] | undefined },
): Resolution {
  const byNumber = ascending(tasks);
  switch (target.kind) {
    case "none":
      return { none: true };
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
      let chosen = byNumber;
      if (target.status !== "all")
        chosen = chosen.filter((task) => task.completed === (target.status === "completed"));
      if (target.about) chosen = chosen.filter((task) => matchScore(target.about!, task.title).score >= 0.5);
      return chosen.length > 0 ? { tasks: chosen } : { missing: target.about ?? target.status };
    }
    case "words": {
      if (target.parts.length > 1) {
        const each = target.parts.map((part) => narrow(bestMatches(part, byNumber), options.prefer));
        const ids = new Set(each.flatMap((found) => found.map((task) => task.id)));
        if (each.every((found) => found.length === 1) && ids.size === each.length) {
          return { tasks: each.map((found) => found[0]!) };
        }
      }
      const found = narrow(bestMatches(target.phrase, byNumber), options.prefer);
      if (found.length === 1) return { tasks: found };
      if (found.length === 0) return { missing: target.phrase };
      return { ambiguous: target.phrase, options: found };
    }
  }
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
