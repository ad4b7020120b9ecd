// The assistant's replies in the UI's typography: the UI writes “…” and ’ (Can’t, “buy milk”), the agents write
// plain ASCII quotes. Shown text only; the stored reply is unchanged.

// A pair of straight double quotes on one line, and an apostrophe between two letters (didn't, Ada's).
const QUOTED = /"([^"\n]*)"/g;
const APOSTROPHE = /(\p{L})'(\p{L})/gu;

export const curlyQuotes = (text: string) => text.replace(QUOTED, "“$1”").replace(APOSTROPHE, "$1’$2");
