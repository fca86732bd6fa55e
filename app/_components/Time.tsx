/** A timestamp: relative for reading ("3 h ago"), exact in the tooltip and in dateTime. */
const exact = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

export function formatExact(d: Date) {
  return `${exact.format(d)} UTC`;
}

export function relative(d: Date, now: Date = new Date()): string {
  const s = Math.round((now.getTime() - d.getTime()) / 1000);
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const days = Math.round(h / 24);
  if (days < 30) return `${days} d ago`;
  const sameYear = d.getUTCFullYear() === now.getUTCFullYear();
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    ...(sameYear ? {} : { year: "numeric" }),
    timeZone: "UTC",
  }).format(d);
}

export function Time({ date, mode = "relative" }: { date: Date; mode?: "relative" | "exact" }) {
  const text = mode === "relative" ? relative(date) : formatExact(date);
  return (
    <time dateTime={date.toISOString()} title={formatExact(date)}>
      {text}
    </time>
  );
}
