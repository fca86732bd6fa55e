import type { Priority, Status } from "@/lib/tickets/schema";

/** Status and priority as small pills: text first, with a shape and colour that repeat it. */
export const STATUS_ICON: Record<Status, string> = {
  Open: "○",
  "In progress": "◐",
  Waiting: "◷",
  Resolved: "●",
  Closed: "✓",
};
export const PRIORITY_ICON: Record<Priority, string> = {
  Low: "▽",
  Medium: "◇",
  High: "▲",
  Urgent: "⬆",
};

export const slug = (s: string) => s.toLowerCase().replace(/\s+/g, "-");

export function StatusPill({ status }: { status: Status }) {
  return (
    <span className={`pill status-${slug(status)}`}>
      <span aria-hidden="true" className="pill-icon">
        {STATUS_ICON[status]}
      </span>
      {status}
    </span>
  );
}

export function PriorityPill({ priority }: { priority: Priority }) {
  return (
    <span className={`pill priority-${slug(priority)}`}>
      <span aria-hidden="true" className="pill-icon">
        {PRIORITY_ICON[priority]}
      </span>
      {priority}
    </span>
  );
}
