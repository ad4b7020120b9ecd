// Small inline icons (no icon font, no extra requests). Always decorative: the button
// that holds one carries the accessible name.
const PATHS = {
  edit: "M13.6 3.4a2 2 0 0 1 2.8 2.8l-8.7 8.7-3.7.9.9-3.7 8.7-8.7Z",
  trash: "M4 6h12M8 6V4h4v2m-6 0 .7 10h6.6L14 6",
  close: "M5 5l10 10M15 5 5 15",
  send: "M3.5 10h11m-4.5-5 5 5-5 5",
  history: "M3 10a7 7 0 1 0 2-4.9M3 3v3.5h3.5M10 6.5V10l2.5 2",
  plus: "M10 4v12M4 10h12",
  check: "m4.5 10.5 3.5 3.5 7.5-8",
  list: "M7 5.5h9M7 10h9M7 14.5h9M3.8 5.5h.01M3.8 10h.01M3.8 14.5h.01",
  chat: "M4 4.5h12a1 1 0 0 1 1 1v7a1 1 0 0 1-1 1H9l-4 3v-3H4a1 1 0 0 1-1-1v-7a1 1 0 0 1 1-1Z",
  sparkle: "M10 3v3M10 14v3M3 10h3M14 10h3M5.5 5.5l2 2M12.5 12.5l2 2M14.5 5.5l-2 2M7.5 12.5l-2 2",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 16 }: { name: IconName; size?: number }) {
  return (
    <svg aria-hidden="true" focusable="false" viewBox="0 0 20 20" width={size} height={size}>
      <path
        d={PATHS[name]}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.7"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
