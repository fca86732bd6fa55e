import type { Status } from "./schema";

/**
 * Who may do what to a ticket: the one table that every action and query consults.
 * Pure: no database, no React, so that a unit test can walk every case.
 */
export const ROLES = ["requester", "agent", "admin"] as const;
export type Role = (typeof ROLES)[number];

export type Actor = {
  id: string;
  role: Role;
  name: string;
  /** IANA zone for the times shown to this person; absent or null: UTC. */
  timeZone?: string | null;
};

export type TicketAction =
  | "view"
  | "comment"
  | "writeInternalNote"
  | "readInternalNotes"
  | "changeStatus"
  | "changePriority"
  | "changeAssignee"
  | "closeOrReopen";

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
  },
};

export function can(actor: Actor, action: TicketAction, ticket: { requesterId: string }): boolean {
  const ownership: Ownership = ticket.requesterId === actor.id ? "own" : "others";
  return TICKET_PERMISSIONS[actor.role]?.[action]?.[ownership] === true;
}

/** Agents and admins work every ticket; requesters only see their own. */
export const isStaff = (actor: Pick<Actor, "role">) => actor.role === "agent" || actor.role === "admin";

/** Anyone signed in may open a ticket (they become its requester). */
export const mayCreateTicket = (actor: Actor) => ROLES.includes(actor.role);

export const mayManageUsers = (actor: Actor) => actor.role === "admin";

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
 * The largest number a SERIAL column holds (ticket numbers, outbox ids): PostgreSQL's `integer`,
 * past which a query throws (SQLite's is wider).
 */
export const MAX_SERIAL = 2_147_483_647;
export const MAX_TICKET_NUMBER = MAX_SERIAL;

/** A row number that may go into a query: a positive integer that fits a SERIAL column, never an object. */
export function isSerialId(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n > 0 && n <= MAX_SERIAL;
}

/** A ticket number that may go into a query (isSerialId). */
export const isTicketNumber = isSerialId;

/**
 * The where clause for one ticket as this actor may see it: the exact key and the visibility
 * scope. Throws on anything but a ticket number, so that no value from outside can become a
 * Prisma filter (`{"gt":0}` would match every ticket).
 */
export function ticketWhere(actor: Actor, number: number): { number: number; requesterId?: string } {
  if (!isTicketNumber(number)) throw new TypeError("ticketWhere: not a ticket number");
  return { number, ...visibleTicketsWhere(actor) };
}
