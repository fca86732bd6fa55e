import { isStaff, ROLES, type Actor, type Role } from "../people/identity";
import { isTicketNumber } from "../limits";
import type { Status } from "./schema";

/**
 * Who may do what to a ticket: the one table that every action and query consults.
 * Pure: no database, no React, so that a unit test can walk every case.
 */

export type TicketAction =
  | "view"
  | "comment"
  | "writeInternalNote"
  | "readInternalNotes"
  | "changeStatus"
  | "changePriority"
  | "changeAssignee"
  | "closeOrReopen"
  | "removeAttachment"
  /** Tags are staff's own: to anyone else they do not exist (not in a page, a list, a CSV or a history). */
  | "readTags"
  | "changeTags"
  | "merge";

export type Ownership = "own" | "others";

/** role × action × ownership → allowed. */
export const TICKET_PERMISSIONS: Record<Role, Record<TicketAction, Record<Ownership, boolean>>> = {
  requester: {
    view: { own: true, others: false },
    comment: { own: true, others: false },
    writeInternalNote: { own: false, others: false },
    readInternalNotes: { own: false, others: false },
    changeStatus: { own: false, others: false },
    changePriority: { own: false, others: false },
    changeAssignee: { own: false, others: false },
    closeOrReopen: { own: true, others: false },
    removeAttachment: { own: false, others: false },
    readTags: { own: false, others: false },
    changeTags: { own: false, others: false },
    merge: { own: false, others: false },
  },
  agent: {
    view: { own: true, others: true },
    comment: { own: true, others: true },
    writeInternalNote: { own: true, others: true },
    readInternalNotes: { own: true, others: true },
    changeStatus: { own: true, others: true },
    changePriority: { own: true, others: true },
    changeAssignee: { own: true, others: true },
    closeOrReopen: { own: true, others: true },
    removeAttachment: { own: true, others: true },
    readTags: { own: true, others: true },
    changeTags: { own: true, others: true },
    merge: { own: true, others: true },
  },
  admin: {
    view: { own: true, others: true },
    comment: { own: true, others: true },
    writeInternalNote: { own: true, others: true },
    readInternalNotes: { own: true, others: true },
    changeStatus: { own: true, others: true },
    changePriority: { own: true, others: true },
    changeAssignee: { own: true, others: true },
    closeOrReopen: { own: true, others: true },
    removeAttachment: { own: true, others: true },
    readTags: { own: true, others: true },
    changeTags: { own: true, others: true },
    merge: { own: true, others: true },
  },
};

/** Whether tags exist for this actor at all (the list, its filter and CSV, a ticket's history). */
export const mayReadTags = (actor: Actor) => TICKET_PERMISSIONS[actor.role]?.readTags.others === true;

export function can(actor: Actor, action: TicketAction, ticket: { requesterId: string }): boolean {
  const ownership: Ownership = ticket.requesterId === actor.id ? "own" : "others";
  return TICKET_PERMISSIONS[actor.role]?.[action]?.[ownership] === true;
}

/** Changing many tickets at once (the list's "Apply to selected"): staff, who may change any ticket. */
export const mayChangeInBulk = (actor: Actor) => isStaff(actor);

/** Sharing a saved view with everyone (and deleting a shared one): admins. */
export const mayShareViews = (actor: Actor) => actor.role === "admin";

/** Anyone signed in may open a ticket (they become its requester). */
export const mayCreateTicket = (actor: Actor) => ROLES.includes(actor.role);

/**
 * A status change: staff set any status; a requester may only close their own ticket or reopen
 * it once it is Resolved or Closed.
 */
export function maySetStatus(
  actor: Actor,
  ticket: { requesterId: string; status: Status },
  to: Status,
): boolean {
  if (to === ticket.status) return true;
  if (can(actor, "changeStatus", ticket)) return true;
  if (!can(actor, "closeOrReopen", ticket)) return false;
  if (to === "Closed") return true;
  return to === "Open" && (ticket.status === "Closed" || ticket.status === "Resolved");
}

/** The statuses this actor may pick on this ticket, for the form. */
export function statusChoices(actor: Actor, ticket: { requesterId: string; status: Status }): Status[] {
  const all: Status[] = ["Open", "In progress", "Waiting", "Resolved", "Closed"];
  return all.filter((s) => maySetStatus(actor, ticket, s));
}

/**
 * The row-level filter that every ticket query and command puts in its where clause: requesters
 * see their own tickets only. Raw SQL (the list, the counts) builds its WHERE from this too.
 */
export function visibleTicketsWhere(actor: Actor): { requesterId?: string } {
  return isStaff(actor) ? {} : { requesterId: actor.id };
}

/**
 * The where clause for one ticket as this actor may see it: the exact key and the visibility
 * scope. Throws on anything but a ticket number, so that no value from outside can become a
 * Prisma filter (`{"gt":0}` would match every ticket).
 */
export function ticketWhere(actor: Actor, number: number): { number: number; requesterId?: string } {
  if (!isTicketNumber(number)) throw new TypeError("ticketWhere: not a ticket number");
  return { number, ...visibleTicketsWhere(actor) };
}

/**
 * ticketWhere as SQL on the ticket table under `alias`: the exact number and the actor's scope,
 * with its bound values. Every hand-written statement about one ticket starts from this.
 */
export function ticketWhereSql(actor: Actor, number: number, alias = "t"): { sql: string; args: unknown[] } {
  const w = ticketWhere(actor, number);
  return w.requesterId === undefined
    ? { sql: `${alias}."number" = ?`, args: [w.number] }
    : { sql: `${alias}."number" = ? AND ${alias}."requesterId" = ?`, args: [w.number, w.requesterId] };
}
