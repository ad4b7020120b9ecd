type Props = { onRetry: () => void };

// Shown when the proxy answers 502 (or the network fails): the page is up, the backend is not.
export function StatusBanner({ onRetry }: Props) {
  return (
    <div className="banner" role="alert">
      <strong>Can’t reach the server.</strong>
      <span>The backend is not answering, so changes are not being saved.</span>
      <button type="button" className="button small" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
