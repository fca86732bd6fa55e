/**
 * Where an inbound message goes: a comment on an existing ticket, or a new ticket. Pure, with
 * the two database questions injected, so every branch is tested without a database.
 *
 * The evidence is tried from strongest to weakest:
 * 1. References/In-Reply-To naming a Message-ID Triage sent or imported. Only recipients of
 *    that mail know those ids, so the thread is trusted whoever the sender is (a colleague in
 *    Cc answering is normal); the ticket must still exist.
 * 2. A reply token (verified by the caller): signed by Triage, equally trusted; the ticket must
 *    exist.
 * 3. "[#N]" in the subject: anyone can type that, so it counts only when the sender is the
 *    ticket's requester or staff. A stranger writing "[#5]" gets a new ticket rather than a
 *    comment on someone else's.
 * Who may author the comment, and whether it is public, remains the importer's decision.
 */
import { normalizeAddress } from "./ids";

export type Relation = "requester" | "staff" | "other" | "no_ticket";

export type Lookups = {
  /** The ticket a stored Message-ID (one Triage sent, or one it imported) belongs to. */
  ticketByMessageIds(ids: string[]): Promise<number | null>;
  /** Whether the ticket exists, and whether this sender (a normalized address) is its requester or an agent/admin. */
  senderRelation(ticket: number, address: string): Promise<Relation>;
};

export type Match = { kind: "comment"; ticket: number; by: "thread" | "token" | "subject" } | { kind: "new_ticket" };

export type MatchInput = {
  /** Normalized ids from In-Reply-To and References (parseReferences). */
  references: string[];
  /** The ticket of a verified reply token (verifyReplyToken), or null. */
  tokenTicket: number | null;
  /** The ticket number tagged in the subject (subjectTicketNumber), or null. */
  subjectTicket: number | null;
  from: string;
};

export async function matchTicket(msg: MatchInput, lookups: Lookups): Promise<Match> {
  const from = normalizeAddress(msg.from);
  if (msg.references.length > 0) {
    const ticket = await lookups.ticketByMessageIds(msg.references);
    if (ticket !== null && (await lookups.senderRelation(ticket, from)) !== "no_ticket") {
      return { kind: "comment", ticket, by: "thread" };
    }
  }
  if (msg.tokenTicket !== null && (await lookups.senderRelation(msg.tokenTicket, from)) !== "no_ticket") {
    return { kind: "comment", ticket: msg.tokenTicket, by: "token" };
  }
  if (msg.subjectTicket !== null) {
    const relation = await lookups.senderRelation(msg.subjectTicket, from);
    if (relation === "requester" || relation === "staff") return { kind: "comment", ticket: msg.subjectTicket, by: "subject" };
  }
  return { kind: "new_ticket" };
}
