import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { TaskPanel } from "../../components/TaskPanel";
import type { UndoOffer } from "../../components/useUndo";
import { ApiError } from "../../lib/api";
import { FakeBackend, USER } from "./fakeBackend";

let backend: FakeBackend;
beforeEach(() => {
  backend = new FakeBackend().install();
});

function renderPanel(props: Partial<Parameters<typeof TaskPanel>[0]> = {}) {
  const onApiError = vi.fn();
  const view = render(<TaskPanel userId={USER.id} refreshKey={0} onApiError={onApiError} {...props} />);
  return { ...view, onApiError, user: userEvent.setup() };
}

const list = () => screen.getByRole("list", { name: /tasks/i });
const checkbox = (title: string) => screen.getByRole("checkbox", { name: title });
const titles = () =>
  within(list())
    .getAllByRole("listitem")
    .map((item) => item.querySelector(".task-title")?.textContent);

describe("TaskPanel", () => {
  it("lists the user's tasks newest first with their numbers and counts", async () => {
    backend.addTask("write report");
    backend.addTask("buy milk", true);
    renderPanel();

    await waitFor(() => expect(titles()).toEqual(["buy milk", "write report"]));
    expect(checkbox("buy milk")).toBeChecked();
    expect(checkbox("write report")).not.toBeChecked();
    expect(screen.getByText("#1")).toBeInTheDocument();
    expect(screen.getByText("1 pending · 1 completed")).toBeInTheDocument();
  });

  it("shows an empty state", async () => {
    renderPanel();
    expect(await screen.findByText(/No tasks yet/)).toBeInTheDocument();
  });

  it("shows a load error with a retry that works", async () => {
    backend.failNext("GET", /\/tasks$/, 500, "INTERNAL", "Database is down");
    backend.addTask("buy milk");
    const { user, onApiError } = renderPanel();

    expect(await screen.findByRole("alert")).toHaveTextContent("Could not load your tasks: Database is down");
    expect(onApiError).toHaveBeenCalledWith(expect.any(ApiError));
    await user.click(screen.getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(titles()).toEqual(["buy milk"]));
  });

  it("adds a task at once and keeps it when the backend saves it", async () => {
    const { user } = renderPanel();
    await screen.findByText(/No tasks yet/);
    const held = backend.holdNext("POST", /\/tasks$/);

    await user.type(screen.getByLabelText("New task title"), "buy milk");
    await user.type(screen.getByLabelText("Description (optional)"), "2 litres");
    await user.click(screen.getByRole("button", { name: "Add" }));

    // Optimistic: visible before the backend answered, not yet numbered.
    expect(titles()).toEqual(["buy milk"]);
    expect(screen.queryByText(/^#\d+$/)).not.toBeInTheDocument();
    expect(screen.getByLabelText("New task title")).toHaveValue("");

    held.release();
    expect(await screen.findByText("#1")).toBeInTheDocument();
    expect(backend.callsTo("POST", /\/tasks$/)[0]?.body).toEqual({
      title: "buy milk",
      description: "2 litres",
    });
    expect(screen.getByText("2 litres")).toBeInTheDocument();
  });

  it("takes an added task back out and restores the text when the backend refuses it", async () => {
    backend.addTask("existing");
    const { user } = renderPanel();
    await waitFor(() => expect(titles()).toEqual(["existing"]));
    backend.failNext("POST", /\/tasks$/, 400, "VALIDATION_ERROR", "title is too long");

    await user.type(screen.getByLabelText("New task title"), "buy milk{Enter}");

    expect(await screen.findByRole("alert")).toHaveTextContent("Could not add the task: title is too long");
    expect(titles()).toEqual(["existing"]);
    expect(screen.getByLabelText("New task title")).toHaveValue("buy milk");
  });

  it("completes a task optimistically and sends completed: true", async () => {
    backend.addTask("buy milk");
    const { user } = renderPanel();
    const held = backend.holdNext("PATCH", /\/complete$/);

    await user.click(await screen.findByRole("checkbox", { name: "buy milk" }));
    expect(checkbox("buy milk")).toBeChecked();

    held.release();
    await waitFor(() => expect(backend.tasks[0]?.completed).toBe(true));
    expect(backend.callsTo("PATCH", /\/tasks\/1\/complete$/)[0]?.body).toEqual({ completed: true });
    expect(checkbox("buy milk")).toBeChecked();
  });

  it("rolls a completion back when the backend fails", async () => {
    backend.addTask("buy milk");
    const { user, onApiError } = renderPanel();
    const held = backend.holdNext("PATCH", /\/complete$/, {
      status: 500,
      code: "INTERNAL",
      message: "Server exploded",
    });

    await user.click(await screen.findByRole("checkbox", { name: "buy milk" }));
    expect(checkbox("buy milk")).toBeChecked(); // optimistic
    held.release();

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Could not complete the task: Server exploded",
    );
    expect(checkbox("buy milk")).not.toBeChecked();
    expect(onApiError).toHaveBeenCalledWith(expect.objectContaining({ status: 500 }));
  });

  it("edits title and description, and rolls the edit back on failure", async () => {
    backend.addTask("buy milk");
    const { user } = renderPanel();

    await user.click(await screen.findByRole("button", { name: "Edit buy milk" }));
    const title = screen.getByLabelText("Title");
    expect(title).toHaveFocus();
    await user.clear(title);
    await user.type(title, "buy oat milk");
    await user.type(screen.getByLabelText("Description"), "from the corner shop");
    await user.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(titles()).toEqual(["buy oat milk"]));
    expect(backend.callsTo("PUT", /\/tasks\/1$/)[0]?.body).toEqual({
      title: "buy oat milk",
      description: "from the corner shop",
    });
    expect(screen.getByRole("button", { name: "Edit buy oat milk" })).toHaveFocus();

    backend.failNext("PUT", /\/tasks\/1$/, 500, "INTERNAL", "Server exploded");
    await user.click(screen.getByRole("button", { name: "Edit buy oat milk" }));
    await user.clear(screen.getByLabelText("Title"));
    await user.type(screen.getByLabelText("Title"), "something else{Enter}");

    expect(await screen.findByRole("alert")).toHaveTextContent("Could not save the task");
    expect(titles()).toEqual(["buy oat milk"]);
  });

  it("cancels an edit with Escape", async () => {
    backend.addTask("buy milk");
    const { user } = renderPanel();
    await user.click(await screen.findByRole("button", { name: "Edit buy milk" }));
    await user.type(screen.getByLabelText("Title"), " changed{Escape}");
    expect(titles()).toEqual(["buy milk"]);
    expect(backend.callsTo("PUT", /tasks/)).toHaveLength(0);
  });

  it("deletes a task, and puts it back in its place when the delete fails", async () => {
    backend.addTask("first");
    backend.addTask("second");
    backend.addTask("third");
    const { user } = renderPanel();
    await waitFor(() => expect(titles()).toEqual(["third", "second", "first"]));

    backend.failNext("DELETE", /\/tasks\/2$/, 500, "INTERNAL", "Server exploded");
    await user.click(screen.getByRole("button", { name: "Delete second" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Could not delete the task: Server exploded");
    expect(titles()).toEqual(["third", "second", "first"]);

    await user.click(screen.getByRole("button", { name: "Delete second" }));
    await waitFor(() => expect(backend.tasks.map((task) => task.title)).toEqual(["third", "first"]));
    expect(titles()).toEqual(["third", "first"]);
    expect(screen.getByRole("heading", { name: "Tasks" })).toHaveFocus();
  });

  it("hides a deleted task at once and deletes it only when the undo offer is settled", async () => {
    backend.addTask("first");
    backend.addTask("second");
    const onUndoable = vi.fn<(offer: UndoOffer) => void>();
    const { user } = renderPanel({ onUndoable });
    await waitFor(() => expect(titles()).toEqual(["second", "first"]));

    await user.click(screen.getByRole("button", { name: "Delete second" }));
    expect(titles()).toEqual(["first"]);
    expect(onUndoable.mock.calls[0]![0].message).toBe("Deleted #2 “second”");
    expect(backend.callsTo("DELETE", /\/tasks\/2$/)).toHaveLength(0);

    act(() => onUndoable.mock.calls[0]![0].undo());
    expect(titles()).toEqual(["second", "first"]);

    await user.click(screen.getByRole("button", { name: "Delete second" }));
    act(() => void onUndoable.mock.calls[1]![0].commit?.());
    await waitFor(() => expect(backend.tasks.map((task) => task.title)).toEqual(["first"]));
    expect(titles()).toEqual(["first"]);
  });

  it("keeps a task whose delete is pending hidden when the list reloads", async () => {
    backend.addTask("first");
    backend.addTask("second");
    const onUndoable = vi.fn();
    const { user, rerender } = renderPanel({ onUndoable });
    await waitFor(() => expect(titles()).toEqual(["second", "first"]));
    await user.click(screen.getByRole("button", { name: "Delete second" }));

    rerender(<TaskPanel userId={USER.id} refreshKey={1} onApiError={vi.fn()} onUndoable={onUndoable} />);
    await waitFor(() => expect(backend.callsTo("GET", /\/tasks/)).toHaveLength(2));
    expect(titles()).toEqual(["first"]);
  });

  it("offers to undo a completion, and the undo reopens the task", async () => {
    backend.addTask("buy milk");
    const onUndoable = vi.fn<(offer: UndoOffer) => void>();
    const { user } = renderPanel({ onUndoable });
    await user.click(await screen.findByRole("checkbox", { name: "buy milk" }));
    await waitFor(() => expect(onUndoable).toHaveBeenCalledTimes(1));
    expect(onUndoable.mock.calls[0]![0].message).toBe("Completed #1 “buy milk”");

    act(() => onUndoable.mock.calls[0]![0].undo());
    await waitFor(() => expect(backend.tasks[0]?.completed).toBe(false));
    expect(checkbox("buy milk")).not.toBeChecked();
    expect(onUndoable).toHaveBeenCalledTimes(1); // reopening offers nothing to undo
  });

  it("shows the task a chip points at: all tasks, lit and focused", async () => {
    backend.addTask("write report");
    backend.addTask("buy milk", true);
    const { user, rerender } = renderPanel();
    await waitFor(() => expect(titles()).toHaveLength(2));
    await user.click(screen.getByRole("button", { name: /Pending/ }));
    expect(titles()).toEqual(["write report"]);

    rerender(
      <TaskPanel userId={USER.id} refreshKey={0} onApiError={vi.fn()} highlight={{ id: 2, nonce: 1 }} />,
    );
    await waitFor(() => expect(checkbox("buy milk")).toHaveFocus());
    expect(screen.getByRole("button", { name: /All/ })).toHaveAttribute("aria-pressed", "true");
    expect(checkbox("buy milk").closest("li")).toHaveClass("highlighted");
    expect(checkbox("write report").closest("li")).not.toHaveClass("highlighted");
  });

  it("lets the user pick another filter after showing a task (the request is handled once)", async () => {
    backend.addTask("write report");
    backend.addTask("buy milk", true);
    const { user } = renderPanel({ highlight: { id: 2, nonce: 1 } });
    await waitFor(() => expect(checkbox("buy milk")).toHaveFocus());
    await user.click(screen.getByRole("button", { name: /Pending/ }));
    expect(screen.getByRole("button", { name: /Pending/ })).toHaveAttribute("aria-pressed", "true");
    expect(titles()).toEqual(["write report"]);
  });

  it("opens the details field once a title is typed, and keeps it open when focus leaves", async () => {
    const { user } = renderPanel();
    await screen.findByText(/No tasks yet/);
    await user.click(screen.getByLabelText("New task title"));
    expect(screen.queryByLabelText("Description (optional)")).not.toBeInTheDocument();
    await user.type(screen.getByLabelText("New task title"), "buy milk");
    expect(screen.getByLabelText("Description (optional)")).toBeInTheDocument();
    await user.click(screen.getByRole("heading", { name: "Tasks" }));
    expect(screen.getByLabelText("Description (optional)")).toBeInTheDocument();
  });

  it("filters all / pending / completed", async () => {
    backend.addTask("write report");
    backend.addTask("buy milk", true);
    backend.addTask("call mum");
    const { user } = renderPanel();
    await waitFor(() => expect(titles()).toHaveLength(3));

    await user.click(screen.getByRole("button", { name: /Pending/ }));
    expect(screen.getByRole("button", { name: /Pending/ })).toHaveAttribute("aria-pressed", "true");
    expect(titles()).toEqual(["call mum", "write report"]);

    await user.click(screen.getByRole("button", { name: /Completed/ }));
    expect(titles()).toEqual(["buy milk"]);

    // Completing a pending task moves it out of the pending view.
    await user.click(screen.getByRole("button", { name: /Pending/ }));
    await user.click(checkbox("call mum"));
    expect(titles()).toEqual(["write report"]);

    await user.click(screen.getByRole("button", { name: /All/ }));
    expect(titles()).toEqual(["call mum", "buy milk", "write report"]);
  });

  it("reloads when the refresh key changes (the chat changed tasks)", async () => {
    const { rerender, onApiError } = renderPanel();
    await screen.findByText(/No tasks yet/);
    backend.addTask("added by chat");
    rerender(<TaskPanel userId={USER.id} refreshKey={1} onApiError={onApiError} />);
    await waitFor(() => expect(titles()).toEqual(["added by chat"]));
  });

  it("reports an unreachable backend to its parent", async () => {
    backend.failNext("GET", /\/tasks$/, 502, "BACKEND_UNREACHABLE", "The backend service is unreachable");
    const { onApiError } = renderPanel();
    await screen.findByRole("alert");
    const reported = onApiError.mock.calls[0]?.[0] as ApiError;
    expect(reported.unreachable).toBe(true);
  });
});
