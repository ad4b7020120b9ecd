// Builds a StackConfig the way the program does (parseConfig), from a plain object of stack settings.
import { parseConfig, type StackConfig } from "../../components/config.js";

export type Settings = Record<string, string | number | boolean | undefined>;

/** Parses settings as `pulumi config` would hold them; every key in `plaintext` is stored unencrypted. */
export function configFrom(settings: Settings = {}, plaintext: string[] = []): StackConfig {
  return parseConfig({
    get: (key) => (settings[key] === undefined ? undefined : String(settings[key])),
    isSecret: (key) => !plaintext.includes(key),
  });
}

/** The error message parseConfig throws for these settings ("" when they are valid). */
export function configErrorFor(settings: Settings, plaintext: string[] = []): string {
  try {
    configFrom(settings, plaintext);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}
