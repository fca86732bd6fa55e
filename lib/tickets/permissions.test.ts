import { describe, expect, it } from "vitest";
import { STATUSES, type Status } from "./schema";
import {
  TICKET_PERMISSIONS,
  can,
  mayCreateTicket,
  maySetStatus,
  statusChoices,
  visibleTicketsWhere,
  type Ownership,
  type TicketAction,
} from "./permissions";
import { isAdmin, isStaff, isStaffSql, parseRole, ROLES, type Actor, type Role } from "../people/identity";

/**
 * The expected answers, written out from the specification rather than copied from the code:
 * a requester sees, comments on and closes/reopens their own tickets only, and never sees or
 * writes internal notes, nor removes a file (not even from their own ticket: what was sent stays
 * in the record unless staff take it out); agents and admins do everything on every ticket.
 * Each row: [role, action, own, others].
 */
const EXPECTED: [Role, TicketAction, boolean, boolean][] = [
  ["requester", "view", true, false],
  ["requester", "comment", true, false],
  ["requester", "writeInternalNote", false, false],
  ["requester", "readInternalNotes", false, false],
  ["requester", "changeStatus", false, false],
  ["requester", "changePriority", false, false],
  ["requester", "changeAssignee", false, false],
  ["requester", "closeOrReopen", true, false],
  ["requester", "removeAttachment", false, false],
  ["requester", "readTags", false, false],
  ["requester", "changeTags", false, false],
  ["requester", "merge", false, false],

  ["agent", "view", true, true],
  ["agent", "comment", true, true],
  ["agent", "writeInternalNote", true, true],
  ["agent", "readInternalNotes", true, true],
  ["agent", "changeStatus", true, true],
  ["agent", "changePriority", true, true],
  ["agent", "changeAssignee", true, true],
  ["agent", "closeOrReopen", true, true],
  ["agent", "removeAttachment", true, true],
  ["agent", "readTags", true, true],
  ["agent", "changeTags", true, true],
  ["agent", "merge", true, true],

  ["admin", "view", true, true],
  ["admin", "comment", true, true],
  ["admin", "writeInternalNote", true, true],
  ["admin", "readInternalNotes", true, true],
  ["admin", "changeStatus", true, true],
  ["admin", "changePriority", true, true],
  ["admin", "changeAssignee", true, true],
  ["admin", "closeOrReopen", true, true],
  ["admin", "removeAttachment", true, true],
  ["admin", "readTags", true, true],
  ["admin", "changeTags", true, true],
  ["admin", "merge", true, true],
];

const ACTIONS: TicketAction[] = [
  "view",
  "comment",
  "writeInternalNote",
  "readInternalNotes",
  "changeStatus",
  "changePriority",
  "changeAssignee",
  "closeOrReopen",
  "removeAttachment",
  "readTags",
  "changeTags",
  "merge",
];

const actor = (role: Role, id = `${role}-1`): Actor => ({ id, role, name: role });
const ticketOf = (a: Actor, ownership: Ownership) => ({
  requesterId: ownership === "own" ? a.id : "someone-else",
});

describe("the permission table", () => {
  it("the expected table covers every role × action exactly once", () => {
    expect(EXPECTED).toHaveLength(ROLES.length * ACTIONS.length);
    for (const role of ROLES)
      for (const action of ACTIONS)
        expect(EXPECTED.filter(([r, a]) => r === role && a === action), `${role}/${action}`).toHaveLength(1);
  });

  it("the code knows no action that the expected table does not", () => {
    for (const role of ROLES) expect(Object.keys(TICKET_PERMISSIONS[role]).sort()).toEqual([...ACTIONS].sort());
  });

  const cases = EXPECTED.flatMap(([role, action, own, others]) => [
    [role, action, "own", own] as const,
    [role, action, "others", others] as const,
  ]);
  it.each(cases)("%s may %s on %s ticket: %s", (role, action, ownership, expected) => {
    const a = actor(role);
    expect(can(a, action, ticketOf(a, ownership))).toBe(expected);
  });

  it("an unknown role (e.g. a forged or stale value) may do nothing", () => {
    const forged = { id: "x", role: "superuser", name: "x" } as unknown as Actor;
    for (const action of ACTIONS) {
      expect(can(forged, action, { requesterId: "x" })).toBe(false);
      expect(can(forged, action, { requesterId: "y" })).toBe(false);
    }
    expect(mayCreateTicket(forged)).toBe(false);
    expect(isAdmin(forged)).toBe(false);
    expect(isStaff(forged)).toBe(false);
  });

  it("ownership is decided by id, not by name", () => {
    const a = actor("requester", "u1");
    expect(can(a, "view", { requesterId: "u1" })).toBe(true);
    expect(can(a, "view", { requesterId: "requester" })).toBe(false);
    expect(can(a, "view", { requesterId: "U1" })).toBe(false);
  });
});

describe("role helpers", () => {
  it("isStaff, mayCreateTicket, isAdmin", () => {
    expect(ROLES.filter((r) => isStaff(actor(r)))).toEqual(["agent", "admin"]);
    expect(ROLES.filter((r) => mayCreateTicket(actor(r)))).toEqual(["requester", "agent", "admin"]);
    expect(ROLES.filter((r) => isAdmin(actor(r)))).toEqual(["admin"]);
  });
});

describe("identity (lib/people/identity.ts)", () => {
  it("reads a stored role, and anything unknown as the least privileged", () => {
    expect(ROLES.map(parseRole)).toEqual(["requester", "agent", "admin"]);
    for (const stored of ["", "Admin", "superuser", null, undefined, "admin "]) expect(parseRole(stored)).toBe("requester");
  });
  it("says who is staff in SQL as in code", () => {
    expect(isStaffSql(`u."role"`)).toBe(`u."role" IN ('agent', 'admin')`);
  });
});

describe("maySetStatus", () => {
  const requester = actor("requester", "req");
  const own = (status: Status) => ({ requesterId: "req", status });
  const others = (status: Status) => ({ requesterId: "other", status });

  it("a requester may close their own ticket from any status", () => {
    for (const from of STATUSES) expect(maySetStatus(requester, own(from), "Closed"), from).toBe(true);
  });

  it("a requester may reopen their own ticket only from Resolved or Closed", () => {
    for (const from of STATUSES) {
      const expected = from === "Resolved" || from === "Closed" || from === "Open";
      expect(maySetStatus(requester, own(from), "Open"), `${from} -> Open`).toBe(expected);
    }
  });

  it("a requester may make no other change to their own ticket", () => {
    for (const from of STATUSES)
      for (const to of ["In progress", "Waiting", "Resolved"] as Status[]) {
        if (from === to) continue;
        expect(maySetStatus(requester, own(from), to), `${from} -> ${to}`).toBe(false);
      }
  });

  it("a requester may change nothing on someone else's ticket", () => {
    for (const from of STATUSES)
      for (const to of STATUSES) {
        if (from === to) continue;
        expect(maySetStatus(requester, others(from), to), `${from} -> ${to}`).toBe(false);
      }
  });

  it("leaving the status as it is is not a change, so it is never refused", () => {
    for (const s of STATUSES) expect(maySetStatus(requester, own(s), s)).toBe(true);
  });

  it("the full requester matrix on their own ticket", () => {
    // from -> statuses a requester may pick (including keeping the current one)
    const expected: Record<Status, Status[]> = {
      Open: ["Open", "Closed"],
      "In progress": ["In progress", "Closed"],
      Waiting: ["Waiting", "Closed"],
      Resolved: ["Open", "Resolved", "Closed"],
      Closed: ["Open", "Closed"],
    };
    for (const from of STATUSES) expect(statusChoices(requester, own(from)), from).toEqual(expected[from]);
  });

  it("agents and admins may set any status on any ticket", () => {
    for (const role of ["agent", "admin"] as const) {
      const a = actor(role, "staff");
      for (const from of STATUSES)
        for (const to of STATUSES) {
          expect(maySetStatus(a, { requesterId: "staff", status: from }, to)).toBe(true);
          expect(maySetStatus(a, { requesterId: "someone", status: from }, to)).toBe(true);
        }
      expect(statusChoices(a, { requesterId: "someone", status: "Waiting" })).toEqual([...STATUSES]);
    }
  });
});

describe("visibleTicketsWhere", () => {
  it("limits a requester to their own tickets", () => {
    expect(visibleTicketsWhere(actor("requester", "r9"))).toEqual({ requesterId: "r9" });
  });
  it("leaves staff unrestricted", () => {
    expect(visibleTicketsWhere(actor("agent"))).toEqual({});
    expect(visibleTicketsWhere(actor("admin"))).toEqual({});
  });
  it("restricts an unknown role like a requester", () => {
    const forged = { id: "f", role: "root", name: "f" } as unknown as Actor;
    expect(visibleTicketsWhere(forged)).toEqual({ requesterId: "f" });
  });
});
