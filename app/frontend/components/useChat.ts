"use client";
// One conversation with the assistant. The backend keeps the history; the browser only
// remembers which conversation is open (per user, in localStorage) so a reload resumes it.
import { useCallback, useEffect, useRef, useState } from "react";
import { api, ApiError } from "../lib/api";
import type { ChatReply, Conversation, Message, ToolCall } from "../lib/types";

export type ChatEntry = Pick<Message, "role" | "content" | "tool_calls"> & { key: string };

// Every tool except list_tasks changes tasks, so the list must be refreshed after it runs.
const READ_ONLY_TOOLS = new Set(["list_tasks"]);
export const changesTasks = (calls: ToolCall[] | null) =>
  (calls ?? []).some((call) => !READ_ONLY_TOOLS.has(call.name));

export const storageKey = (userId: string) => `todo-chatbot:conversation:${userId}`;

function remember(userId: string, id: number | null) {
  try {
    if (id === null) localStorage.removeItem(storageKey(userId));
    else localStorage.setItem(storageKey(userId), String(id));
  } catch {
    // Storage can be disabled (private mode); the chat still works without resuming.
  }
}

function recalled(userId: string): number | null {
  try {
    const id = Number(localStorage.getItem(storageKey(userId)));
    return Number.isInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}

const toEntry = (message: Message): ChatEntry => ({
  key: `m${message.id}`,
  role: message.role,
  content: message.content,
  tool_calls: message.tool_calls,
});

const messageOf = (error: unknown) =>
  error instanceof ApiError ? error.message : "Something went wrong. Please try again.";

type Options = { userId: string; onApiError: (error: unknown) => void; onTasksChanged: () => void };

export function useChat({ userId, onApiError, onTasksChanged }: Options) {
  const [conversationId, setConversationId] = useState<number | null>(null);
  const [entries, setEntries] = useState<ChatEntry[]>([]);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [conversations, setConversations] = useState<Conversation[] | null>(null);
  const localKey = useRef(0);
  // Read by `send` at call time: an Undo offered earlier must reach the conversation open now, not the one its
  // closure saw (none, for the first message).
  const openId = useRef<number | null>(null);
  openId.current = conversationId;

  const fail = useCallback(
    (cause: unknown, what: string) => {
      onApiError(cause);
      setError(`${what}: ${messageOf(cause)}`);
    },
    [onApiError],
  );

  const open = useCallback(
    async (id: number) => {
      setError(null);
      try {
        const conversation = await api.getConversation(userId, id);
        setConversationId(conversation.id);
        setEntries(conversation.messages.map(toEntry));
        remember(userId, conversation.id);
      } catch (cause) {
        if (cause instanceof ApiError && cause.status === 404) {
          remember(userId, null); // deleted elsewhere: start fresh instead of failing forever
          return;
        }
        fail(cause, "Could not open the conversation");
      }
    },
    [userId, fail],
  );

  // Resume the conversation that was open before the reload.
  useEffect(() => {
    const id = recalled(userId);
    if (id !== null) void open(id);
  }, [userId, open]);

  const refreshConversations = useCallback(async () => {
    try {
      setConversations(await api.listConversations(userId));
    } catch (cause) {
      fail(cause, "Could not load past conversations");
    }
  }, [userId, fail]);

  const send = useCallback(
    /** Sends to the open conversation, or to `to` (which is then opened first). */
    async (text: string, to?: number): Promise<ChatReply | null> => {
      if (to !== undefined && to !== openId.current) {
        await open(to);
        openId.current = to;
      }
      setError(null);
      setSending(true);
      const mine: ChatEntry = {
        key: `local${++localKey.current}`,
        role: "user",
        content: text,
        tool_calls: null,
      };
      setEntries((current) => [...current, mine]);
      try {
        const reply = await api.chat(userId, text, openId.current ?? undefined);
        setEntries((current) => [
          ...current,
          {
            key: `local${++localKey.current}`,
            role: "assistant",
            content: reply.response,
            tool_calls: reply.tool_calls,
          },
        ]);
        setConversationId(reply.conversation_id);
        remember(userId, reply.conversation_id);
        if (changesTasks(reply.tool_calls)) onTasksChanged();
        if (conversations !== null) void refreshConversations();
        return reply;
      } catch (cause) {
        setEntries((current) => current.filter((entry) => entry !== mine));
        fail(cause, "The message was not sent");
        return null;
      } finally {
        setSending(false);
      }
    },
    [userId, conversations, onTasksChanged, refreshConversations, fail, open],
  );

  const startNew = useCallback(() => {
    setConversationId(null);
    setEntries([]);
    setError(null);
    remember(userId, null);
  }, [userId]);

  const removeConversation = useCallback(
    async (id: number) => {
      try {
        await api.deleteConversation(userId, id);
        if (id === conversationId) startNew();
        setConversations((current) => current?.filter((item) => item.id !== id) ?? null);
      } catch (cause) {
        fail(cause, "Could not delete the conversation");
      }
    },
    [userId, conversationId, startNew, fail],
  );

  return {
    conversationId,
    entries,
    sending,
    error,
    conversations,
    dismissError: () => setError(null),
    send,
    open,
    startNew,
    refreshConversations,
    removeConversation,
  };
}
