import type { ChatEntry } from "./useChat";

export function ChatMessage({ entry }: { entry: ChatEntry }) {
  const calls = entry.tool_calls ?? [];
  const mine = entry.role === "user";
  return (
    <li className={`message ${mine ? "from-user" : "from-assistant"}`}>
      <span className="sr-only">{mine ? "You said:" : "Assistant said:"}</span>
      <div className="bubble">{entry.content}</div>
      {calls.length > 0 ? (
        <details className="tool-calls">
          <summary>Used {calls.map((call) => call.name).join(", ")}</summary>
          <ul>
            {calls.map((call, index) => (
              <li key={index}>
                <code>{call.name}</code>
                <pre>{JSON.stringify(call.arguments, null, 1)}</pre>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </li>
  );
}
