import { describe, expect, it } from "vitest";
import { curlyQuotes } from "../../lib/quotes";

describe("curlyQuotes", () => {
  it("curls paired double quotes and in-word apostrophes, in any script", () => {
    expect(curlyQuotes('Added task 1: "Buy milk".')).toBe("Added task 1: “Buy milk”.");
    expect(curlyQuotes(`Sorry, I didn't understand that.`)).toBe("Sorry, I didn’t understand that.");
    expect(curlyQuotes('کام 1 "کتاب" مکمل ہو گیا')).toBe("کام 1 “کتاب” مکمل ہو گیا");
    expect(curlyQuotes('- "a"\n- "b"')).toBe("- “a”\n- “b”");
  });

  it("leaves a lone quote, and quotes across lines, as they are", () => {
    expect(curlyQuotes('5" screen')).toBe('5" screen');
    expect(curlyQuotes('"one\ntwo"')).toBe('"one\ntwo"');
    expect(curlyQuotes("the '90s")).toBe("the '90s");
  });
});
