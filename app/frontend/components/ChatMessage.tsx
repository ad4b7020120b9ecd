import { curlyQuotes } from "../lib/quotes";
import { STATE_WORD } from "../lib/taskWords";
import { touchedTasks, withoutListedTasks } from "../lib/touchedTasks";
import type { ChatEntry } from "./useChat";

type Props = { entry: ChatEntry; onShowTask?: (id: number) => void };

export function ChatMessage({ entry, onShowTask }: Props) {
  const mine = entry.role === "user";
  const tasks = mine ? [] : touchedTasks(entry.tool_calls, entry.content);
  return (
    <li className={`message ${mine ? "from-user" : "from-assistant"}`}>
      <span className="sr-only">{mine ? "You said:" : "Assistant said:"}</span>
      <div className="bubble" dir="auto">
        {mine ? entry.content : curlyQuotes(withoutListedTasks(entry.content, tasks))}
      </div>
      {tasks.length > 0 ? (
        <ul className="task-chips" aria-label="Tasks in this reply">
          {tasks.map((task) => {
            const body = (
              <>
                <span className="task-chip-id">#{task.id}</span>{" "}
                <span className="task-chip-title" dir="auto">
                  {task.title}
                </span>{" "}
                <span className="task-chip-state">{STATE_WORD[task.state]}</span>
              </>
            );
            return (
              <li key={task.id}>
                {/* A deleted task is no longer in the list: nothing to show, so no button. */}
                {task.state === "deleted" || !onShowTask ? (
                  <span className={`task-chip ${task.state}`}>{body}</span>
                ) : (
                  <button
                    type="button"
                    className={`task-chip ${task.state}`}
                    onClick={() => onShowTask(task.id)}
                    title="Show in the task list"
                  >
                    {body}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      ) : null}
    </li>
  );
}
