import { z } from "zod";

/** One tool call as the chat API reports and stores it: the result is the tool's JSON, or `{error}`. */
export const toolCallSchema = z
  .object({ name: z.string(), arguments: z.record(z.string(), z.unknown()), result: z.unknown() })
  .meta({ id: "ToolCall" });
export type ToolCallRecord = z.infer<typeof toolCallSchema>;

/** Whether a recorded call failed (its result is the tool's error text). */
export function failedCall(call: ToolCallRecord): call is ToolCallRecord & { result: { error: string } } {
  const result = call.result as { error?: unknown } | null;
  return (
    typeof result === "object" &&
    result !== null &&
    typeof result.error === "string" &&
    Object.keys(result).length === 1
  );
}
