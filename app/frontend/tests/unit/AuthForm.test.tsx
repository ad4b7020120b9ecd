import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { AuthForm } from "../../components/AuthForm";
import { router } from "./router";

vi.mock("next/navigation", () => import("./router"));

type Answer = { status: number; body: unknown };

/** Stubs fetch with one answer and records what was sent. */
function backendAnswers(answer: Answer) {
  const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) =>
    Response.json(answer.body, { status: answer.status }),
  );
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

const sent = (fetchMock: ReturnType<typeof backendAnswers>) => {
  const [url, init] = fetchMock.mock.calls[0]!;
  return { url, method: init?.method, body: JSON.parse(String(init?.body)) as unknown };
};

beforeEach(() => {
  router.replace.mockReset();
});

describe("AuthForm", () => {
  it("says “Welcome back” only to a browser that has signed in before", async () => {
    backendAnswers({ status: 200, body: { token: "t", user: { id: "u1" } } });
    const user = userEvent.setup();
    const first = render(<AuthForm mode="sign-in" />);
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Sign in");

    await user.type(screen.getByLabelText("Email"), "ada@example.test");
    await user.type(screen.getByLabelText("Password"), "correct horse");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(router.replace).toHaveBeenCalledWith("/"));
    first.unmount();

    render(<AuthForm mode="sign-in" />);
    expect(await screen.findByRole("heading", { name: "Welcome back" })).toBeInTheDocument();
  });

  it("signs in with email and password, then goes to the task page", async () => {
    const fetchMock = backendAnswers({ status: 200, body: { token: "t", user: { id: "u1" } } });
    const user = userEvent.setup();
    render(<AuthForm mode="sign-in" />);

    await user.type(screen.getByLabelText("Email"), "ada@example.test");
    await user.type(screen.getByLabelText("Password"), "correct horse");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    await waitFor(() => expect(router.replace).toHaveBeenCalledWith("/"));
    expect(sent(fetchMock)).toEqual({
      url: "/api/auth/sign-in/email",
      method: "POST",
      body: { email: "ada@example.test", password: "correct horse" },
    });
    expect(screen.queryByLabelText("Name")).not.toBeInTheDocument();
  });

  it("shows Better Auth's error message and stays on the page", async () => {
    backendAnswers({
      status: 401,
      body: { code: "INVALID_EMAIL_OR_PASSWORD", message: "Invalid email or password" },
    });
    const user = userEvent.setup();
    render(<AuthForm mode="sign-in" />);

    await user.type(screen.getByLabelText("Email"), "ada@example.test");
    await user.type(screen.getByLabelText("Password"), "wrong password");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("Invalid email or password");
    expect(router.replace).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Sign in" })).toBeEnabled();
  });

  it("signs up with name, email and password", async () => {
    const fetchMock = backendAnswers({ status: 200, body: { token: "t", user: { id: "u1" } } });
    const user = userEvent.setup();
    render(<AuthForm mode="sign-up" />);

    await user.type(screen.getByLabelText("Name"), "Ada Lovelace");
    await user.type(screen.getByLabelText("Email"), "ada@example.test");
    await user.type(screen.getByLabelText("Password"), "correct horse");
    await user.click(screen.getByRole("button", { name: "Create account" }));

    await waitFor(() => expect(router.replace).toHaveBeenCalledWith("/"));
    expect(sent(fetchMock)).toEqual({
      url: "/api/auth/sign-up/email",
      method: "POST",
      body: { name: "Ada Lovelace", email: "ada@example.test", password: "correct horse" },
    });
    // The whole rule up front: the length and that a guessable password is refused too.
    expect(screen.getByLabelText("Password")).toHaveAccessibleDescription(
      expect.stringMatching(/at least 8 characters.*hard to guess/i),
    );
  });

  it("shows a refused password in words, naming the field by its label, not by its request name", async () => {
    // As Better Auth answers the backend's sign-up check (app/backend/src/auth-input.ts).
    backendAnswers({
      status: 400,
      body: {
        code: "WEAK_PASSWORD",
        field: "password",
        message: "password: is too easy to guess. This is a very common password. Add another word or two.",
      },
    });
    const user = userEvent.setup();
    render(<AuthForm mode="sign-up" />);

    await user.type(screen.getByLabelText("Name"), "Ada Lovelace");
    await user.type(screen.getByLabelText("Email"), "ada@example.test");
    await user.type(screen.getByLabelText("Password"), "password1{Enter}");

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent(/^Password is too easy to guess\. .*Add another word or two\.$/);
    expect(alert).not.toHaveTextContent("password:");
    expect(router.replace).not.toHaveBeenCalled();
  });

  it("explains an unreachable backend in plain words", async () => {
    backendAnswers({
      status: 502,
      body: { error: { code: "BACKEND_UNREACHABLE", message: "ECONNREFUSED" } },
    });
    const user = userEvent.setup();
    render(<AuthForm mode="sign-in" />);

    await user.type(screen.getByLabelText("Email"), "ada@example.test");
    await user.type(screen.getByLabelText("Password"), "correct horse{Enter}");

    expect(await screen.findByRole("alert")).toHaveTextContent("Can’t reach the server");
  });

  it("links to the other form", () => {
    render(<AuthForm mode="sign-in" />);
    expect(screen.getByRole("link", { name: "Create an account" })).toHaveAttribute("href", "/sign-up");
  });
});
