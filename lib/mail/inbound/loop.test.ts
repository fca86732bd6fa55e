import { describe, expect, it } from "vitest";
import { automatedReason, type InboundHeaders } from "./loop";

const own = { addresses: ["help@example.com", "Support@Example.com"] };
const person = (over: Partial<InboundHeaders> = {}): InboundHeaders => ({
  from: "anna@example.org",
  returnPath: "<anna@example.org>",
  headers: { from: "Anna Berg <anna@example.org>", subject: "Re: [#5] Printer offline" },
  contentType: "multipart/alternative; boundary=\"000000000000abc\"",
  ...over,
});
const withHeaders = (headers: Record<string, string>, over: Partial<InboundHeaders> = {}) =>
  person({ headers: { ...person().headers, ...headers }, ...over });

describe("automatedReason: real messages", () => {
  it("a person's reply, and one that says Auto-Submitted: no, are not automated", () => {
    expect(automatedReason(person(), own)).toBeNull();
    expect(automatedReason(withHeaders({ "auto-submitted": "No" }), own)).toBeNull();
    expect(automatedReason(person({ returnPath: undefined, contentType: null }), own)).toBeNull();
    expect(automatedReason(person({ returnPath: null }), own)).toBeNull();
  });
  it("Outlook's X-Auto-Response-Suppress alone is an ordinary mail", () => {
    expect(automatedReason(withHeaders({ "x-auto-response-suppress": "All" }), own)).toBeNull();
  });
  it("an Outlook / Exchange out-of-office", () => {
    const oof = withHeaders({
      subject: "Automatic reply: [#5] Printer offline",
      "auto-submitted": "auto-generated",
      "x-auto-response-suppress": "All",
      "x-ms-exchange-generated-message-source": "Mailbox Rules Agent",
    });
    expect(automatedReason(oof, own)).toBe("automatic message (Auto-Submitted: auto-generated)");
    const withoutAutoSubmitted = Object.fromEntries(Object.entries(oof.headers).filter(([name]) => name !== "auto-submitted"));
    expect(automatedReason({ ...oof, headers: withoutAutoSubmitted }, own)).toBe(
      "automatic message from Exchange (X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent)",
    );
  });
  it("a Gmail vacation responder", () => {
    const vacation = withHeaders({ "auto-submitted": "auto-replied", precedence: "bulk", subject: "Out of office" });
    expect(automatedReason(vacation, own)).toBe("auto-reply (Auto-Submitted: auto-replied)");
  });
  it("a bounce from MAILER-DAEMON with multipart/report", () => {
    const bounce: InboundHeaders = {
      from: "MAILER-DAEMON@mx.example.org",
      returnPath: "<>",
      headers: { from: "Mail Delivery System <MAILER-DAEMON@mx.example.org>", "auto-submitted": "auto-replied" },
      contentType: 'multipart/report; report-type=delivery-status; boundary="B1"',
    };
    expect(automatedReason(bounce, own)).toBe("bounce (empty Return-Path)");
    expect(automatedReason({ ...bounce, returnPath: undefined }, own)).toBe(
      "delivery report (Content-Type: multipart/report; report-type=delivery-status)",
    );
    expect(automatedReason({ ...bounce, returnPath: undefined, contentType: "text/plain" }, own)).toBe(
      "bounce (From: MAILER-DAEMON@mx.example.org)",
    );
  });
});

describe("automatedReason: each rule", () => {
  it("our own address as sender, also with a plus-tag or in another case", () => {
    expect(automatedReason(person({ from: "help@example.com" }), own)).toBe("sent by Triage itself (From: help@example.com)");
    expect(automatedReason(person({ from: "Help+t5-abc@EXAMPLE.com" }), own)).toBe("sent by Triage itself (From: Help+t5-abc@EXAMPLE.com)");
    expect(automatedReason(person({ from: "support@example.com" }), own)).toMatch(/^sent by Triage itself/);
  });
  it("X-Loop naming one of our addresses, not someone else's", () => {
    expect(automatedReason(withHeaders({ "x-loop": "Triage <help+t5@example.com>" }), own)).toBe("mail loop (X-Loop: Triage <help+t5@example.com>)");
    expect(automatedReason(withHeaders({ "x-loop": "list@lists.example.net" }), own)).toBeNull();
  });
  it("an empty Return-Path in any spelling", () => {
    for (const returnPath of ["", "<>", " < > "]) expect(automatedReason(person({ returnPath }), own)).toBe("bounce (empty Return-Path)");
  });
  it("read receipts and reports without a type", () => {
    expect(automatedReason(person({ contentType: "Multipart/Report; report-type=disposition-notification" }), own)).toBe(
      "read receipt (Content-Type: multipart/report; report-type=disposition-notification)",
    );
    expect(automatedReason(person({ contentType: "multipart/report" }), own)).toBe("delivery report (Content-Type: multipart/report)");
  });
  it("postmaster", () => {
    expect(automatedReason(person({ from: "Postmaster@example.org" }), own)).toBe("bounce (From: Postmaster@example.org)");
  });
  it("Auto-Submitted with parameters and comments, in any case", () => {
    expect(automatedReason(withHeaders({ "auto-submitted": "Auto-Replied; owner-email=\"anna@example.org\"" }), own)).toBe(
      'auto-reply (Auto-Submitted: Auto-Replied; owner-email="anna@example.org")',
    );
    expect(automatedReason(withHeaders({ "auto-submitted": "auto-notified (from the CRM)" }), own)).toBe(
      "automatic message (Auto-Submitted: auto-notified (from the CRM))",
    );
    expect(automatedReason(withHeaders({ "auto-submitted": "no (a person)" }), own)).toBeNull();
  });
  it("X-Autoreply and X-Autorespond", () => {
    expect(automatedReason(withHeaders({ "x-autoreply": "yes" }), own)).toBe("auto-reply (X-Autoreply: yes)");
    expect(automatedReason(withHeaders({ "x-autorespond": "Vacation" }), own)).toBe("auto-reply (X-Autorespond: Vacation)");
  });
  it("an Exchange inbox rule loop", () => {
    expect(automatedReason(withHeaders({ "x-ms-exchange-inbox-rules-loop": "anna@example.org" }), own)).toBe(
      "forwarded by an Exchange inbox rule (X-MS-Exchange-Inbox-Rules-Loop: anna@example.org)",
    );
  });
  it("Precedence bulk, junk, list, auto_reply; not first-class", () => {
    expect(automatedReason(withHeaders({ precedence: "bulk" }), own)).toBe("bulk mail (Precedence: bulk)");
    expect(automatedReason(withHeaders({ precedence: "JUNK" }), own)).toBe("bulk mail (Precedence: JUNK)");
    expect(automatedReason(withHeaders({ precedence: "list" }), own)).toBe("mailing list (Precedence: list)");
    expect(automatedReason(withHeaders({ precedence: "auto_reply" }), own)).toBe("auto-reply (Precedence: auto_reply)");
    expect(automatedReason(withHeaders({ precedence: "first-class" }), own)).toBeNull();
  });
  it("mailing lists and newsletters", () => {
    expect(automatedReason(withHeaders({ "list-id": "IT news <it-news.example.org>" }), own)).toBe("mailing list (List-Id: IT news <it-news.example.org>)");
    expect(automatedReason(withHeaders({ "list-unsubscribe": "<mailto:leave@example.org>" }), own)).toBe("mailing list (List-Unsubscribe)");
  });
  it("no-reply senders in their usual spellings, not addresses that merely contain the words", () => {
    for (const from of ["no-reply@example.org", "NoReply@example.org", "do-not-reply@example.org", "donotreply@example.org", "no_reply+x@example.org"]) {
      expect(automatedReason(person({ from }), own), from).toBe(`automated sender (From: ${from})`);
    }
    for (const from of ["noreplyanna@example.org", "reply@example.org", "anna.noreply.fan@example.org"]) {
      expect(automatedReason(person({ from }), own), from).toBeNull();
    }
  });
  it("header names are matched case-insensitively even if the caller did not lowercase them", () => {
    expect(automatedReason(person({ headers: { "Auto-Submitted": "auto-replied" } }), own)).toBe("auto-reply (Auto-Submitted: auto-replied)");
  });
  it("folded header values are unfolded in the reason", () => {
    expect(automatedReason(withHeaders({ "list-id": "IT news\r\n <it-news.example.org>" }), own)).toBe("mailing list (List-Id: IT news <it-news.example.org>)");
  });
  it("a message without a sender is judged by its headers", () => {
    expect(automatedReason(person({ from: null }), own)).toBeNull();
    expect(automatedReason(person({ from: null, returnPath: "<>" }), own)).toBe("bounce (empty Return-Path)");
  });
});
