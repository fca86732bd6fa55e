import "server-only";
import { db, expectOne, writer, WriteMismatch } from "../db";
import { sqlDate } from "../sql";
import { getTicketRow } from "./queries";
import { notifyTicketChanged, notifyTicketCreated, WEB_ACKS_PER_HOUR } from "../mail/notify";
import { maySetStatus, can, type Actor, mayCreateTicket, ticketWhere } from "./permissions";
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

/**
 * Ticket writes. Each takes the actor first, checks it against the row itself, and writes the
 * change and its history in one transaction. Expected refusals are return values.
 */

export async function createTicket(actor: Actor, input: NewTicketInput): Promise<{ number: number }> {
  if (!mayCreateTicket(actor)) throw new Error("createTicket: actor may not create tickets");
  const now = new Date();
  const at = sqlDate(now);
  // The ticket, its first history entry and the mail it causes commit together, on the writer's
  // own connection (lib/sqlite.ts openWriter): through a Prisma interactive transaction the same
  // statements cost about a third of a create's CPU in Prisma's client alone.
  return writer.transaction(async (tx) => {
    const ticket = await tx.get<{ number: number | bigint }>(
      `INSERT INTO "ticket" ("title", "description", "priority", "status", "requesterId", "requesterName", "createdAt", "updatedAt")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING "number"`,
      input.title, input.description, priorityRank(input.priority), statusRank("Open"), actor.id, actor.name, at, at,
    );
    const number = Number(ticket!.number);
    expectOne({
      count: await tx.run(
        `INSERT INTO "activity" ("ticketNumber", "actorId", "field", "toValue", "createdAt") VALUES (?, ?, 'created', NULL, ?)`,
        number, actor.id, at,
      ),
    });
    await notifyTicketCreated(tx, {
      number,
      title: input.title,
      description: input.description,
      createdAt: now,
      requesterId: actor.id,
      requesterName: actor.name,
    }, { ackLimit: actor.role === "requester" ? WEB_ACKS_PER_HOUR : undefined });
    return { number };
  });
}

export type TicketChanges = {
  status: Status;
  priority?: Priority;
  /** undefined: leave as is; null: unassign; a string: a user id. */
  assigneeId?: string | null;
  /** The version the form was loaded at. */
  version: number;
  /** What the form showed when it was loaded, to explain a conflict. */
  seen?: { status?: Status; priority?: Priority; assigneeId?: string; assigneeName?: string };
};

export type Change = { field: "status" | "priority" | "assignee"; from: string; to: string };

export type UpdateResult =
  | { kind: "updated"; changes: Change[] }
  | { kind: "unchanged" }
  | { kind: "not_found" }
  | { kind: "forbidden"; field: "status" | "priority" | "assigneeId"; message: string }
  | { kind: "invalid"; field: "assigneeId"; message: string }
  | { kind: "conflict"; changes: Change[] };

const UNASSIGNED = "Unassigned";

/**
 * Changes a ticket's status, priority and assignee. Refused as a conflict when the ticket has
 * moved on since `version`; the result then says what changed in between.
 */
export async function updateTicket(
  actor: Actor,
  number: number,
  changes: TicketChanges,
): Promise<UpdateResult> {
  const where = ticketWhere(actor, number);
  return db.$transaction(async (tx) => {
    const current = await getTicketRow(actor, number, tx);
    if (!current) return { kind: "not_found" } as const;

    if (current.version !== changes.version) {
      return { kind: "conflict", changes: changedSince(changes.seen, current) } as const;
    }

    const from = {
      status: statusFromRank(current.status),
      priority: priorityFromRank(current.priority),
      assigneeId: current.assigneeId,
      assigneeName: current.assigneeName ?? UNASSIGNED,
    };
    const to = {
      status: changes.status,
      priority: changes.priority ?? from.priority,
      assigneeId: changes.assigneeId === undefined ? from.assigneeId : changes.assigneeId,
      assigneeName: from.assigneeName,
    };

    if (!maySetStatus(actor, { requesterId: current.requesterId, status: from.status }, to.status)) {
      return { kind: "forbidden", field: "status", message: "You may not set that status." } as const;
    }
    if (to.priority !== from.priority && !can(actor, "changePriority", current)) {
      return { kind: "forbidden", field: "priority", message: "You may not change the priority." } as const;
    }
    if (to.assigneeId !== from.assigneeId) {
      if (!can(actor, "changeAssignee", current)) {
        return { kind: "forbidden", field: "assigneeId", message: "You may not change the assignee." } as const;
      }
      if (to.assigneeId !== null) {
        const assignee = await tx.user.findFirst({
          where: { id: to.assigneeId, role: { in: ["agent", "admin"] } },
          select: { name: true },
        });
        if (!assignee) {
          return { kind: "invalid", field: "assigneeId", message: "Choose an agent from the list." } as const;
        }
        to.assigneeName = assignee.name;
      } else {
        to.assigneeName = UNASSIGNED;
      }
    }

    const diff: Change[] = [];
    if (to.status !== from.status) diff.push({ field: "status", from: from.status, to: to.status });
    if (to.priority !== from.priority) diff.push({ field: "priority", from: from.priority, to: to.priority });
    if (to.assigneeId !== from.assigneeId)
      diff.push({ field: "assignee", from: from.assigneeName, to: to.assigneeName });
    if (diff.length === 0) return { kind: "unchanged" } as const;

    const now = new Date();
    const resolvedAt =
      isDone(to.status) && !isDone(from.status)
        ? now
        : !isDone(to.status)
          ? null
          : current.resolvedAt;
    // Exactly this ticket, as this actor may see it, at the version read above; anything but one
    // row rolls the whole transaction back.
    expectOne(await tx.ticket.updateMany({
      where: { ...where, version: changes.version },
      data: {
        status: statusRank(to.status),
        priority: priorityRank(to.priority),
        assigneeId: to.assigneeId,
        assigneeName: to.assigneeId === null ? null : to.assigneeName,
        resolvedAt,
        updatedAt: now,
        version: { increment: 1 },
      },
    }));
    await tx.activity.createMany({
      data: diff.map((c) => ({
        ticketNumber: number,
        actorId: actor.id,
        field: c.field,
        fromValue: c.from,
        toValue: c.to,
        createdAt: now,
      })),
    });
    await notifyTicketChanged(tx, { number, title: current.title, requesterId: current.requesterId }, {
      actor,
      at: now,
      resolved: to.status === "Resolved" && from.status !== "Resolved",
      newAssigneeId: to.assigneeId !== from.assigneeId ? to.assigneeId : undefined,
    });
    return { kind: "updated", changes: diff } as const;
  }).catch((e: unknown) => {
    if (e instanceof WriteMismatch) return { kind: "conflict", changes: [] } as const;
    throw e;
  });
}

/**
 * For a conflict: which fields differ between what the person saw when they loaded the form
 * (sent back with it; it only shapes this message) and what the ticket holds now.
 */
function changedSince(
  seen: TicketChanges["seen"],
  current: { status: number; priority: number; assigneeId: string | null; assigneeName: string | null },
): Change[] {
  const now = {
    status: statusFromRank(current.status),
    priority: priorityFromRank(current.priority),
    assignee: current.assigneeName ?? UNASSIGNED,
  };
  const out: Change[] = [];
  if (seen?.status && seen.status !== now.status)
    out.push({ field: "status", from: seen.status, to: now.status });
  if (seen?.priority && seen.priority !== now.priority)
    out.push({ field: "priority", from: seen.priority, to: now.priority });
  if (seen && seen.assigneeId !== undefined && (seen.assigneeId || null) !== current.assigneeId)
    out.push({ field: "assignee", from: seen.assigneeName ?? "", to: now.assignee });
  return out;
}
