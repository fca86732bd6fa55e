/**
 * A person's time zone, their own preference: shown on every page and used in their mail. Pure.
 */

/** Every time zone this server knows, for the settings form (UTC first). */
export function timeZones(): string[] {
  const all = Intl.supportedValuesOf("timeZone");
  return ["UTC", ...all.filter((z) => z !== "UTC")];
}

let known: Set<string> | undefined;

/** Whether `v` names a zone this server knows (the one rule, for the form and the session alike). */
export function isTimeZone(v: string): boolean {
  known ??= new Set(timeZones());
  return known.has(v);
}
