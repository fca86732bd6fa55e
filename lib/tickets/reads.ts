import "server-only";
import { asDate, asDateOrNull, read, type Rows } from "../db";
import { isTicketNumber } from "../limits";
import { shownNameSql, type Actor } from "../people/identity";
import { ticketWhereSql } from "./permissions";
import { priorityFromRank, statusFromRank, type Priority, type Status } from "./schema";

/**
 * One ticket, read (its history is read a page at a time with its comments: lib/tickets/timeline.ts). Every read takes the actor and puts what it may see into the query itself: a
 * ticket a requester does not own is indistinguishable from a missing one.
 */

export type TicketRowForChange = {
  number: number;
  title: string;
  status: number;
  priority: number;
  requesterId: string;
  requesterName: string;
  assigneeId: string | null;
  assigneeName: string | null;
  resolvedAt: Date | null;
  version: number;
  /** Set once merged into another ticket (lib/tickets/merge.ts). */
  mergedIntoNumber: number | null;
};

/** The raw row a command needs to decide; null when missing or not visible to the actor. `on`: a transaction's reads. */
export async function getTicketRow(actor: Actor, number: number, on: Rows = read): Promise<TicketRowForChange | null> {
  if (!isTicketNumber(number)) return null;
  const w = ticketWhereSql(actor, number);
  const row = await on.get<Omit<TicketRowForChange, "resolvedAt"> & { resolvedAt: string | Date | null }>(
    `SELECT t."number", t."title", t."status", t."priority", t."requesterId", r."name" AS "requesterName",
            t."assigneeId", a."name" AS "assigneeName", t."resolvedAt", t."version", t."mergedIntoNumber"
     FROM "ticket" t JOIN "user" r ON r."id" = t."requesterId" LEFT JOIN "user" a ON a."id" = t."assigneeId"
     WHERE ${w.sql}`,
    ...w.args,
  );
  if (!row) return null;
  return {
    ...row,
    number: Number(row.number),
    status: Number(row.status),
    priority: Number(row.priority),
    version: Number(row.version),
    resolvedAt: asDateOrNull(row.resolvedAt),
    mergedIntoNumber: row.mergedIntoNumber === null ? null : Number(row.mergedIntoNumber),
  };
}

/**
 * Whether the actor may see ticket `number`: what the proxy asks before every ticket page (to
 * answer 404 with real HTML), in one prepared statement with ticketWhere's own scope.
 */
export async function ticketVisible(actor: Actor, number: number): Promise<boolean> {
  const w = ticketWhereSql(actor, number);
  return (await read.get(`SELECT 1 AS "x" FROM "ticket" t WHERE ${w.sql}`, ...w.args)) !== undefined;
}

export type Person = { id: string; name: string };

export type TicketDetail = {
  number: number;
  title: string;
  description: string;
  status: Status;
  priority: Priority;
  requester: Person;
  assignee: Person | null;
  createdAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  version: number;
  /** The ticket this one was merged into, if it was. */
  mergedIntoNumber: number | null;
};

type DetailRow = {
  number: number;
  title: string;
  description: string;
  status: number;
  priority: number;
  createdAt: string | Date;
  updatedAt: string | Date;
  resolvedAt: string | Date | null;
  version: number;
  mergedIntoNumber: number | null;
  requesterId: string;
  requesterName: string;
  assigneeId: string | null;
  assigneeName: string | null;
};

export async function getTicket(actor: Actor, number: number): Promise<TicketDetail | null> {
  if (!isTicketNumber(number)) return null;
  const w = ticketWhereSql(actor, number);
  const t = await read.get<DetailRow>(
    `SELECT t."number", t."title", t."description", t."status", t."priority", t."createdAt", t."updatedAt",
            t."resolvedAt", t."version", t."mergedIntoNumber", t."requesterId", ${shownNameSql("r")} AS "requesterName", t."assigneeId", a."name" AS "assigneeName"
     FROM "ticket" t JOIN "user" r ON r."id" = t."requesterId" LEFT JOIN "user" a ON a."id" = t."assigneeId"
     WHERE ${w.sql}`,
    ...w.args,
  );
  if (!t) return null;
  return {
    number: Number(t.number),
    title: t.title,
    description: t.description,
    status: statusFromRank(Number(t.status)),
    priority: priorityFromRank(Number(t.priority)),
    requester: { id: t.requesterId, name: t.requesterName },
    assignee: t.assigneeId === null ? null : { id: t.assigneeId, name: t.assigneeName ?? "" },
    createdAt: asDate(t.createdAt),
    updatedAt: asDate(t.updatedAt),
    resolvedAt: asDateOrNull(t.resolvedAt),
    version: Number(t.version),
    mergedIntoNumber: t.mergedIntoNumber === null ? null : Number(t.mergedIntoNumber),
  };
}

/**
 * Where a merged duplicate's conversation went: the ticket it was merged into, followed through
 * later merges (at most `hops`). Unscoped, on purpose: only a command that has already found the
 * duplicate visible to its actor asks (addCommentIn: a requester's reply to their merged ticket
 * goes to the target, which they may not be able to see). Null if the chain is broken or too long.
 */
export async function mergeDestinationRow(on: Rows, from: TicketRowForChange, hops = 5): Promise<TicketRowForChange | null> {
  let next = from.mergedIntoNumber;
  for (let hop = 0; hop < hops && next !== null; hop++) {
    const row = await getTicketRow(MERGE_FOLLOWER, next, on);
    if (!row) return null;
    if (row.mergedIntoNumber === null) return row;
    next = row.mergedIntoNumber;
  }
  return null;
}

/** The scope mergeDestinationRow reads with: every ticket (the system following a merge, not a person). */
const MERGE_FOLLOWER: Actor = { id: "", name: "merge", role: "admin" };
