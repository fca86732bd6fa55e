import { describe, expect, it } from "vitest";
import { deliveryLine, pollLine } from "./worker";

describe("the background jobs' log lines", () => {
  it("an outbox message: id, kind, status, attempt and time; nothing of its address, subject or body", () => {
    const [level, msg, fields] = deliveryLine({ id: 42, kind: "comment_to_requester", status: "sent", attempts: 1, ms: 180 });
    expect(level).toBe("info");
    expect(msg).toBe("outbox: message 42 (comment_to_requester) sent, attempt 1, 180 ms");
    expect(fields).toEqual({ job: "outbox", id: 42, kind: "comment_to_requester", status: "sent", attempts: 1, ms: 180 });
    expect(deliveryLine({ id: 7, kind: "password_reset", status: "queued", attempts: 2, ms: 10_001 })[0]).toBe("warn");
    expect(deliveryLine({ id: 7, kind: "password_reset", status: "failed", attempts: 8, ms: 3 })[1]).toBe("outbox: message 7 (password_reset) failed, attempt 8, 3 ms");
  });

  it("a mailbox poll: what it read and what became of each, in counts", () => {
    const outcomes = { comment: 2, ticket: 1, ignored: 1, quarantined: 1, duplicate: 0, held: 0, failing: 0, refused: 0 };
    const [level, msg, fields] = pollLine({ skipped: false, seen: 5, outcomes }, 420);
    expect(level).toBe("info");
    expect(msg).toBe("mailbox: read 5: 1 new tickets, 2 comments, 1 set aside, 1 kept without a ticket (automatic replies, bounces); 420 ms");
    expect(fields).toEqual({
      job: "mailbox", read: 5, imported: 3, tickets: 1, comments: 2, setAside: 1, waiting: 0, failed: 0, ignored: 1, duplicates: 0, refused: 0, ms: 420,
    });
  });
});
