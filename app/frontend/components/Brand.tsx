export function Brand() {
  return (
    <div className="brand">
      <svg aria-hidden="true" viewBox="0 0 32 32" width="28" height="28">
        <rect width="32" height="32" rx="9" fill="var(--accent)" />
        <path
          d="m9.5 16.5 4.5 4.5 8.5-9.5"
          fill="none"
          stroke="#fff"
          strokeWidth="2.6"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
      <span className="brand-name">Todo Chatbot</span>
    </div>
  );
}
