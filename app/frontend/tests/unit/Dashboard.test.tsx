import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { Dashboard } from "../../components/Dashboard";
import { UNDO_SECONDS } from "../../components/useUndo";
import { FakeBackend, USER } from "./fakeBackend";
import { router } from "./router";

vi.mock("next/navigation", () => import("./router"));

let backend: FakeBackend;
beforeEach(() => {
  backend = new FakeBackend().install();
  router.replace.mockReset();
});

describe("Dashboard", () => {
  it("shows the user, the task list and the chat", async () => {
    backend.addTask("buy milk");
    render(<Dashboard />);
    expect(await screen.findByText(USER.name)).toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Tasks" })).toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Assistant" })).toBeInTheDocument();
    expect(await screen.findByRole("checkbox", { name: "buy milk" })).toBeInTheDocument();
  });

  it("sends a signed-out visitor to sign-in", async () => {
    backend.signedIn = false;
    render(<Dashboard />);
    await waitFor(() => expect(router.replace).toHaveBeenCalledWith("/sign-in"));
    expect(screen.queryByRole("region", { name: "Tasks" })).not.toBeInTheDocument();
  });

  it("shows a banner while the backend is unreachable, and recovers on retry", async () => {
    backend.failNext("GET", /^\/api\/me$/, 502, "BACKEND_UNREACHABLE", "The backend service is unreachable");
    const user = userEvent.setup();
    render(<Dashboard />);

    expect(await screen.findByRole("alert")).toHaveTextContent("Can’t reach the server.");
    await user.click(screen.getByRole("button", { name: "Try again" }));

    expect(await screen.findByRole("region", { name: "Tasks" })).toBeInTheDocument();
    expect(screen.queryByText("Can’t reach the server.")).not.toBeInTheDocument();
  });

  it("refreshes the task list after the chat changed tasks", async () => {
    backend.chat = (_message, fake) => {
      const task = fake.addTask("buy milk");
      return {
        response: "Added.",
        tool_calls: [{ name: "add_task", arguments: { title: "buy milk" }, result: task }],
      };
    };
    const user = userEvent.setup();
    render(<Dashboard />);
    await screen.findByText(/No tasks yet/);

    await user.type(screen.getByLabelText("Message the assistant"), "add a task to buy milk{Enter}");
    expect(await screen.findByRole("checkbox", { name: "buy milk" })).toBeInTheDocument();
  });

  it("switches between the task list and the assistant (one at a time on a phone)", async () => {
    const user = userEvent.setup();
    render(<Dashboard />);
    const workspace = (await screen.findByRole("region", { name: "Tasks" })).closest("main")!;
    const switcher = within(screen.getByRole("navigation", { name: "Switch view" }));
    expect(workspace).toHaveAttribute("data-view", "tasks");
    await user.click(switcher.getByRole("button", { name: "Assistant" }));
    expect(workspace).toHaveAttribute("data-view", "chat");
    expect(switcher.getByRole("button", { name: "Assistant" })).toHaveAttribute("aria-pressed", "true");
    expect(switcher.getByRole("button", { name: "Tasks" })).toHaveAttribute("aria-pressed", "false");
  });

  it("shows the task list, lit at the task, when a chip in a reply is clicked", async () => {
    backend.addTask("buy milk");
    backend.addTask("call mum");
    backend.chat = () => ({
      response: "Done.",
      tool_calls: [
        { name: "update_task", arguments: {}, result: { task_id: 1, status: "updated", title: "buy milk" } },
      ],
    });
    const user = userEvent.setup();
    render(<Dashboard />);
    await screen.findByRole("checkbox", { name: "buy milk" });
    const switcher = within(screen.getByRole("navigation", { name: "Switch view" }));
    await user.click(switcher.getByRole("button", { name: "Assistant" }));
    await user.type(screen.getByLabelText("Message the assistant"), "rename{Enter}");
    await user.click(await screen.findByRole("button", { name: "#1 buy milk Updated" }));

    expect(screen.getByRole("region", { name: "Tasks" }).closest("main")).toHaveAttribute(
      "data-view",
      "tasks",
    );
    await waitFor(() => expect(screen.getByRole("checkbox", { name: "buy milk" })).toHaveFocus());
    expect(screen.getByRole("checkbox", { name: "buy milk" }).closest("li")).toHaveClass("highlighted");
  });

  it("deletes from the list behind an Undo toast: Undo keeps the task, dismissing deletes it", async () => {
    backend.addTask("buy milk");
    const user = userEvent.setup();
    render(<Dashboard />);
    await user.click(await screen.findByRole("button", { name: "Delete buy milk" }));
    expect(screen.queryByRole("checkbox", { name: "buy milk" })).not.toBeInTheDocument();
    expect(screen.getByText("Deleted #1 “buy milk”")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Undo" }));
    expect(screen.getByRole("checkbox", { name: "buy milk" })).toBeInTheDocument();
    expect(screen.queryByText("Deleted #1 “buy milk”")).not.toBeInTheDocument();
    expect(backend.callsTo("DELETE", /\/tasks\/1$/)).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Delete buy milk" }));
    await user.click(screen.getByRole("button", { name: "Dismiss" }));
    await waitFor(() => expect(backend.tasks).toEqual([]));
  });

  it("sends a pending delete when the page is hidden", async () => {
    backend.addTask("buy milk");
    const user = userEvent.setup();
    render(<Dashboard />);
    await user.click(await screen.findByRole("button", { name: "Delete buy milk" }));
    expect(backend.tasks).toHaveLength(1);
    act(() => window.dispatchEvent(new Event("pagehide")));
    await waitFor(() => expect(backend.tasks).toEqual([]));
    expect(screen.queryByText("Deleted #1 “buy milk”")).not.toBeInTheDocument();
  });

  it("sends a pending delete when the toast times out", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      backend.addTask("buy milk");
      const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
      render(<Dashboard />);
      await user.click(await screen.findByRole("button", { name: "Delete buy milk" }));
      act(() => vi.advanceTimersByTime((UNDO_SECONDS - 1) * 1000));
      expect(backend.callsTo("DELETE", /\/tasks\/1$/)).toHaveLength(0);
      act(() => vi.advanceTimersByTime(2000));
      await waitFor(() => expect(backend.tasks).toEqual([]));
    } finally {
      vi.useRealTimers();
    }
  });

  it("holds the toast while keyboard focus is on it", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      backend.addTask("buy milk");
      const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
      render(<Dashboard />);
      await user.click(await screen.findByRole("button", { name: "Delete buy milk" }));
      act(() => screen.getByRole("button", { name: "Undo" }).focus());
      act(() => vi.advanceTimersByTime(UNDO_SECONDS * 3000));
      expect(screen.getByText("Deleted #1 “buy milk”")).toBeInTheDocument();
      expect(backend.callsTo("DELETE", /\/tasks\/1$/)).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("saves a delete still waiting behind its toast before signing out", async () => {
    backend.addTask("buy milk");
    const user = userEvent.setup();
    render(<Dashboard />);
    await user.click(await screen.findByRole("button", { name: "Delete buy milk" }));
    await user.click(screen.getByRole("button", { name: "Sign out" }));
    await waitFor(() => expect(router.replace).toHaveBeenCalledWith("/sign-in"));
    const order = backend.calls.map((call) => `${call.method} ${call.path}`);
    expect(order.indexOf("DELETE /api/user-1/tasks/1")).toBeGreaterThan(-1);
    expect(order.indexOf("DELETE /api/user-1/tasks/1")).toBeLessThan(
      order.indexOf("POST /api/auth/sign-out"),
    );
  });

  it("signs out and goes to sign-in", async () => {
    const user = userEvent.setup();
    render(<Dashboard />);
    await user.click(await screen.findByRole("button", { name: "Sign out" }));
    await waitFor(() => expect(router.replace).toHaveBeenCalledWith("/sign-in"));
    expect(backend.callsTo("POST", /^\/api\/auth\/sign-out$/)).toHaveLength(1);
  });
});
