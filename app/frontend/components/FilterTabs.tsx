"use client";
import { STATE_WORD } from "../lib/taskWords";
import type { TaskFilter } from "../lib/types";

const FILTERS: { value: TaskFilter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "pending", label: STATE_WORD.pending },
  { value: "completed", label: STATE_WORD.completed },
];

type Props = {
  value: TaskFilter;
  counts: Record<TaskFilter, number>;
  onChange: (filter: TaskFilter) => void;
};

// A group of toggle buttons (aria-pressed): simpler to use by keyboard than a tablist.
export function FilterTabs({ value, counts, onChange }: Props) {
  return (
    <div className="filters" role="group" aria-label="Show tasks">
      {FILTERS.map((filter) => (
        <button
          key={filter.value}
          type="button"
          className="filter"
          aria-pressed={value === filter.value}
          onClick={() => onChange(filter.value)}
        >
          {filter.label} <span className="count">{counts[filter.value]}</span>
        </button>
      ))}
    </div>
  );
}
