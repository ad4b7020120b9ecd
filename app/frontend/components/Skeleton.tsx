// Grey placeholder rows in the shape of what is loading, instead of a blank area with a sentence.
export function Skeleton({ rows, label }: { rows: number; label: string }) {
  return (
    <div className="skeleton" role="status">
      <span className="sr-only">{label}</span>
      {Array.from({ length: rows }, (_, index) => (
        <div key={index} className="skeleton-row" aria-hidden="true">
          <span className="skeleton-box" />
          <span className="skeleton-line" />
        </div>
      ))}
    </div>
  );
}
