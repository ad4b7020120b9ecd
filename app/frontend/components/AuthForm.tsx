"use client";
// Sign in and sign up share one form; sign-up adds a name field.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { ApiError, auth } from "../lib/api";
import { Brand } from "./Brand";

type Mode = "sign-in" | "sign-up";

const TEXT = {
  "sign-in": {
    title: "Sign in",
    lead: "Sign in to see your tasks and chat with your assistant.",
    submit: "Sign in",
    busy: "Signing in…",
    switchText: "New here?",
    switchLink: "Create an account",
    switchHref: "/sign-up",
  },
  "sign-up": {
    title: "Create your account",
    lead: "Keep your to-dos in one place and manage them by chatting.",
    submit: "Create account",
    busy: "Creating account…",
    switchText: "Already have an account?",
    switchLink: "Sign in",
    switchHref: "/sign-in",
  },
} as const;

// Set once this browser has signed in: only then does the sign-in page say "Welcome back".
const RETURNING = "todo-chatbot:returning";

function rememberReturning() {
  try {
    localStorage.setItem(RETURNING, "1");
  } catch {
    // Storage can be disabled; the greeting is all that depends on it.
  }
}

function isReturning(): boolean {
  try {
    return localStorage.getItem(RETURNING) !== null;
  } catch {
    return false;
  }
}

// The backend's sign-up check (app/backend/src/auth-input.ts) refuses shorter passwords, and guessable ones.
const PASSWORD_MIN = 8;
const PASSWORD_RULE = `At least ${PASSWORD_MIN} characters, and hard to guess: not a common password, a pattern or your name. A few unrelated words work well.`;

// The form's labels for the request fields the server may name in a refusal ("password: is too easy to guess…").
const FIELD_LABEL: Record<string, string> = { name: "Name", email: "Email", password: "Password" };

function explain(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.unreachable) return "Can’t reach the server right now. Please try again in a moment.";
    const label = error.field && FIELD_LABEL[error.field];
    const prefix = `${error.field}: `;
    if (label && error.message.startsWith(prefix)) return `${label} ${error.message.slice(prefix.length)}`;
    return error.message;
  }
  return "Something went wrong. Please try again.";
}

type FieldProps = {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: "text" | "email" | "password";
  autoComplete: string;
  minLength?: number;
  hint?: string;
};

/** A labelled, required input; the hint (if any) is read out as its description. */
function Field({ id, label, value, onChange, type = "text", autoComplete, minLength, hint }: FieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        className="input"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        autoComplete={autoComplete}
        minLength={minLength}
        aria-describedby={hint ? `${id}-hint` : undefined}
        required
      />
      {hint ? (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      ) : null}
    </div>
  );
}

export function AuthForm({ mode }: { mode: Mode }) {
  const router = useRouter();
  const text = TEXT[mode];
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [returning, setReturning] = useState(false);

  // Read after the first render: the server cannot see this browser's storage.
  useEffect(() => setReturning(mode === "sign-in" && isReturning()), [mode]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === "sign-up") await auth.signUp({ name: name.trim(), email: email.trim(), password });
      else await auth.signIn({ email: email.trim(), password });
      rememberReturning();
      router.replace("/");
    } catch (cause) {
      setError(explain(cause));
      setBusy(false);
    }
  }

  return (
    <main className="auth-page">
      <div className="auth-card">
        <Brand />
        <h1>{returning ? "Welcome back" : text.title}</h1>
        <p className="muted">{text.lead}</p>
        <form onSubmit={submit} className="auth-form" aria-describedby={error ? "auth-error" : undefined}>
          {mode === "sign-up" ? (
            <Field id="name" label="Name" value={name} onChange={setName} autoComplete="name" />
          ) : null}
          <Field
            id="email"
            label="Email"
            type="email"
            value={email}
            onChange={setEmail}
            autoComplete="email"
          />
          <Field
            id="password"
            label="Password"
            type="password"
            value={password}
            onChange={setPassword}
            autoComplete={mode === "sign-up" ? "new-password" : "current-password"}
            minLength={mode === "sign-up" ? PASSWORD_MIN : undefined}
            hint={mode === "sign-up" ? PASSWORD_RULE : undefined}
          />
          {error ? (
            <p id="auth-error" className="notice error" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit" className="button primary wide" disabled={busy}>
            {busy ? text.busy : text.submit}
          </button>
        </form>
        <p className="auth-switch">
          {text.switchText} <Link href={text.switchHref}>{text.switchLink}</Link>
        </p>
      </div>
    </main>
  );
}
