/**
 * The offline agent's understanding of one message: plain pattern matching over the ways people ask a todo
 * list for things. It never guesses: a message it cannot place is "unknown" and gets a helpful answer.
 */

/** A task named by its number ("task 3") or by words of its title ("the meeting task"). */
export type TaskReference = { id: number } | { title: string };

export type Intent =
  | { kind: "add"; title: string; description?: string }
  | { kind: "list"; status: "all" | "pending" | "completed" }
  | { kind: "complete"; task: TaskReference }
  | { kind: "delete"; task: TaskReference }
  | { kind: "update"; task: TaskReference; field: "title" | "description"; value: string }
  | { kind: "help" }
  | { kind: "unknown" };

const TASK_NOUN = String.raw`(?:tasks?|todos?|to-dos?|items?|reminders?|entry|entries)`;
const COMPLETED_WORD = String.raw`(?:complete|completed|done|finished|checked off|ticked off)`;

export function parseIntent(message: string): Intent {
  const text = normalize(message);
  return (
    parseUpdate(text) ??
    parseDelete(text) ??
    parseComplete(text) ??
    parseAdd(text) ??
    parseList(text) ??
    parseHelp(text) ?? { kind: "unknown" }
  );
}

function normalize(message: string): string {
  return message
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^(?:hey|hi|ok|okay|so|um+|uh+)[,!]?\s+(?=\w)/i, "")
    .replace(/^(?:please|pls|kindly)\s+/i, "")
    .replace(/^(?:can|could|would|will) you(?: please)?\s+/i, "")
    .replace(/[.!?]+$/, "")
    .replace(/[\s,]+(?:please|pls|thanks|thank you)$/i, "")
    .replace(/[.!?]+$/, "")
    .trim();
}

function parseAdd(text: string): Intent | undefined {
  const patterns = [
    // "add a task to buy groceries", "create todo: call mom", "new task buy milk", "put 'x' on my list"
    new RegExp(
      String.raw`^(?:add|create|make|new|put|insert|save|jot down|write down|note down|set up|schedule)` +
        String.raw`(?:\s+(?:a|an|the|new|another|one|me))*(?:\s+${TASK_NOUN})?` +
        String.raw`(?:\s*(?:to|for|called|named|titled|that says|saying|:|-))?\s+(.+)$`,
      "i",
    ),
    // "remind me to pay bills", "I need to remember to pay bills", "don't let me forget to call mom"
    /^(?:remind me(?: to)?|remember to|don'?t let me forget(?: to)?|note to self:?|i (?:need|have|want|must|should|ought|gotta|got) (?:to )?remember(?: to)?|i must remember(?: to)?)\s+(.+)$/i,
    // "I need to buy milk", "I have to call the bank", "I should book flights"
    /^(?:i (?:need|have|must|should|want|ought|gotta|got) to|i must|i should|i gotta|todo:|to-do:|task:)\s+(.+)$/i,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (!match) continue;
    const { title, description } = splitDescription(match[1]!);
    const cleaned = cleanTitle(title);
    if (!cleaned || /^(?:what|which|how|when|where|why)\b/i.test(cleaned) || looksLikeListRequest(cleaned)) {
      return undefined;
    }
    return description ? { kind: "add", title: cleaned, description } : { kind: "add", title: cleaned };
  }
  return undefined;
}

function splitDescription(rest: string): { title: string; description?: string } {
  const match =
    /^(.+?)\s*(?:,\s*)?(?:with (?:the )?(?:description|details|notes?)|described as|description:|details:)\s*:?\s*(.+)$/i.exec(
      rest,
    );
  if (!match) return { title: rest };
  return { title: match[1]!, description: unquote(match[2]!) };
}

function parseList(text: string): Intent | undefined {
  const asksForList =
    /\b(?:show|list|display|see|view|get|give|tell|what|what's|whats|which|anything|how many|read|check)\b/i.test(
      text,
    ) ||
    new RegExp(
      String.raw`^(?:my\s+)?(?:all\s+)?(?:pending|open|completed|finished|done)?\s*${TASK_NOUN}$`,
      "i",
    ).test(text);
  if (!asksForList) return undefined;
  if (
    /\b(?:completed|finished|done|accomplished|checked off|ticked off)\b|\bhave i (?:done|completed|finished)\b/i.test(
      text,
    )
  ) {
    if (
      /\b(?:not|un|in)(?:completed|finished|done)\b|\bnot (?:yet )?(?:completed|finished|done)\b/i.test(text)
    ) {
      return { kind: "list", status: "pending" };
    }
    return { kind: "list", status: "completed" };
  }
  if (
    /\b(?:pending|incomplete|unfinished|open|remaining|left|outstanding|still|undone|not done|to do|todo|need to do|have to do|due)\b/i.test(
      text,
    ) &&
    !/\b(?:all|every)\b/i.test(text)
  ) {
    return { kind: "list", status: "pending" };
  }
  if (
    new RegExp(
      String.raw`${TASK_NOUN}|\b(?:list|agenda|plate)\b|^(?:show|list|display|give)\b.*\beverything\b`,
      "i",
    ).test(text)
  ) {
    return { kind: "list", status: "all" };
  }
  return undefined;
}

function parseComplete(text: string): Intent | undefined {
  const patterns = [
    // "mark task 3 as complete", "set the milk task to done", "flag 2 done"
    new RegExp(String.raw`^(?:mark|set|flag|tick|check)\s+(.+?)\s+(?:as\s+|to\s+)?${COMPLETED_WORD}$`, "i"),
    // "complete task 3", "finish the report task", "check off task 2", "i finished task 3", "done with 4"
    /^(?:complete|finish|check off|tick off|cross off|close|i(?: have|'ve)? (?:completed|finished|done)|i did|done with|finished with|finished)\s+(.+)$/i,
    // "task 3 is done", "the milk task is finished"
    new RegExp(String.raw`^(.+?)\s+(?:is|are)\s+(?:now\s+)?${COMPLETED_WORD}$`, "i"),
  ];
  const target = firstCapture(text, patterns);
  if (!target || /^(?:what|which|how)\b/i.test(target)) return undefined;
  const task = parseTaskReference(target);
  return task ? { kind: "complete", task } : undefined;
}

function parseDelete(text: string): Intent | undefined {
  const target = firstCapture(text, [
    /^(?:delete|remove|cancel|drop|erase|trash|scrap|discard|get rid of|forget about|forget)\s+(.+)$/i,
  ]);
  if (!target) return undefined;
  const task = parseTaskReference(target.replace(/\s+from (?:my|the) (?:list|tasks|todo list)$/i, ""));
  return task ? { kind: "delete", task } : undefined;
}

function parseUpdate(text: string): Intent | undefined {
  // "change the description of task 2 to call before noon"
  const fieldFirst =
    /^(?:change|update|edit|set|modify|rename)\s+(?:the\s+)?(title|name|description|details|notes)\s+(?:of|for|on)\s+(.+?)\s+(?:to|into|as)\s+(.+)$/i.exec(
      text,
    );
  if (fieldFirst) return updateIntent(fieldFirst[2]!, fieldFirst[1]!, fieldFirst[3]!);
  // "change task 1 to 'Call mom tonight'", "rename task 4 to X", "update task 2's description to Y"
  const taskFirst =
    /^(?:change|update|edit|rename|modify|set|retitle)\s+(.+?)(?:'s)?(?:\s+(title|name|description|details|notes))?\s+(?:to|into|as|:)\s+(.+)$/i.exec(
      text,
    );
  if (taskFirst) return updateIntent(taskFirst[1]!, taskFirst[2] ?? "title", taskFirst[3]!);
  return undefined;
}

function updateIntent(target: string, fieldWord: string, value: string): Intent | undefined {
  const task = parseTaskReference(target);
  const cleaned = unquote(value);
  if (!task || !cleaned) return undefined;
  const field = /^(?:description|details|notes)$/i.test(fieldWord) ? "description" : "title";
  return { kind: "update", task, field, value: field === "title" ? capitalize(cleaned) : cleaned };
}

function parseHelp(text: string): Intent | undefined {
  return /^(?:hi|hello|hey|yo|help|hiya|good (?:morning|afternoon|evening)|what can you do|how does this work|how do i use this|what do you do|who are you|commands|\?)\b/i.test(
    text,
  ) || text === ""
    ? { kind: "help" }
    : undefined;
}

/** "task 3", "#3", "3", "number 3" -> id; "the meeting task", "buy milk" -> title words. */
export function parseTaskReference(raw: string): TaskReference | undefined {
  const text = unquote(raw.trim());
  const byNumber = new RegExp(
    String.raw`^(?:the\s+)?(?:${TASK_NOUN}\s*)?(?:number\s+|no\.?\s*|#\s*)?(\d{1,9})$`,
    "i",
  ).exec(text);
  if (byNumber) return { id: Number(byNumber[1]) };
  const title = unquote(
    text
      .replace(/^(?:the|my|that|this|a)\s+/i, "")
      .replace(new RegExp(String.raw`^${TASK_NOUN}\s+(?:called|named|titled|about|to|for)?\s*`, "i"), "")
      .replace(new RegExp(String.raw`\s+${TASK_NOUN}$`, "i"), "")
      .replace(/^(?:one|thing)\s+(?:about|to|for)\s+/i, ""),
  );
  if (!title || /^(?:it|that|this|them|all|everything)$/i.test(title)) return undefined;
  return { title };
}

function looksLikeListRequest(title: string): boolean {
  return new RegExp(String.raw`^(?:see|view|know|check|look at|list)\b.*\b${TASK_NOUN}\b`, "i").test(title);
}

function cleanTitle(raw: string): string {
  const title = unquote(
    raw
      .replace(
        new RegExp(
          String.raw`\s+(?:to|on|onto|in|into)\s+(?:my|the)\s+(?:todo\s+|to-do\s+|task\s+)?(?:list|${TASK_NOUN})$`,
          "i",
        ),
        "",
      )
      .replace(/\s+(?:for me)$/i, ""),
  );
  return capitalize(title);
}

function firstCapture(text: string, patterns: RegExp[]): string | undefined {
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match?.[1]) return match[1].trim();
  }
  return undefined;
}

function unquote(value: string): string {
  return value
    .trim()
    .replace(/^(["'`])(.*)\1$/s, "$2")
    .trim();
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
