import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { Dashboard } from "../../components/Dashboard";
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

  it("signs out and goes to sign-in", async () => {
    const user = userEvent.setup();
    render(<Dashboard />);
    await user.click(await screen.findByRole("button", { name: "Sign out" }));
    await waitFor(() => expect(router.replace).toHaveBeenCalledWith("/sign-in"));
    expect(backend.callsTo("POST", /^\/api\/auth\/sign-out$/)).toHaveLength(1);
  });
});
