import "server-only";
import { placeholders, write, WriteMismatch, type Tx } from "../db";
import type { Actor } from "../people/identity";
import { BULK_MAX } from "../limits";
import { updateTicketIn, type TicketChanges } from "./commands";
import { ticketEvents, type Channel, type TicketFacts } from "./events";
import { mayChangeInBulk } from "./permissions";
import { TooManyTags } from "./tags";
import type { Priority, Status } from "./schema";

/**
 * Bulk changes (the list's "Apply to selected"): one change to many tickets, made by the same
 * command that changes one (updateTicketIn: its checks, history, version and events), for each
 * ticket in turn, inside one write transaction, so that the bulk change is all one change. A
 * ticket that moved on since the list was drawn is skipped, not overwritten; one the actor may
 * not see is skipped exactly like a missing one. A problem with the change itself (an assignee
 * who cannot be given tickets, the desk's tag limit) refuses the whole and writes nothing.
 */

/** A selected ticket and the version the list showed it at. */
export type BulkTarget = { number: number; version: number };

/** What to do to every selected ticket (at least one of them). */
export type BulkChanges = {
  status?: Status;
  priority?: Priority;
  /** A user id or an email; null: unassign. */
  assigneeId?: string | null;
  /** A tag to add (normalised: tag-names.ts). */
  addTag?: string;
};

export type SkipReason = "conflict" | "not_found" | "too_many_tags";

export type BulkResult =
  | { kind: "refused"; field: "tickets" | "assigneeId" | "tag" | "changes"; message: string }
  | { kind: "done"; changed: number[]; unchanged: number[]; skipped: { number: number; reason: SkipReason }[] };

/** Why a ticket was skipped, as the report says it. */
export const SKIP_REASON: Record<SkipReason, string> = {
  conflict: "changed by someone else since the list was drawn",
  not_found: "not found",
  too_many_tags: "has the most tags a ticket may have",
};

const BULK: Channel = { via: "web", bulk: true };

/** Thrown inside the transaction to undo it all: the change itself is refused. */
class Refused extends Error {
  constructor(readonly field: "assigneeId" | "tag", message: string) {
    super(message);
  }
}

export async function bulkUpdateTickets(actor: Actor, targets: readonly BulkTarget[], changes: BulkChanges): Promise<BulkResult> {
  if (!mayChangeInBulk(actor)) return { kind: "refused", field: "tickets", message: "You may not change tickets in bulk." };
  const unique = [...new Map(targets.map((t) => [t.number, t])).values()];
  if (unique.length === 0) return { kind: "refused", field: "tickets", message: "Select at least one ticket." };
  if (unique.length > BULK_MAX) return { kind: "refused", field: "tickets", message: `Select at most ${BULK_MAX} tickets at a time.` };
  const { status, priority, assigneeId, addTag } = changes;
  if (status === undefined && priority === undefined && assigneeId === undefined && addTag === undefined) {
    return { kind: "refused", field: "changes", message: "Choose what to change: a status, a priority, an assignee or a tag." };
  }
  const run = () => write((tx) => applyIn(tx, actor, unique, changes));
  try {
    // On PostgreSQL a ticket saved by someone else between this transaction's read and its write
    // rolls it all back (expectOne); once more, that ticket's new version is read and it is skipped.
    return await run().catch((e: unknown) => (e instanceof WriteMismatch ? run() : Promise.reject(e)));
  } catch (e) {
    if (e instanceof Refused) return { kind: "refused", field: e.field, message: e.message };
    throw e;
  }
}

async function applyIn(tx: Tx, actor: Actor, targets: readonly BulkTarget[], c: BulkChanges): Promise<BulkResult> {
  const changed: number[] = [];
  const unchanged: number[] = [];
  const skipped: { number: number; reason: SkipReason }[] = [];
  const reassigned: number[] = [];
  const tags: TicketChanges["tags"] = c.addTag === undefined ? undefined : { add: [c.addTag] };
  for (const t of targets) {
    const result = await updateTicketIn(tx, actor, t.number, { status: c.status, priority: c.priority, assigneeId: c.assigneeId, tags, version: t.version }, BULK);
    switch (result.kind) {
      case "updated": {
        changed.push(t.number);
        if (result.changes.some((ch) => ch.field === "assignee")) reassigned.push(t.number);
        break;
      }
      case "unchanged":
        unchanged.push(t.number);
        break;
      case "not_found":
      case "conflict":
        skipped.push({ number: t.number, reason: result.kind });
        break;
      case "invalid":
      case "forbidden":
        // The desk's tag limit rolls back what this ticket's command began writing, and with it the whole.
        if (result.field === "tags" && result.message === new TooManyTags().message) throw new Refused("tag", result.message);
        if (result.field === "tags" && result.kind === "invalid") {
          skipped.push({ number: t.number, reason: "too_many_tags" });
          break;
        }
        // An assignee no ticket may have is the same answer for every ticket: refuse the change.
        if (result.field === "assigneeId") throw new Refused("assigneeId", result.message);
        // Staff may change any field of any ticket they see: anything else here is a bug.
        throw new Error(`bulkUpdateTickets: ${result.kind} ${result.field}`);
    }
  }
  const assigned = await newAssignees(tx, reassigned);
  if (assigned.size > 0) {
    await ticketEvents.emit(tx, {
      kind: "changed_in_bulk",
      at: new Date(),
      actor,
      channel: BULK,
      assigned: [...assigned].map(([assigneeId, tickets]) => ({ assigneeId, tickets })),
    });
  }
  return { kind: "done", changed, unchanged, skipped };
}

/** The tickets given someone in this change, by their new assignee: one read for them all (by key). */
async function newAssignees(tx: Tx, numbers: number[]): Promise<Map<string, TicketFacts[]>> {
  const out = new Map<string, TicketFacts[]>();
  if (numbers.length === 0) return out;
  const rows = await tx.all<{ number: number | bigint; title: string; requesterId: string; requesterName: string; assigneeId: string | null }>(
    `SELECT "number", "title", "requesterId", "requesterName", "assigneeId" FROM "ticket" WHERE "number" IN (${placeholders(numbers.length)}) ORDER BY "number"`,
    ...numbers,
  );
  for (const r of rows) {
    if (r.assigneeId === null) continue;
    const facts: TicketFacts = { number: Number(r.number), title: r.title, requesterId: r.requesterId, requesterName: r.requesterName, assigneeId: r.assigneeId };
    out.set(r.assigneeId, [...(out.get(r.assigneeId) ?? []), facts]);
  }
  return out;
}
