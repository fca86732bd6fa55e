import { requestTimeZone } from "@/lib/time-zone";

/**
 * A timestamp: relative for reading ("3 h ago"), exact in the tooltip and in dateTime. Shown in
 * the time zone the person chose at Settings (UTC until they do).
 */
const formatters = new Map<string, { exact: Intl.DateTimeFormat; short: Intl.DateTimeFormat; long: Intl.DateTimeFormat; year: Intl.DateTimeFormat }>();

function formattersFor(timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = {
      exact: new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone }),
      short: new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone }),
      long: new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone }),
      year: new Intl.DateTimeFormat("en-GB", { year: "numeric", timeZone }),
    };
    formatters.set(timeZone, f);
  }
  return f;
}

export function formatExact(d: Date, timeZone = "UTC") {
  return `${formattersFor(timeZone).exact.format(d)} ${timeZone === "UTC" ? "UTC" : `(${timeZone.replaceAll("_", " ")})`}`;
}

export function relative(d: Date, now: Date = new Date(), timeZone = "UTC"): string {
  const s = Math.round((now.getTime() - d.getTime()) / 1000);
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const days = Math.round(h / 24);
  if (days < 30) return `${days} d ago`;
  const f = formattersFor(timeZone);
  const sameYear = f.year.format(d) === f.year.format(now);
  return (sameYear ? f.short : f.long).format(d);
}

export function Time({ date, mode = "relative" }: { date: Date; mode?: "relative" | "exact" }) {
  const { zone } = requestTimeZone();
  const exact = formatExact(date, zone);
  const text = mode === "relative" ? relative(date, new Date(), zone) : exact;
  return (
    <time dateTime={date.toISOString()} title={exact}>
      {text}
    </time>
  );
}
