import { registry } from "../reactions";
import type { Actor } from "../people/identity";

/**
 * What a ticket command emits, in its transaction, after writing the change and its history.
 * Facts, not instructions: each reaction (lib/mail/reactions.ts) decides who hears of it.
 */

/** Where a change came from: the web, or a message from the mailbox. */
export type Channel =
  /**
   * `bulk`: one of several tickets changed as one change (the list's "Apply to selected"): the
   * reactions leave what they would say per ticket to the "changed_in_bulk" event that follows.
   */
  | { via: "web"; bulk?: true }
  | {
      via: "mail";
      /** The sender's message this answers (its key), so that mail about it joins the thread. */
      messageKey?: string;
      /** For a requester created from this message: a link to set a password. */
      invite?: string;
    };

export type TicketFacts = {
  number: number;
  title: string;
  requesterId: string;
  requesterName: string;
  assigneeId: string | null;
};

/** A field's change. "tags" is staff's own: nothing a requester receives or sees may carry it. */
export type Change = { field: "status" | "priority" | "assignee" | "tags"; from: string; to: string };

export type TicketEvent =
  | { kind: "created"; at: Date; actor: Actor; channel: Channel; ticket: TicketFacts & { description: string } }
  | {
      kind: "changed";
      at: Date;
      actor: Actor;
      channel: Channel;
      ticket: TicketFacts;
      changes: Change[];
      /** The assignee before the change (the ticket's facts hold the new one). */
      previousAssigneeId: string | null;
    }
  | {
      kind: "commented";
      at: Date;
      actor: Actor;
      channel: Channel;
      ticket: TicketFacts;
      comment: { id: number; body: string; internal: boolean };
    }
  | {
      kind: "merged";
      at: Date;
      actor: Actor;
      channel: Channel;
      /** The duplicate, now Closed. */
      ticket: TicketFacts;
      /** Where its conversation went, and whether the duplicate's requester may open it (their own too). */
      into: { number: number; title: string; requesterId: string };
    }
  /**
   * After a bulk change's "changed" events (each marked by its channel), in the same transaction:
   * the tickets whose assignee became `assigneeId`, so that they hear of them once, not per ticket.
   */
  | { kind: "changed_in_bulk"; at: Date; actor: Actor; channel: Channel; assigned: { assigneeId: string; tickets: TicketFacts[] }[] };

export const ticketEvents = registry<TicketEvent>("tickets");
