/** One tool call as the chat API reports and stores it: the result is the tool's JSON, or `{error}`. */
export interface ToolCallRecord {
  name: string;
  arguments: Record<string, unknown>;
  result: unknown;
}

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
