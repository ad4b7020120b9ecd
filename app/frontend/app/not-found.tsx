import type { Metadata } from "next";
import Link from "next/link";
import { Brand } from "../components/Brand";

export const metadata: Metadata = { title: "Page not found · Todo Chatbot" };

// The app's own 404 page, styled by globals.css: Next's built-in one uses inline styles, which the
// Content-Security-Policy (lib/contentSecurityPolicy.ts) does not allow.
export default function NotFound() {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <Brand />
        <h1>Page not found</h1>
        <p className="muted">There is nothing at this address.</p>
        <p className="auth-switch">
          <Link href="/">Go to your tasks</Link>
        </p>
      </div>
    </main>
  );
}
