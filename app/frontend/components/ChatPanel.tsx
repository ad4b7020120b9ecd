"use client";
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import type { AgentInfo } from "../lib/types";
import { ChatMessage } from "./ChatMessage";
import { ConversationList } from "./ConversationList";
import { Icon } from "./Icon";
import { useChat } from "./useChat";

type Props = {
  userId: string;
  agent: AgentInfo;
  onApiError: (error: unknown) => void;
  onTasksChanged: () => void;
};

const SUGGESTIONS = ["Add a task to buy milk", "What's on my list?", "Mark task 1 as complete"];

export function ChatPanel({ userId, agent, onApiError, onTasksChanged }: Props) {
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

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    const text = draft.trim();
    if (!text || chat.sending) return;
    setDraft("");
    if (!(await chat.send(text))) setDraft(text);
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
    setDraft(text);
    input.current?.focus();
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
          {agent.mode === "offline" ? "Offline assistant" : (agent.model ?? "AI model")}
        </span>
        <div className="panel-actions">
          <button
            type="button"
            className="button ghost small"
            onClick={toggleHistory}
            aria-expanded={historyOpen}
            aria-controls="chat-history"
          >
            <Icon name="history" /> History
          </button>
          <button type="button" className="button ghost small" onClick={startNew}>
            <Icon name="plus" /> New chat
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
            <p>Ask me to add, list, complete, update or delete tasks.</p>
            {agent.mode === "offline" ? (
              <p className="notice info small">
                No AI model is configured, so a built-in assistant answers. It understands simple commands
                such as “add a task to …”, “show my tasks”, “complete task 3” or “delete task 2”.
              </p>
            ) : null}
            <div className="suggestions">
              {SUGGESTIONS.map((text) => (
                <button key={text} type="button" className="chip" onClick={() => pickSuggestion(text)}>
                  {text}
                </button>
              ))}
            </div>
          </li>
        ) : (
          chat.entries.map((entry) => <ChatMessage key={entry.key} entry={entry} />)
        )}
        {chat.sending ? (
          <li className="message from-assistant typing" aria-hidden="true">
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
        {chat.sending ? "Assistant is thinking…" : lastReply ? `Assistant: ${lastReply.content}` : ""}
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
          maxLength={4000}
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
