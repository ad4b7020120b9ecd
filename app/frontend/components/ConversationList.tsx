import type { Conversation } from "../lib/types";
import { Icon } from "./Icon";

type Props = {
  conversations: Conversation[] | null;
  currentId: number | null;
  onOpen: (id: number) => void;
  onDelete: (id: number) => void;
};

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });

export function ConversationList({ conversations, currentId, onOpen, onDelete }: Props) {
  if (conversations === null)
    return (
      <p className="history-empty" role="status">
        Loading conversations…
      </p>
    );
  if (conversations.length === 0) return <p className="history-empty">No past conversations yet.</p>;
  return (
    <ul className="history-list" aria-label="Past conversations">
      {conversations.map((conversation) => (
        <li key={conversation.id} className={conversation.id === currentId ? "current" : undefined}>
          <button
            type="button"
            className="history-open"
            onClick={() => onOpen(conversation.id)}
            aria-current={conversation.id === currentId ? "true" : undefined}
          >
            <span className="history-title">{conversation.title || "Untitled conversation"}</span>
            <span className="history-date">{when(conversation.updated_at)}</span>
          </button>
          <button
            type="button"
            className="icon-button danger"
            onClick={() => onDelete(conversation.id)}
            aria-label={`Delete conversation ${conversation.title}`}
          >
            <Icon name="close" size={14} />
          </button>
        </li>
      ))}
    </ul>
  );
}
