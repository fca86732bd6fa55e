import "server-only";
import { isStaff, type Actor } from "../people/identity";
import { personKey, type PersonKey } from "../people/keys";
import { findPerson, type PersonRef } from "../people/queries";
import type { ListParams } from "./list-params";

/**
 * The list's Requester and Assignee filters, from what the URL names (an id from a link, or what
 * an agent typed: an email or a name) to the person they mean. Each is one lookup by an index,
 * whatever the desk's size. The page and the CSV export both read the list through this, so that
 * the two always agree on who is meant.
 */
export type PersonFilter =
  | { kind: "anyone" }
  | { kind: "me" }
  | { kind: "none" }
  | { kind: "person"; person: PersonRef }
  /** No one (or more than one person) answers to it: the view is empty, and `message` says why. */
  | { kind: "unknown"; typed: string; message: string };

export type ResolvedFilters = {
  /** The URL's filters with each person named by id, for listTickets and exportTickets. */
  params: ListParams;
  requester: PersonFilter;
  assignee: PersonFilter;
};

/** Why no one was found, in the words of what was typed. */
function unknownMessage(key: PersonKey, typed: string, found: "unknown" | "ambiguous", role: "requester" | "assignee"): string {
  if (found === "ambiguous") return `More than one person is named “${typed}”: type the email of the one you mean.`;
  if (key.kind === "email") return role === "assignee" ? `No agent has the email ${key.email}.` : `No one has the email ${key.email}.`;
  return `No one is named “${typed}”. Type their email, or pick a suggestion.`;
}

async function resolve(typed: string, role: "requester" | "assignee"): Promise<PersonFilter> {
  const key = personKey(typed);
  if (!key) return { kind: "anyone" };
  const found = await findPerson(key);
  if (found.kind === "found") return { kind: "person", person: found.person };
  return { kind: "unknown", typed, message: unknownMessage(key, typed, found.kind, role) };
}

/**
 * Finds who the filters name. Only staff have people looked up: a requester has no Requester
 * filter (their own tickets are their view), and their Assignee filter offers Me and Unassigned;
 * an id in their URL filters their own tickets as it always has, and nothing else they put there
 * is looked up, so that the list never tells them whether an address has an account.
 */
export async function resolveListFilters(actor: Actor, p: ListParams): Promise<ResolvedFilters> {
  const assigneeOf = (v: string): PersonFilter | null => (v === "" ? { kind: "anyone" } : v === "me" ? { kind: "me" } : v === "none" ? { kind: "none" } : null);
  if (!isStaff(actor)) {
    return { params: { ...p, requester: "" }, requester: { kind: "anyone" }, assignee: assigneeOf(p.assignee) ?? { kind: "anyone" } };
  }
  const [requester, assignee] = await Promise.all([resolve(p.requester, "requester"), assigneeOf(p.assignee) ?? resolve(p.assignee, "assignee")]);
  // Someone unknown stays in the query as typed: no ticket's requester or assignee has an email
  // or a name for an id, so the view is empty (and the page says why beside the field).
  const idOf = (f: PersonFilter, raw: string) => (f.kind === "person" ? f.person.id : raw);
  return {
    params: { ...p, requester: idOf(requester, p.requester), assignee: assigneeOf(p.assignee) ? p.assignee : idOf(assignee, p.assignee) },
    requester,
    assignee,
  };
}
