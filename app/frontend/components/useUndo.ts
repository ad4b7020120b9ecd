"use client";
// One undo offer at a time. An offer is shown for a few seconds; "Undo" runs its `undo`, anything
// else settles it (runs `commit`): the timer, a newer offer, or the page being hidden or closed.
// A deleted task is only hidden until then, so Undo can put back the very same task (its number
// included) instead of re-creating a copy under a new number.
import { useCallback, useEffect, useRef, useState } from "react";

export type UndoOffer = { message: string; undo: () => void; commit?: () => void | Promise<void> };
type Shown = UndoOffer & { key: number };

export const UNDO_SECONDS = 6;

export function useUndo(seconds = UNDO_SECONDS) {
  const [offer, setOffer] = useState<Shown | null>(null);
  const current = useRef<Shown | null>(null);
  const count = useRef(0);
  const [paused, setPaused] = useState(false);

  const take = useCallback(() => {
    const taken = current.current;
    current.current = null;
    setOffer(null);
    setPaused(false);
    return taken;
  }, []);

  /** Settles the offer shown (if any); resolves once its change is saved. */
  const settle = useCallback(async () => {
    await take()?.commit?.();
  }, [take]);
  const undo = useCallback(() => take()?.undo(), [take]);

  const offerUndo = useCallback(
    (next: UndoOffer) => {
      void settle();
      const shown = { ...next, key: ++count.current };
      current.current = shown;
      setOffer(shown);
    },
    [settle],
  );

  // The countdown stops while the pointer or keyboard focus is on the toast (WCAG 2.2.1).
  useEffect(() => {
    if (!offer || paused) return;
    const timer = setTimeout(() => void settle(), seconds * 1000);
    return () => clearTimeout(timer);
  }, [offer, paused, seconds, settle]);

  // A hidden page may never come back (tab closed, phone locked): send what is pending now.
  useEffect(() => {
    const onHidden = () => {
      if (document.visibilityState === "hidden") void settle();
    };
    document.addEventListener("visibilitychange", onHidden);
    const onPageHide = () => void settle();
    window.addEventListener("pagehide", onPageHide);
    return () => {
      document.removeEventListener("visibilitychange", onHidden);
      window.removeEventListener("pagehide", onPageHide);
    };
  }, [settle]);

  // Leaving the page (sign-out, unmount) settles too.
  useEffect(() => () => void current.current?.commit?.(), []);

  return { offer, offerUndo, undo, dismiss: settle, pause: setPaused };
}
