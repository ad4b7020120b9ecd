"use client";
import type { useUndo } from "./useUndo";
import { Icon } from "./Icon";

type Props = { undo: ReturnType<typeof useUndo> };

// Always in the page, so screen readers hear each new offer through the live region.
export function UndoToast({ undo }: Props) {
  const { offer } = undo;
  return (
    <div className="toast-region" role="status" aria-live="polite">
      {offer ? (
        <div
          key={offer.key}
          className="toast"
          onPointerEnter={() => undo.pause(true)}
          onPointerLeave={() => undo.pause(false)}
          onFocus={() => undo.pause(true)}
          onBlur={() => undo.pause(false)}
        >
          <span className="toast-message">{offer.message}</span>
          <button type="button" className="toast-undo" onClick={undo.undo}>
            Undo
          </button>
          <button
            type="button"
            className="toast-close"
            onClick={() => void undo.dismiss()}
            aria-label="Dismiss"
          >
            <Icon name="close" size={16} />
          </button>
        </div>
      ) : null}
    </div>
  );
}
