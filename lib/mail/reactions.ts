import "server-only";
import type { AccountEvent } from "../auth/events";
import type { Tx } from "../db";
import { isStaff } from "../people/identity";
import type { TicketEvent } from "../tickets/events";
import { env } from "../env";
import { queueAddressProof, queueInvitation, queuePasswordReset, queueSignUpAttemptNotice } from "./account-mail";
import { notifyAssignedInBulk, notifyComment, notifyMerged, notifyTicketChanged, notifyTicketCreated, WEB_ACKS_PER_HOUR } from "./notify";
import { wakeOutbox } from "./outbox";

/**
 * Mail reacting to what the desk recorded: each event becomes outbox rows in the transaction that
 * recorded it (lib/reactions.ts). Registered at start by lib/reactions-start.ts.
 */
export async function onTicketEvent(tx: Tx, e: TicketEvent) {
  switch (e.kind) {
    case "created":
      return notifyTicketCreated(
        tx,
        { ...e.ticket, createdAt: e.at },
        e.channel.via === "mail"
          ? { viaMail: true, invite: e.channel.invite, answers: e.channel.messageKey }
          : { ackLimit: isStaff(e.actor) ? undefined : WEB_ACKS_PER_HOUR },
      );
    case "changed": {
      const status = e.changes.find((c) => c.field === "status");
      return notifyTicketChanged(tx, e.ticket, {
        actor: e.actor,
        at: e.at,
        resolved: status?.to === "Resolved" && status.from !== "Resolved",
        newAssigneeId: e.ticket.assigneeId !== e.previousAssigneeId ? e.ticket.assigneeId : undefined,
        bulk: e.channel.via === "web" && e.channel.bulk === true,
      });
    }
    case "changed_in_bulk":
      for (const a of e.assigned) await notifyAssignedInBulk(tx, a.assigneeId, a.tickets, { ...e.actor, at: e.at });
      return;
    case "commented":
      return notifyComment(tx, e.ticket, {
        id: e.comment.id,
        authorId: e.actor.id,
        authorName: e.actor.name,
        authorIsStaff: isStaff(e.actor),
        body: e.comment.body,
        internal: e.comment.internal,
        at: e.at,
      });
    case "merged":
      return notifyMerged(tx, e.ticket, e.into, { id: e.actor.id, name: e.actor.name, at: e.at });
  }
}

export async function onAccountEvent(tx: Tx, e: AccountEvent) {
  switch (e.kind) {
    case "reset_link":
      await queuePasswordReset(tx, e.userId, e.link);
      break;
    case "address_proof":
      await queueAddressProof(tx, e.userId, e.link);
      break;
    case "invitation":
      await queueInvitation(tx, e.userId, e.link, { by: e.by, role: e.role, days: e.days });
      break;
    case "sign_up_attempt":
      // A notice, not a link: with mail off it would only wait in the outbox to go out late.
      if (!env().TRIAGE_SMTP_URL) return;
      await queueSignUpAttemptNotice(tx, e.userId, e.at);
      break;
  }
  // After the commit (the writer commits before timers run): the worker need not wait a tick.
  setTimeout(wakeOutbox, 0).unref();
}
