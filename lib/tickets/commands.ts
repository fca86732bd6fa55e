import "server-only";
import { expectOne, sqlDate, write, WriteMismatch, type Tx } from "../db";
import { isAssignable, type Actor } from "../people/identity";
import { personKey, cleanKey } from "../people/keys";
import { findPerson, getPerson } from "../people/queries";
import type { Upload } from "../files/uploads";
import { attachIn, storeAttachments, type StoredFile } from "./attachments";
import { ticketEvents, type Change, type Channel, type TicketFacts } from "./events";
import { can, maySetStatus, mayCreateTicket, ticketWhere, ticketWhereSql } from "./permissions";
import { getTicketRow, type TicketRowForChange } from "./reads";
import { formatTags, TAGS_PER_TICKET } from "./tag-names";
import { ticketTags, TooManyTags, writeTicketTagsIn } from "./tags";
import {
  isDone,
  priorityFromRank,
  priorityRank,
  statusFromRank,
  statusRank,
  type NewTicketInput,
  type Priority,
  type Status,
} from "./schema";

export type { Change } from "./events";

/**
 * Ticket writes: the one place a ticket, its history or its status is written, whatever the
 * channel (the web's actions, mail import). Each takes the actor first, checks it against the row
 * itself, writes the change and its history, and emits what happened (lib/tickets/events.ts) in
 * the same transaction. Expected refusals are return values.
 *
 * Each command has two forms: `fooIn(tx, …)` runs inside a transaction the caller holds (mail
 * import commits a ticket with the row that records the message), and `foo(…)` is its own.
 */

const WEB: Channel = { via: "web" };

/** A new ticket, and the files that came with it (already in the file store: lib/tickets/attachments.ts). */
export type NewTicket = NewTicketInput & { files?: readonly StoredFile[] };

export async function createTicketIn(tx: Tx, actor: Actor, input: NewTicket, channel: Channel = WEB): Promise<{ number: number }> {
  if (!mayCreateTicket(actor)) throw new Error("createTicket: actor may not create tickets");
  const now = new Date();
  const at = sqlDate(now);
  const ticket = await tx.get<{ number: number | bigint }>(
    `INSERT INTO "ticket" ("title", "description", "priority", "status", "requesterId", "requesterName", "createdAt", "updatedAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING "number"`,
    input.title, input.description, priorityRank(input.priority), statusRank("Open"), actor.id, actor.name, at, at,
  );
  const number = Number(ticket!.number);
  expectOne(
    await tx.run(
      `INSERT INTO "activity" ("ticketNumber", "actorId", "field", "toValue", "createdAt") VALUES (?, ?, 'created', NULL, ?)`,
      number, actor.id, at,
    ),
  );
  if (input.files?.length) await attachIn(tx, actor.id, number, null, input.files, at);
  await ticketEvents.emit(tx, {
    kind: "created",
    at: now,
    actor,
    channel,
    ticket: { number, title: input.title, description: input.description, requesterId: actor.id, requesterName: actor.name, assigneeId: null },
  });
  return { number };
}

/** A new ticket from the web: its requester is the actor. */
export function createTicket(actor: Actor, input: NewTicket): Promise<{ number: number }> {
  return write((tx) => createTicketIn(tx, actor, input));
}

/**
 * A new ticket from the web's form, with the files it sent: stored first, within the per-hour
 * limit (storeAttachments; over it, nothing is stored or created), then attached with the ticket.
 */
export async function createTicketWithUploads(
  actor: Actor,
  input: NewTicketInput,
  uploads: readonly Upload[],
): Promise<{ kind: "created"; number: number } | { kind: "files_refused"; message: string }> {
  if (!mayCreateTicket(actor)) throw new Error("createTicket: actor may not create tickets");
  const stored = await storeAttachments(actor, uploads);
  if ("refused" in stored) return { kind: "files_refused", message: stored.refused };
  return { kind: "created", ...(await createTicket(actor, { ...input, files: stored.files })) };
}

export type TicketChanges = {
  /** undefined: leave as is. */
  status?: Status;
  priority?: Priority;
  /**
   * undefined: leave as is; null: unassign; a string: a user id (the picker's select), or an email
   * (typed where there are too many agents to list).
   */
  assigneeId?: string | null;
  /**
   * undefined: leave as is; `set`: the ticket's tags become exactly these (the ticket's "Tags");
   * `add`: these are added to what it has (bulk). Normalised already (tag-names.ts).
   */
  tags?: { set: readonly string[] } | { add: readonly string[] };
  /** The version the form was loaded at. */
  version: number;
  /** What the form showed when it was loaded, to explain a conflict. */
  seen?: { status?: Status; priority?: Priority; assigneeId?: string; assigneeName?: string; tags?: string };
};

export type UpdateResult =
  | { kind: "updated"; changes: Change[] }
  | { kind: "unchanged" }
  | { kind: "not_found" }
  | { kind: "forbidden"; field: "status" | "priority" | "assigneeId" | "tags"; message: string }
  | { kind: "invalid"; field: "assigneeId" | "tags"; message: string }
  | { kind: "conflict"; changes: Change[] };

const UNASSIGNED = "Unassigned";

/**
 * Changes a ticket's status, priority and assignee. Refused as a conflict when the ticket has
 * moved on since `version`; the result then says what changed in between.
 */
export async function updateTicketIn(tx: Tx, actor: Actor, number: number, changes: TicketChanges, channel: Channel = WEB): Promise<UpdateResult> {
  // Anything but a ticket number is a bug upstream (the actions parse it): throw, write nothing.
  ticketWhere(actor, number);
  const current = await getTicketRow(actor, number, tx);
  if (!current) return { kind: "not_found" };
  // Tags are read only for those who may see them, and only when the change or its conflict
  // message needs them.
  const mayTag = can(actor, "changeTags", current);
  const tagsNow = mayTag && (changes.tags !== undefined || changes.seen?.tags !== undefined) ? await ticketTags(number, tx) : null;
  if (current.version !== changes.version) return { kind: "conflict", changes: changedSince(changes.seen, current, tagsNow) };
  // A merged duplicate stays Closed: its conversation lives on in the ticket it went into.
  if (current.mergedIntoNumber !== null) {
    return { kind: "forbidden", field: "status", message: `This ticket was merged into #${current.mergedIntoNumber}; change that ticket instead.` };
  }

  const from = {
    status: statusFromRank(current.status),
    priority: priorityFromRank(current.priority),
    assigneeId: current.assigneeId,
    assigneeName: current.assigneeName ?? UNASSIGNED,
  };
  const to = {
    status: changes.status ?? from.status,
    priority: changes.priority ?? from.priority,
    assigneeId: changes.assigneeId === undefined ? from.assigneeId : changes.assigneeId,
    assigneeName: from.assigneeName,
  };

  if (!maySetStatus(actor, { requesterId: current.requesterId, status: from.status }, to.status)) {
    return { kind: "forbidden", field: "status", message: "You may not set that status." };
  }
  if (to.priority !== from.priority && !can(actor, "changePriority", current)) {
    return { kind: "forbidden", field: "priority", message: "You may not change the priority." };
  }
  // Who the form names, when it names someone: only for those who may change the assignee (an
  // email is never looked up for anyone else, so that a forged form learns nothing by it).
  const mayAssign = can(actor, "changeAssignee", current);
  let named: { name: string; role: Actor["role"]; deactivated: boolean } | null = null;
  if (typeof to.assigneeId === "string" && mayAssign) {
    // An email (typed), or an id (the select's): never a name, which two people may share.
    const key = personKey(cleanKey(to.assigneeId));
    const person =
      key?.kind === "email" ? await findPerson(key, tx).then((f) => (f.kind === "found" ? f.person : null))
      : key?.id ? await getPerson(key.id, tx)
      : null;
    if (person === null) {
      const message = key?.kind === "email" ? `No one has the email ${key.email}.` : "Choose an agent from the list, or type their email.";
      return { kind: "invalid", field: "assigneeId", message };
    }
    to.assigneeId = person.id;
    named = person;
  }
  if (to.assigneeId !== from.assigneeId) {
    if (!mayAssign) {
      return { kind: "forbidden", field: "assigneeId", message: "You may not change the assignee." };
    }
    if (named !== null) {
      // The one rule of who may be given tickets (lib/people/identity.ts): active staff.
      if (!isAssignable(named)) {
        const message = named.deactivated
          ? `${named.name} is deactivated and cannot be assigned tickets.`
          : `${named.name} is not an agent: only agents and admins can be assigned tickets.`;
        return { kind: "invalid", field: "assigneeId", message };
      }
      to.assigneeName = named.name;
    } else {
      to.assigneeName = UNASSIGNED;
    }
  }

  let tags: { from: string[]; to: string[] } | null = null;
  if (changes.tags !== undefined) {
    if (!mayTag || tagsNow === null) return { kind: "forbidden", field: "tags", message: "You may not change the tags." };
    const next = "set" in changes.tags ? [...changes.tags.set] : [...tagsNow, ...changes.tags.add.filter((t) => !tagsNow.includes(t))];
    if (next.length > TAGS_PER_TICKET) return { kind: "invalid", field: "tags", message: `A ticket has at most ${TAGS_PER_TICKET} tags.` };
    if (formatTags(next) !== formatTags(tagsNow)) tags = { from: tagsNow, to: next };
  }

  const diff: Change[] = [];
  if (to.status !== from.status) diff.push({ field: "status", from: from.status, to: to.status });
  if (to.priority !== from.priority) diff.push({ field: "priority", from: from.priority, to: to.priority });
  if (to.assigneeId !== from.assigneeId) diff.push({ field: "assignee", from: from.assigneeName, to: to.assigneeName });
  if (tags) diff.push({ field: "tags", from: formatTags(tags.from), to: formatTags(tags.to) });
  if (diff.length === 0) return { kind: "unchanged" };

  try {
    await writeChange(tx, actor, current, { ...to, assigneeName: to.assigneeId === null ? null : to.assigneeName }, diff, channel, tags);
  } catch (e) {
    // The desk's tag limit, found while making a new tag: the caller's transaction rolls back.
    if (e instanceof TooManyTags) return { kind: "invalid", field: "tags", message: e.message };
    throw e;
  }
  return { kind: "updated", changes: diff };
}

export function updateTicket(actor: Actor, number: number, changes: TicketChanges): Promise<UpdateResult> {
  return write((tx) => updateTicketIn(tx, actor, number, changes)).catch((e: unknown) => {
    if (e instanceof WriteMismatch) return { kind: "conflict", changes: [] } as const;
    throw e;
  });
}

/**
 * A decided change: the row (exactly this ticket as this actor may see it, at the version read;
 * anything but one row rolls the transaction back), its history, and the event. Also the merge's
 * (lib/tickets/merge.ts), which closes the duplicate through it.
 */
export async function writeChange(
  tx: Tx,
  actor: Actor,
  current: TicketRowForChange,
  to: { status: Status; priority: Priority; assigneeId: string | null; assigneeName: string | null },
  diff: Change[],
  channel: Channel,
  tags: { from: string[]; to: string[] } | null = null,
) {
  const now = new Date();
  const at = sqlDate(now);
  const from = statusFromRank(current.status);
  const resolvedAt = isDone(to.status) && !isDone(from) ? at : !isDone(to.status) ? null : current.resolvedAt && sqlDate(current.resolvedAt);
  const w = ticketWhereSql(actor, current.number, `"ticket"`);
  expectOne(
    await tx.run(
      `UPDATE "ticket" SET "status" = ?, "priority" = ?, "assigneeId" = ?, "assigneeName" = ?, "resolvedAt" = ?, "updatedAt" = ?,
         "version" = "version" + 1
       WHERE ${w.sql} AND "version" = ?`,
      statusRank(to.status), priorityRank(to.priority), to.assigneeId, to.assigneeName, resolvedAt, at, ...w.args, current.version,
    ),
  );
  if (tags) await writeTicketTagsIn(tx, current.number, tags.from, tags.to);
  for (const c of diff) {
    await tx.run(
      `INSERT INTO "activity" ("ticketNumber", "actorId", "field", "fromValue", "toValue", "createdAt") VALUES (?, ?, ?, ?, ?, ?)`,
      current.number, actor.id, c.field, c.from, c.to, at,
    );
  }
  await ticketEvents.emit(tx, {
    kind: "changed",
    at: now,
    actor,
    channel,
    ticket: facts(current, to.assigneeId),
    changes: diff,
    previousAssigneeId: current.assigneeId,
  });
}

export function facts(row: TicketRowForChange, assigneeId: string | null = row.assigneeId): TicketFacts {
  return { number: row.number, title: row.title, requesterId: row.requesterId, requesterName: row.requesterName, assigneeId };
}

/**
 * The requester answering a Resolved ticket ("it is not fixed", as the Resolved mail invites)
 * opens it again, with its history entry; only when the status rules let them (maySetStatus).
 */
export async function reopenResolvedIn(tx: Tx, actor: Actor, number: number, channel: Channel): Promise<boolean> {
  const current = await getTicketRow(actor, number, tx);
  if (!current || statusFromRank(current.status) !== "Resolved" || current.requesterId !== actor.id) return false;
  if (!maySetStatus(actor, { requesterId: current.requesterId, status: "Resolved" }, "Open")) return false;
  const to = { status: "Open" as const, priority: priorityFromRank(current.priority), assigneeId: current.assigneeId, assigneeName: current.assigneeName };
  await writeChange(tx, actor, current, to, [{ field: "status", from: "Resolved", to: "Open" }], channel);
  return true;
}

/**
 * For a conflict: which fields differ between what the person saw when they loaded the form
 * (sent back with it; it only shapes this message) and what the ticket holds now.
 */
function changedSince(
  seen: TicketChanges["seen"],
  current: { status: number; priority: number; assigneeId: string | null; assigneeName: string | null },
  tagsNow: string[] | null,
): Change[] {
  const now = {
    status: statusFromRank(current.status),
    priority: priorityFromRank(current.priority),
    assignee: current.assigneeName ?? UNASSIGNED,
  };
  const out: Change[] = [];
  if (seen?.status && seen.status !== now.status) out.push({ field: "status", from: seen.status, to: now.status });
  if (seen?.priority && seen.priority !== now.priority) out.push({ field: "priority", from: seen.priority, to: now.priority });
  if (seen && seen.assigneeId !== undefined && (seen.assigneeId || null) !== current.assigneeId)
    out.push({ field: "assignee", from: seen.assigneeName ?? "", to: now.assignee });
  if (seen?.tags !== undefined && tagsNow !== null && seen.tags !== formatTags(tagsNow))
    out.push({ field: "tags", from: seen.tags, to: formatTags(tagsNow) });
  return out;
}
