// What the auth routes accept from a person: bounded names and emails, and passwords that are hard to guess.
// Better Auth checks only the password's length and the email's form; these rules run first, as a `before` hook.
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { APIError } from "better-auth/api";
import { loadOnce } from "./load-once.js";

export const LIMITS = {
  nameMax: 100,
  // The longest address SMTP can carry (RFC 5321, 4.5.3.1.3).
  emailMax: 254,
  passwordMin: 8,
  // Bounds the hashing (scrypt) and strength-check work one request can cause.
  passwordMax: 128,
  imageMax: 2048,
  // zxcvbn's scale 0-4; 3 is "safely unguessable: moderate protection from an offline slow-hash scenario".
  passwordMinScore: 3,
} as const;

/** The request fields each auth path takes from a person (Better Auth's body names). */
const FIELDS: Record<
  string,
  { names?: string[]; emails?: string[]; passwords?: string[]; images?: string[] }
> = {
  "/sign-up/email": { names: ["name"], emails: ["email"], passwords: ["password"], images: ["image"] },
  "/sign-in/email": { emails: ["email"] },
  "/update-user": { names: ["name"], images: ["image"] },
  "/change-password": { passwords: ["newPassword"] },
  "/reset-password": { passwords: ["newPassword"] },
  "/change-email": { emails: ["newEmail"] },
};

// Control characters cannot be shown, and PostgreSQL text cannot store U+0000.
const CONTROL_CHARACTERS = /\p{Cc}/u;

// Built on first use: loading the dictionaries takes about 0.2 s and about 40 MiB, most of the backend's idle
// memory if they were imported at start (docs/benchmarks.md), so they are imported here. The check runs on the event loop, so its
// work is capped: only the first 64 characters are scored (a longer strong prefix is strong anyway) and
// at most 10 l33t substitutions are tried. Measured on 2 cores with 128-character l33t-heavy repetitions (the
// worst inputs found): at most 0.13 s, where the defaults (256, 100) took up to 2 s, and 6 s with Levenshtein.
//
// The language packages are CommonJS (package.json "main": dist/index.cjs, no "exports"). Their exports are
// read from `default`, which is module.exports both in Node (https://nodejs.org/api/esm.html#commonjs-namespaces)
// and in the esbuild bundle, whose split chunk for a dynamically imported CommonJS module has `default` only
// (https://esbuild.github.io/content-types/#default-interop). Named exports would be undefined in the bundle,
// and zxcvbn would score every password with no dictionaries: so a checker without them is refused here.
const strengthChecker = loadOnce(async () => {
  const [{ default: common }, { default: en }] = await Promise.all([
    import("@zxcvbn-ts/language-common"),
    import("@zxcvbn-ts/language-en"),
  ]);
  const dictionary = { ...common?.dictionary, ...en?.dictionary };
  if (Object.keys(dictionary).length === 0 || !common?.adjacencyGraphs || !en?.translations) {
    throw new Error("the password-strength dictionaries (@zxcvbn-ts/language-common, -en) did not load");
  }
  return new ZxcvbnFactory({
    dictionary,
    graphs: common.adjacencyGraphs,
    translations: en.translations,
    maxLength: 64,
    l33tMaxSubstitutions: 10,
  });
});

function invalid(field: string, message: string, code = "VALIDATION_ERROR"): APIError {
  return new APIError("BAD_REQUEST", { code, message: `${field}: ${message}`, field });
}

/**
 * Throws a 400 naming the first bad field of an auth request and how to fix it; does nothing for paths without
 * person-entered fields. Values of the wrong type are left to Better Auth's own schema.
 */
export async function checkAuthInput(path: string, body: unknown): Promise<void> {
  const fields = FIELDS[path];
  if (!fields || typeof body !== "object" || body === null) return;
  const values = body as Record<string, unknown>;
  const text = (field: string) => (typeof values[field] === "string" ? values[field] : undefined);

  for (const field of fields.names ?? []) {
    const name = text(field);
    if (name === undefined) continue;
    const length = name.trim().length;
    if (length === 0) throw invalid(field, "is empty: enter the name to show in the app.");
    if (length > LIMITS.nameMax) {
      throw invalid(field, `is ${length} characters long: use at most ${LIMITS.nameMax}.`);
    }
    if (CONTROL_CHARACTERS.test(name)) {
      throw invalid(field, "contains control characters (such as U+0000 or a line break): remove them.");
    }
  }
  for (const field of fields.emails ?? []) {
    const email = text(field);
    if (email !== undefined && email.length > LIMITS.emailMax) {
      throw invalid(
        field,
        `is ${email.length} characters long: an email address has at most ${LIMITS.emailMax}.`,
      );
    }
  }
  for (const field of fields.images ?? []) {
    const image = text(field);
    if (image !== undefined && image.length > LIMITS.imageMax) {
      throw invalid(
        field,
        `is ${image.length} characters long: use an image URL of at most ${LIMITS.imageMax}.`,
      );
    }
  }
  for (const field of fields.passwords ?? []) {
    const password = text(field);
    if (password === undefined) continue;
    if (password.length < LIMITS.passwordMin) {
      throw invalid(
        field,
        `is ${password.length} characters long: use at least ${LIMITS.passwordMin}; a few unrelated words are easy to remember.`,
        "PASSWORD_TOO_SHORT",
      );
    }
    if (password.length > LIMITS.passwordMax) {
      throw invalid(
        field,
        `is ${password.length} characters long: use at most ${LIMITS.passwordMax}.`,
        "PASSWORD_TOO_LONG",
      );
    }
    // The person's own name and email make a password easier to guess, so the checker counts them as known.
    const known = [text("name"), text("email"), text("currentPassword")].filter(
      (value): value is string => value !== undefined && value !== "",
    );
    const result = (await strengthChecker()).check(password, known);
    if (result.score < LIMITS.passwordMinScore) {
      const why = result.feedback.warning ?? "It is too easy to guess.";
      const fix = result.feedback.suggestions.length
        ? result.feedback.suggestions.join(" ")
        : "Use a longer password, e.g. a few unrelated words.";
      throw invalid(field, `is too easy to guess. ${why} ${fix}`, "WEAK_PASSWORD");
    }
  }
}
