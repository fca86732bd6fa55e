import { describe, expect, it } from "vitest";
import { matchTicket, type Lookups, type Relation } from "./match";

/** Tickets 1–9 exist; 5's requester is anna@example.org; agents are staff everywhere. */
function fakeLookups(threads: Record<string, number> = {}): Lookups & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async ticketByMessageIds(ids) {
      calls.push(`ids:${ids.join(",")}`);
      for (const id of ids) if (threads[id] !== undefined) return threads[id];
      return null;
    },
    async senderRelation(ticket, address): Promise<Relation> {
      calls.push(`relation:${ticket}:${address}`);
      if (ticket < 1 || ticket > 9) return "no_ticket";
      if (address === "agent@example.com") return "staff";
      if (ticket === 5 && address === "anna@example.org") return "requester";
      return "other";
    },
  };
}
const message = { references: [] as string[], tokenTicket: null, subjectTicket: null, from: "anna@example.org" };

describe("matchTicket", () => {
  it("a thread reference wins, whoever replies (a colleague in Cc)", async () => {
    const lookups = fakeLookups({ "m1@triage": 5 });
    expect(await matchTicket({ ...message, references: ["m1@triage"], tokenTicket: 7, subjectTicket: 3, from: "colleague@example.org" }, lookups)).toEqual({
      kind: "comment",
      ticket: 5,
      by: "thread",
    });
  });
  it("a thread pointing at a ticket that no longer exists falls through to the token", async () => {
    const lookups = fakeLookups({ "m1@triage": 42 });
    expect(await matchTicket({ ...message, references: ["m1@triage"], tokenTicket: 7 }, lookups)).toEqual({ kind: "comment", ticket: 7, by: "token" });
  });
  it("unknown references fall through to the token, which is trusted for anyone", async () => {
    const lookups = fakeLookups();
    expect(await matchTicket({ ...message, references: ["x@gmail.com"], tokenTicket: 7, from: "stranger@example.net" }, lookups)).toEqual({
      kind: "comment",
      ticket: 7,
      by: "token",
    });
  });
  it("a token for a missing ticket falls through to the subject", async () => {
    expect(await matchTicket({ ...message, tokenTicket: 42, subjectTicket: 5 }, fakeLookups())).toEqual({ kind: "comment", ticket: 5, by: "subject" });
  });
  it("the subject tag counts for the requester (address normalized) and for staff", async () => {
    expect(await matchTicket({ ...message, subjectTicket: 5, from: " Anna@Example.ORG " }, fakeLookups())).toEqual({ kind: "comment", ticket: 5, by: "subject" });
    expect(await matchTicket({ ...message, subjectTicket: 3, from: "agent@example.com" }, fakeLookups())).toEqual({ kind: "comment", ticket: 3, by: "subject" });
  });
  it("a stranger writing [#5] in the subject gets a new ticket", async () => {
    expect(await matchTicket({ ...message, subjectTicket: 5, from: "stranger@example.net" }, fakeLookups())).toEqual({ kind: "new_ticket" });
  });
  it("a subject tag for a missing ticket, or no evidence at all, is a new ticket", async () => {
    expect(await matchTicket({ ...message, subjectTicket: 42 }, fakeLookups())).toEqual({ kind: "new_ticket" });
    const lookups = fakeLookups();
    expect(await matchTicket(message, lookups)).toEqual({ kind: "new_ticket" });
    expect(lookups.calls).toEqual([]);
  });
  it("asks the database only as far as needed, with the normalized sender", async () => {
    const lookups = fakeLookups({ "m1@triage": 5 });
    await matchTicket({ ...message, references: ["m0@x", "m1@triage"], tokenTicket: 7, from: "Anna <ANNA@example.org>" }, lookups);
    expect(lookups.calls).toEqual(["ids:m0@x,m1@triage", "relation:5:anna@example.org"]);
  });
});
