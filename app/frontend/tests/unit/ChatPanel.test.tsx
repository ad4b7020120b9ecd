import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ChatPanel } from "../../components/ChatPanel";
import { storageKey } from "../../components/useChat";
import type { UndoOffer } from "../../components/useUndo";
import type { AgentInfo } from "../../lib/types";
import { FakeBackend, USER } from "./fakeBackend";

let backend: FakeBackend;
beforeEach(() => {
  backend = new FakeBackend().install();
});

const OFFLINE: AgentInfo = { mode: "offline", model: "offline" };

function renderChat(agent: AgentInfo = OFFLINE) {
  const onTasksChanged = vi.fn();
  const onApiError = vi.fn();
  const onShowTask = vi.fn();
  const onUndoable = vi.fn<(offer: UndoOffer) => void>();
  const view = render(
    <ChatPanel
      userId={USER.id}
      agent={agent}
      onApiError={onApiError}
      onTasksChanged={onTasksChanged}
      onShowTask={onShowTask}
      onUndoable={onUndoable}
    />,
  );
  return { ...view, onTasksChanged, onApiError, onShowTask, onUndoable, user: userEvent.setup() };
}

const chips = () => within(screen.getByRole("list", { name: "Tasks in this reply" }));

const input = () => screen.getByLabelText("Message the assistant");
const bubbles = () =>
  within(screen.getByRole("list", { name: "Messages" }))
    .queryAllByRole("listitem")
    .map((item) => item.querySelector(".bubble")?.textContent)
    .filter(Boolean);

describe("ChatPanel", () => {
  it("sends a message and shows the reply, the tasks it touched as chips, and announces it", async () => {
    backend.chat = (message) => ({
      response: `Added "${message.replace(/^add a task to /, "")}".`,
      tool_calls: [
        {
          name: "add_task",
          arguments: { title: "buy milk" },
          result: { task_id: 7, status: "created", title: "buy milk" },
        },
      ],
    });
    const { user, onShowTask } = renderChat();

    await user.type(input(), "add a task to buy milk");
    await user.click(screen.getByRole("button", { name: "Send" }));

    // The reply in the UI's typography (curly quotes), as the toasts and the rest of the UI write.
    await waitFor(() => expect(bubbles()).toEqual(["add a task to buy milk", "Added “buy milk”."]));
    expect(screen.getByRole("status", { name: "" })).toHaveTextContent("Assistant: Added “buy milk”.");
    expect(backend.callsTo("POST", /\/chat$/)[0]?.body).toEqual({ message: "add a task to buy milk" });
    expect(input()).toHaveValue("");
    expect(input()).toHaveFocus();
    expect(screen.queryByText(/add_task/)).not.toBeInTheDocument(); // no internal tool names
    await user.click(chips().getByRole("button", { name: "#7 buy milk Added" }));
    expect(onShowTask).toHaveBeenCalledWith(7);
  });

  it("continues the same conversation on the next message", async () => {
    const { user } = renderChat();
    await user.type(input(), "hello{Enter}");
    await waitFor(() => expect(bubbles()).toHaveLength(2));
    await user.type(input(), "again{Enter}");
    await waitFor(() => expect(bubbles()).toHaveLength(4));

    const [first, second] = backend.callsTo("POST", /\/chat$/);
    const conversationId = backend.conversations[0]!.id;
    expect(first?.body).toEqual({ message: "hello" });
    expect(second?.body).toEqual({ conversation_id: conversationId, message: "again" });
  });

  it("Shift+Enter adds a new line instead of sending", async () => {
    const { user } = renderChat();
    await user.type(input(), "line one{Shift>}{Enter}{/Shift}line two");
    expect(input()).toHaveValue("line one\nline two");
    expect(backend.callsTo("POST", /\/chat$/)).toHaveLength(0);
  });

  it("asks for a task refresh only when a tool changed tasks", async () => {
    backend.chat = (message) =>
      message === "list"
        ? { response: "You have no tasks.", tool_calls: [{ name: "list_tasks", arguments: {}, result: [] }] }
        : {
            response: "Done.",
            tool_calls: [{ name: "complete_task", arguments: { task_id: 1 }, result: {} }],
          };
    const { user, onTasksChanged } = renderChat();

    await user.type(input(), "list{Enter}");
    await screen.findByText("You have no tasks.");
    expect(onTasksChanged).not.toHaveBeenCalled();

    await user.type(input(), "complete task 1{Enter}");
    await screen.findByText("Done.");
    expect(onTasksChanged).toHaveBeenCalledTimes(1);
  });

  it("remembers the conversation and resumes it after a reload", async () => {
    const first = renderChat();
    await first.user.type(input(), "remember me{Enter}");
    await waitFor(() => expect(bubbles()).toHaveLength(2));
    const id = backend.conversations[0]!.id;
    expect(localStorage.getItem(storageKey(USER.id))).toBe(String(id));
    first.unmount();

    renderChat(); // what a reload does
    await waitFor(() => expect(bubbles()).toEqual(["remember me", "Hello!"]));
    expect(backend.callsTo("GET", new RegExp(`/conversations/${id}$`))).toHaveLength(1);
  });

  it("forgets a remembered conversation that no longer exists", async () => {
    localStorage.setItem(storageKey(USER.id), "999");
    renderChat();
    await waitFor(() => expect(localStorage.getItem(storageKey(USER.id))).toBeNull());
    expect(screen.getByText(/Ask me to add, list/)).toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("lists past conversations and reopens one", async () => {
    backend.addConversation("Groceries", [
      { role: "user", content: "add a task to buy milk", tool_calls: null },
      {
        role: "assistant",
        content: "Added buy milk.",
        tool_calls: [
          { name: "add_task", arguments: {}, result: { task_id: 3, status: "created", title: "milk" } },
        ],
      },
    ]);
    backend.addConversation("Work", [{ role: "user", content: "show my tasks", tool_calls: null }]);
    const { user } = renderChat();

    const historyButton = screen.getByRole("button", { name: /History/ });
    await user.click(historyButton);
    expect(historyButton).toHaveAttribute("aria-expanded", "true");
    const history = await screen.findByRole("list", { name: "Past conversations" });
    const titles = within(history).getAllByRole("button", { name: /^(Groceries|Work)/ });
    expect(titles.map((button) => button.querySelector(".history-title")?.textContent)).toEqual([
      "Work",
      "Groceries",
    ]);

    await user.click(within(history).getByRole("button", { name: /^Groceries/ }));
    await waitFor(() => expect(bubbles()).toEqual(["add a task to buy milk", "Added buy milk."]));
    expect(chips().getByRole("button", { name: "#3 milk Added" })).toBeInTheDocument();
    expect(screen.queryByRole("list", { name: "Past conversations" })).not.toBeInTheDocument();
    const groceries = backend.conversations.find((item) => item.title === "Groceries")!;
    expect(localStorage.getItem(storageKey(USER.id))).toBe(String(groceries.id));
    expect(input()).toHaveFocus();
  });

  it("starts a new chat", async () => {
    const { user } = renderChat();
    await user.type(input(), "hello{Enter}");
    await waitFor(() => expect(bubbles()).toHaveLength(2));
    await user.click(screen.getByRole("button", { name: /New chat/ }));
    expect(bubbles()).toEqual([]);
    expect(localStorage.getItem(storageKey(USER.id))).toBeNull();

    await user.type(input(), "fresh start{Enter}");
    await waitFor(() => expect(bubbles()).toHaveLength(2));
    expect(backend.callsTo("POST", /\/chat$/)[1]?.body).toEqual({ message: "fresh start" });
  });

  it("shows a failed send, takes the message back out and keeps the draft", async () => {
    backend.failNext("POST", /\/chat$/, 429, "RATE_LIMITED", "Too many chat requests; wait a minute");
    const { user, onApiError } = renderChat();

    await user.type(input(), "hello{Enter}");

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "The message was not sent: Too many chat requests; wait a minute",
    );
    expect(bubbles()).toEqual([]);
    expect(input()).toHaveValue("hello");
    expect(onApiError).toHaveBeenCalledWith(expect.objectContaining({ status: 429 }));
  });

  it("says when the built-in offline assistant answers, and names the model otherwise", async () => {
    const offline = renderChat(OFFLINE);
    expect(screen.getByText("Offline assistant")).toBeInTheDocument();
    expect(screen.getByText(/No AI model is configured/)).toBeInTheDocument();
    offline.unmount();

    renderChat({ mode: "llm", model: "gpt-4o-mini" });
    expect(screen.getByText("gpt-4o-mini")).toBeInTheDocument();
    expect(screen.queryByText(/No AI model is configured/)).not.toBeInTheDocument();
  });

  it("sends a suggestion when it is clicked", async () => {
    const { user } = renderChat();
    await user.click(screen.getByRole("button", { name: "Add a task to buy milk" }));
    await waitFor(() => expect(bubbles()).toEqual(["Add a task to buy milk", "Hello!"]));
    expect(backend.callsTo("POST", /\/chat$/)[0]?.body).toEqual({ message: "Add a task to buy milk" });
    expect(input()).toHaveFocus();
  });

  it("offers to undo a reply that deleted or completed tasks, by sending “undo” to the same conversation", async () => {
    backend.chat = (message) =>
      message === "delete task 2"
        ? {
            response: "Deleted.",
            tool_calls: [
              { name: "delete_task", arguments: {}, result: { task_id: 2, status: "deleted", title: "old" } },
            ],
          }
        : { response: "Restored." };
    const { user, onUndoable } = renderChat();
    await user.type(input(), "delete task 2{Enter}");
    await waitFor(() => expect(onUndoable).toHaveBeenCalledTimes(1));
    // A deleted task is gone from the list: its chip shows it but points nowhere.
    expect(chips().queryByRole("button")).not.toBeInTheDocument();
    expect(chips().getByText("old")).toBeInTheDocument();

    const offer = onUndoable.mock.calls[0]![0];
    expect(offer.message).toBe("Deleted #2 “old”");
    offer.undo();
    await waitFor(() => expect(bubbles()).toEqual(["delete task 2", "Deleted.", "undo", "Restored."]));
    const [first, second] = backend.callsTo("POST", /\/chat$/);
    expect(second?.body).toEqual({ conversation_id: backend.conversations[0]!.id, message: "undo" });
    expect(first?.body).toEqual({ message: "delete task 2" });
  });

  it("sends the chat's undo to the reply's conversation after another one was opened", async () => {
    backend.chat = (message) =>
      message === "complete task 2"
        ? {
            response: "Completed.",
            tool_calls: [
              {
                name: "complete_task",
                arguments: {},
                result: { task_id: 2, status: "completed", title: "x" },
              },
            ],
          }
        : { response: "OK." };
    const { user, onUndoable } = renderChat();
    await user.type(input(), "complete task 2{Enter}");
    await waitFor(() => expect(onUndoable).toHaveBeenCalledTimes(1));
    const first = backend.conversations[0]!.id;
    await user.click(screen.getByRole("button", { name: /New chat/ }));
    await user.type(input(), "hello{Enter}");
    await waitFor(() => expect(bubbles()).toEqual(["hello", "OK."]));

    act(() => onUndoable.mock.calls[0]![0].undo());
    await waitFor(() => expect(bubbles()).toEqual(["complete task 2", "Completed.", "undo", "OK."]));
    expect(backend.callsTo("POST", /\/chat$/)[2]?.body).toEqual({ conversation_id: first, message: "undo" });
  });

  it("offers no undo for a reply that only added or listed tasks", async () => {
    backend.chat = () => ({
      response: "Added.",
      tool_calls: [
        { name: "add_task", arguments: {}, result: { task_id: 1, status: "created", title: "a" } },
      ],
    });
    const { user, onUndoable } = renderChat();
    await user.type(input(), "add a{Enter}");
    await waitFor(() => expect(bubbles()).toHaveLength(2));
    expect(onUndoable).not.toHaveBeenCalled();
  });
});
