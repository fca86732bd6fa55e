import { AUDIT_ACTIONS, isAuditAction } from "./actions";
import type { AuditFilter } from "./log";
import { isSerialId, USER_ID } from "../limits";

/**
 * The audit log page's URL: ?action=&person=&before=|after= (entry ids). Pure. Anything
 * unreadable is left out, never an error.
 */
const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);

export function parseAuditQuery(raw: Record<string, string | string[] | undefined>): AuditFilter {
  const action = first(raw.action);
  const person = first(raw.person);
  const id = (v: unknown) => {
    const n = typeof v === "string" && /^\d{1,10}$/.test(v) ? Number(v) : NaN;
    return isSerialId(n) ? n : undefined;
  };
  const before = id(first(raw.before));
  const after = before === undefined ? id(first(raw.after)) : undefined;
  return {
    action: isAuditAction(action) ? action : undefined,
    actorId: typeof person === "string" && USER_ID.test(person) ? person : undefined,
    before,
    after,
  };
}

export function auditHref(f: AuditFilter): string {
  const u = new URLSearchParams();
  if (f.action) u.set("action", f.action);
  if (f.actorId) u.set("person", f.actorId);
  if (f.before !== undefined) u.set("before", String(f.before));
  else if (f.after !== undefined) u.set("after", String(f.after));
  const s = u.toString();
  return `/admin/audit${s ? `?${s}` : ""}`;
}

export const AUDIT_ACTION_OPTIONS = Object.entries(AUDIT_ACTIONS) as [keyof typeof AUDIT_ACTIONS, string][];
