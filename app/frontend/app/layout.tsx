import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
// Urdu and Arabic script (ہ, ے, ...), which system fonts often lack. Each face has a unicode-range, so the browser
// downloads a face only for text that needs it: the Arabic one when such letters appear (the Latin ones only where system fonts lack Latin).
import "@fontsource/noto-naskh-arabic/400.css";
import "@fontsource/noto-naskh-arabic/700.css";
import "./globals.css";

export const metadata: Metadata = {
  title: "Todo Chatbot",
  description: "Your to-do list, with an assistant that manages it for you.",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f5f6f8" },
    { media: "(prefers-color-scheme: dark)", color: "#14161a" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Render every page per request: a page prerendered at build time has no nonce, so under the
  // Content-Security-Policy (proxy.ts) none of its scripts would run.
  await connection();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
