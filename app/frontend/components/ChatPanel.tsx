"use client";
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { curlyQuotes } from "../lib/quotes";
import { describeChange } from "../lib/taskWords";
import { undoableChanges } from "../lib/touchedTasks";
import { LIMITS, type AgentInfo } from "../lib/types";
import { ChatMessage } from "./ChatMessage";
import { ConversationList } from "./ConversationList";
import { Icon } from "./Icon";
import { useChat } from "./useChat";
import type { UndoOffer } from "./useUndo";

type Props = {
  userId: string;
  agent: AgentInfo;
  onApiError: (error: unknown) => void;
  onTasksChanged: () => void;
  /** A task chip was clicked: show that task in the list. */
  onShowTask?: (id: number) => void;
  onUndoable?: (offer: UndoOffer) => void;
};

const SUGGESTIONS = ["Add a task to buy milk", "What's on my list?", "Mark task 1 as complete"];

export function ChatPanel({ userId, agent, onApiError, onTasksChanged, onShowTask, onUndoable }: Props) {
  const chat = useChat({ userId, onApiError, onTasksChanged });
  const [draft, setDraft] = useState("");
  const [historyOpen, setHistoryOpen] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const scroller = useRef<HTMLOListElement>(null);
  const lastReply = [...chat.entries].reverse().find((entry) => entry.role === "assistant");

  // Keep the newest message in view.
  useEffect(() => {
    const list = scroller.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [chat.entries, chat.sending]);

  /** Sends, then offers to undo what the reply completed or deleted (the agent undoes its last change). */
  async function send(text: string): Promise<boolean> {
    const reply = await chat.send(text);
    if (!reply) return false;
    const changes = undoableChanges(reply.tool_calls);
    if (changes.length > 0 && onUndoable) {
      // To the reply's conversation, even if another one has been opened since.
      const undo = () => void chat.send("undo", reply.conversation_id);
      onUndoable({ message: describeChange(changes), undo });
    }
    return true;
  }

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    const text = draft.trim();
    if (!text || chat.sending) return;
    setDraft("");
    if (!(await send(text))) setDraft(text);
    input.current?.focus();
  }

  // Enter sends; Shift+Enter starts a new line.
  function sendOnEnter(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  }

  function toggleHistory() {
    if (!historyOpen) void chat.refreshConversations();
    setHistoryOpen(!historyOpen);
  }

  async function openConversation(id: number) {
    await chat.open(id);
    setHistoryOpen(false);
    input.current?.focus();
  }

  function startNew() {
    chat.startNew();
    setHistoryOpen(false);
    input.current?.focus();
  }

  function pickSuggestion(text: string) {
    input.current?.focus();
    if (!chat.sending) void send(text);
  }

  return (
    <section className="panel chat-panel" aria-labelledby="chat-heading">
      <div className="panel-header">
        <h2 id="chat-heading">Assistant</h2>
        <span
          className={`badge ${agent.mode}`}
          title={
            agent.mode === "offline" ? "No AI model is configured: the built-in assistant answers" : undefined
          }
        >
          {agent.mode === "offline" ? "Offline assistant" : agent.model}
        </span>
        <div className="panel-actions">
          <button
            type="button"
            className="button ghost small"
            onClick={toggleHistory}
            aria-expanded={historyOpen}
            aria-controls="chat-history"
          >
            <Icon name="history" /> <span className="button-label">History</span>
          </button>
          <button type="button" className="button ghost small" onClick={startNew}>
            <Icon name="plus" /> <span className="button-label">New chat</span>
          </button>
        </div>
      </div>

      {historyOpen ? (
        <div id="chat-history" className="history">
          <ConversationList
            conversations={chat.conversations}
            currentId={chat.conversationId}
            onOpen={(id) => void openConversation(id)}
            onDelete={(id) => void chat.removeConversation(id)}
          />
        </div>
      ) : null}

      <ol className="messages" ref={scroller} aria-label="Messages">
        {chat.entries.length === 0 ? (
          <li className="chat-empty">
            <span className="empty-icon" aria-hidden="true">
              <Icon name="chat" size={22} />
            </span>
            <p className="empty-title">Manage your list by chatting</p>
            <p>Ask me to add, list, complete, update or delete tasks. Try one of these:</p>
            <div className="suggestions">
              {SUGGESTIONS.map((text) => (
                <button key={text} type="button" className="chip" onClick={() => pickSuggestion(text)}>
                  {text}
                </button>
              ))}
            </div>
            {agent.mode === "offline" ? (
              <p className="small">
                No AI model is configured, so a built-in assistant answers. It understands everyday phrasing
                in English, Urdu and Spanish, such as “I finished the milk one” or “undo”.
              </p>
            ) : null}
          </li>
        ) : (
          chat.entries.map((entry) => <ChatMessage key={entry.key} entry={entry} onShowTask={onShowTask} />)
        )}
        {chat.sending ? (
          <li className="message from-assistant typing" aria-hidden="true" title="The assistant is typing">
            <div className="bubble">
              <span className="dot" />
              <span className="dot" />
              <span className="dot" />
            </div>
          </li>
        ) : null}
      </ol>

      {/* Screen readers hear each new reply once, without re-reading the whole log. */}
      <p className="sr-only" aria-live="polite" role="status">
        {chat.sending
          ? "Assistant is thinking…"
          : lastReply
            ? `Assistant: ${curlyQuotes(lastReply.content)}`
            : ""}
      </p>

      {chat.error ? (
        <div className="notice error" role="alert">
          <span>{chat.error}</span>
          <button type="button" className="link-button" onClick={chat.dismissError}>
            Dismiss
          </button>
        </div>
      ) : null}

      <form className="composer" onSubmit={submit}>
        <label htmlFor="chat-input" className="sr-only">
          Message the assistant
        </label>
        <textarea
          id="chat-input"
          ref={input}
          className="input"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={sendOnEnter}
          placeholder="Message the assistant…"
          rows={1}
          maxLength={LIMITS.message}
        />
        <button
          type="submit"
          className="button primary icon-only"
          disabled={!draft.trim() || chat.sending}
          aria-label="Send"
        >
          <Icon name="send" size={18} />
        </button>
      </form>
    </section>
  );
}
