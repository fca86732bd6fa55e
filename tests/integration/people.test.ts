/**
 * People at the scale mail brings (issue 23): the lookups behind the list's Requester and Assignee
 * filters, the suggestions, the Assignee picker's choices, and the rule of who may be given
 * tickets (active staff), enforced by the command whatever the form sent.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { models as db } from "@/lib/db";
import type { Actor, Role } from "@/lib/people/identity";
import { personKey } from "@/lib/people/keys";
import { ASSIGNEE_SELECT_MAX, findPerson, listAssignees, suggestPeople, SUGGESTIONS_MAX } from "@/lib/people/queries";
import { createTicket, updateTicket } from "@/lib/tickets/commands";
import { resolveListFilters } from "@/lib/tickets/list-filters";
import { listTickets } from "@/lib/tickets/list";
import { DEFAULT_LIST_PARAMS, parseListParams } from "@/lib/tickets/list-params";

type P = { id: string; name: string; email: string; role: Role; deactivated?: boolean };
const PEOPLE: P[] = [
  { id: "ann", name: "Ann Admin", email: "ann@example.com", role: "admin" },
  { id: "ada", name: "Ada Agent", email: "ada@example.com", role: "agent" },
  { id: "abe", name: "Abe Agent", email: "abe@example.com", role: "agent" },
  { id: "dee", name: "Dee Gone", email: "dee@example.com", role: "agent", deactivated: true },
  { id: "rita", name: "Rita Requester", email: "rita@example.com", role: "requester" },
  { id: "sam1", name: "Sam Same", email: "sam1@example.com", role: "requester" },
  { id: "sam2", name: "Sam Same", email: "sam2@example.com", role: "requester" },
  { id: "ali", name: "Ali Khan", email: "ali.khan@example.com", role: "requester" },
  { id: "alibaba", name: "ali baba", email: "baba@example.com", role: "requester" },
  { id: "under", name: "Una Underscore", email: "_una@example.com", role: "requester" },
  ...Array.from({ length: 30 }, (_, i): P => ({ id: `mark-${i}`, name: `Mark ${String(i).padStart(2, "0")}`, email: `mark.${i}@example.com`, role: "requester" })),
];
const actor = (id: string): Actor => {
  const p = PEOPLE.find((x) => x.id === id)!;
  return { id: p.id, name: p.name, role: p.role };
};
const ada = actor("ada");
const rita = actor("rita");

beforeAll(async () => {
  await db.user.createMany({
    data: PEOPLE.map((p) => ({ id: p.id, name: p.name, email: p.email, role: p.role, deactivatedAt: p.deactivated ? new Date() : null })),
  });
});

const key = (typed: string) => personKey(typed)!;
const found = async (typed: string) => {
  const f = await findPerson(key(typed));
  return f.kind === "found" ? f.person.id : f.kind;
};

describe("findPerson: who a typed key or a link names", () => {
  it("an email, whatever its case (addresses are stored lower-case)", async () => {
    expect(await found("rita@example.com")).toBe("rita");
    expect(await found("RITA@Example.com")).toBe("rita");
    expect(await found("nobody@example.com")).toBe("unknown");
  });

  it("a link's id", async () => {
    expect(await found("mark-7")).toBe("mark-7");
  });

  it("a name as typed, lower-case or capitalised; two people with it are ambiguous", async () => {
    expect(await found("Rita Requester")).toBe("rita");
    expect(await found("rita requester")).toBe("rita");
    expect(await found("ALI KHAN")).toBe("ali");
    expect(await found("Sam Same")).toBe("ambiguous");
    expect(await found("Rita")).toBe("unknown");
  });

  it("says whether someone is deactivated, and their role", async () => {
    const f = await findPerson(key("dee@example.com"));
    expect(f).toEqual({ kind: "found", person: { id: "dee", name: "Dee Gone", email: "dee@example.com", role: "agent", deactivated: true } });
  });
});

describe("suggestPeople", () => {
  const names = async (typed: string, assignable = false, who: Actor = ada) => (await suggestPeople(who, typed, { assignable })).map((p) => p.name);

  it("by the start of an email or of a name, in any case, by name", async () => {
    expect(await names("ri")).toEqual(["Rita Requester"]);
    expect(await names("ali")).toEqual(["ali baba", "Ali Khan"]);
    expect(await names("ALI")).toEqual(["ali baba", "Ali Khan"]);
    expect(await names("baba@")).toEqual(["ali baba"]);
    expect(await names("ali.khan@example.com")).toEqual(["Ali Khan"]);
    expect(await names("khan")).toEqual([]);
  });

  it(`at most ${SUGGESTIONS_MAX}, the first by name`, async () => {
    const marks = await names("mark");
    expect(marks).toHaveLength(SUGGESTIONS_MAX);
    expect(marks).toEqual(Array.from({ length: SUGGESTIONS_MAX }, (_, i) => `Mark ${String(i).padStart(2, "0")}`));
  });

  it("for the Assignee: only active agents and admins", async () => {
    expect(await names("a", true)).toEqual(["Abe Agent", "Ada Agent", "Ann Admin"]);
    expect(await names("dee", true)).toEqual([]);
    expect(await names("ri", true)).toEqual([]);
    // Anyone, for the Requester filter: a deactivated person is still someone's requester.
    expect(await suggestPeople(ada, "dee", { assignable: false })).toEqual([
      { id: "dee", name: "Dee Gone", email: "dee@example.com", role: "agent", deactivated: true },
    ]);
  });

  it("what was typed is text, never a pattern", async () => {
    expect(await names("_")).toEqual(["Una Underscore"]);
    expect(await names("%")).toEqual([]);
    expect(await names("' OR 1=1 --")).toEqual([]);
    expect(await names("\u0000")).toEqual([]);
    expect(await names("   ")).toEqual([]);
    expect(await names("\u{10ffff}")).toEqual([]);
  });

  it("nothing for a requester", async () => {
    expect(await names("ri", false, rita)).toEqual([]);
    expect(await names("a", true, rita)).toEqual([]);
  });
});

describe("resolveListFilters: the list's Requester and Assignee filters", () => {
  let ritas: number[] = [];
  beforeAll(async () => {
    ritas = [];
    for (let i = 0; i < 3; i++) ritas.push((await createTicket(rita, { title: `Rita's ${i}`, description: "x", priority: "Low" })).number);
    await createTicket(actor("mark-1"), { title: "Mark's", description: "x", priority: "Low" });
  });
  const resolve = (who: Actor, query: Record<string, string>) => resolveListFilters(who, parseListParams(query));
  const numbers = async (who: Actor, query: Record<string, string>) => {
    const r = await resolve(who, query);
    return (await listTickets(who, r.params)).rows.map((t) => t.number).sort((a, b) => a - b);
  };

  it("a typed email, in any case, is the person: their tickets", async () => {
    const r = await resolve(ada, { requester: "Rita@Example.com" });
    expect(r.requester).toMatchObject({ kind: "person", person: { id: "rita", email: "rita@example.com" } });
    expect(r.params.requester).toBe("rita");
    expect(await numbers(ada, { requester: "rita@example.com" })).toEqual(ritas);
  });

  it("a link's id keeps working, and shows whose it is", async () => {
    const r = await resolve(ada, { requester: "rita" });
    expect(r.requester).toMatchObject({ kind: "person", person: { email: "rita@example.com" } });
    expect(await numbers(ada, { requester: "rita" })).toEqual(ritas);
  });

  it("no one with that email: a message, and an empty list, never a crash", async () => {
    const r = await resolve(ada, { requester: "ghost@example.com" });
    expect(r.requester).toEqual({ kind: "unknown", typed: "ghost@example.com", message: "No one has the email ghost@example.com." });
    expect(await numbers(ada, { requester: "ghost@example.com" })).toEqual([]);
    expect((await resolve(ada, { requester: "Sam Same" })).requester).toMatchObject({ kind: "unknown", message: expect.stringContaining("More than one person") });
    expect((await resolve(ada, { requester: "Nobody Atall" })).requester).toMatchObject({ kind: "unknown", message: expect.stringContaining("No one is named") });
    expect(await numbers(ada, { requester: "' OR 1=1 --" })).toEqual([]);
  });

  it("the Assignee: me, none, an email or a link's id", async () => {
    expect((await resolve(ada, { assignee: "Me" })).assignee).toEqual({ kind: "me" });
    expect((await resolve(ada, { assignee: "Unassigned" })).assignee).toEqual({ kind: "none" });
    const byEmail = await resolve(ada, { assignee: "ABE@example.com" });
    expect(byEmail.assignee).toMatchObject({ kind: "person", person: { id: "abe" } });
    expect(byEmail.params.assignee).toBe("abe");
    expect((await resolve(ada, { assignee: "dee" })).assignee).toMatchObject({ kind: "person", person: { deactivated: true } });
    expect((await resolve(ada, { assignee: "x@example.com" })).assignee).toMatchObject({ kind: "unknown", message: "No agent has the email x@example.com." });
  });

  it("for a requester nothing is looked up: no Requester filter, and no way to learn who has an account", async () => {
    const r = await resolve(rita, { requester: "mark.1@example.com", assignee: "ada@example.com" });
    expect(r.params.requester).toBe("");
    expect(r.requester).toEqual({ kind: "anyone" });
    expect(r.assignee).toEqual({ kind: "anyone" });
    expect(await numbers(rita, { requester: "mark.1@example.com" })).toEqual(ritas);
    // An address with an account and one without read alike: matched as an id, nobody's.
    for (const email of ["ghost@example.com", "ada@example.com"]) {
      const r2 = await resolve(rita, { assignee: email });
      expect(r2.assignee, email).toEqual({ kind: "anyone" });
      expect(r2.params.assignee, email).toBe(email);
      expect(await numbers(rita, { assignee: email }), email).toEqual([]);
    }
    expect((await resolve(rita, { assignee: "me" })).assignee).toEqual({ kind: "me" });
  });

  it("nothing typed: anyone", async () => {
    const r = await resolveListFilters(ada, DEFAULT_LIST_PARAMS);
    expect(r).toEqual({ params: DEFAULT_LIST_PARAMS, requester: { kind: "anyone" }, assignee: { kind: "anyone" } });
  });
});

describe("assigning: only active staff, checked by the command", () => {
  const ticket = async () => (await createTicket(rita, { title: "Assign me", description: "x", priority: "Medium" })).number;
  const assigneeOf = async (n: number) => (await db.ticket.findUniqueOrThrow({ where: { number: n } })).assigneeId;

  it("by the select's id, or by a typed email in any case", async () => {
    const n = await ticket();
    expect(await updateTicket(ada, n, { status: "Open", assigneeId: "abe", version: 1 })).toMatchObject({ kind: "updated" });
    expect(await updateTicket(ada, n, { status: "Open", assigneeId: "ANN@example.com", version: 2 })).toEqual({
      kind: "updated",
      changes: [{ field: "assignee", from: "Abe Agent", to: "Ann Admin" }],
    });
    expect(await assigneeOf(n)).toBe("ann");
    // The email of whoever already has it: nothing to change.
    expect(await updateTicket(ada, n, { status: "Open", assigneeId: "ann@example.com", version: 3 })).toEqual({ kind: "unchanged" });
  });

  it("a deactivated agent is refused with a clear field error, by id or by email; nothing changes", async () => {
    const n = await ticket();
    for (const assigneeId of ["dee", "dee@example.com"]) {
      expect(await updateTicket(ada, n, { status: "Open", assigneeId, version: 1 })).toEqual({
        kind: "invalid",
        field: "assigneeId",
        message: "Dee Gone is deactivated and cannot be assigned tickets.",
      });
    }
    expect(await assigneeOf(n)).toBeNull();
  });

  it("a requester, someone unknown, or a name are refused", async () => {
    const n = await ticket();
    expect(await updateTicket(ada, n, { status: "Open", assigneeId: "rita", version: 1 })).toMatchObject({
      kind: "invalid",
      message: "Rita Requester is not an agent: only agents and admins can be assigned tickets.",
    });
    expect(await updateTicket(ada, n, { status: "Open", assigneeId: "nobody@example.com", version: 1 })).toMatchObject({
      kind: "invalid",
      message: "No one has the email nobody@example.com.",
    });
    for (const assigneeId of ["no-such-id", "Ada Agent", '{"not":""}']) {
      expect(await updateTicket(ada, n, { status: "Open", assigneeId, version: 1 }), assigneeId).toMatchObject({ kind: "invalid", field: "assigneeId" });
    }
    expect(await assigneeOf(n)).toBeNull();
  });

  it("a ticket already with a deactivated agent keeps them while other fields change", async () => {
    const n = await ticket();
    await db.ticket.update({ where: { number: n }, data: { assigneeId: "dee", assigneeName: "Dee Gone" } });
    // The picker sends the current assignee back (their id in the select, their email typed).
    for (const [i, assigneeId] of (["dee", "dee@example.com"] as const).entries()) {
      const r = await updateTicket(ada, n, { status: i === 0 ? "Waiting" : "Open", assigneeId, version: 1 + i });
      expect(r).toMatchObject({ kind: "updated", changes: [{ field: "status" }] });
    }
    expect(await assigneeOf(n)).toBe("dee");
    expect(await updateTicket(ada, n, { status: "Open", assigneeId: null, version: 3 })).toMatchObject({ kind: "updated" });
    expect(await updateTicket(ada, n, { status: "Open", assigneeId: "dee", version: 4 })).toMatchObject({ kind: "invalid" });
  });

  it("a requester's forged assignee is refused before anyone is looked up", async () => {
    const n = await ticket();
    for (const assigneeId of ["ada", "ada@example.com", "nobody@example.com"]) {
      expect(await updateTicket(rita, n, { status: "Closed", assigneeId, version: 1 }), assigneeId).toEqual({
        kind: "forbidden",
        field: "assigneeId",
        message: "You may not change the assignee.",
      });
    }
  });
});

describe("listAssignees: a select while few enough, typed beyond", () => {
  it("the active staff by name, then typed past ASSIGNEE_SELECT_MAX", async () => {
    expect(await listAssignees()).toEqual({
      kind: "select",
      people: [
        { id: "abe", label: "Abe Agent" },
        { id: "ada", label: "Ada Agent" },
        { id: "ann", label: "Ann Admin" },
      ],
    });
    // Two with one name are told apart by their addresses.
    await db.user.create({ data: { id: "ada2", name: "Ada Agent", email: "ada.two@example.com", role: "agent" } });
    expect(await listAssignees()).toMatchObject({
      people: [{ label: "Abe Agent" }, { label: "Ada Agent (ada@example.com)" }, { label: "Ada Agent (ada.two@example.com)" }, { label: "Ann Admin" }],
    });
    await db.user.update({ where: { id: "ada2" }, data: { deactivatedAt: new Date() } });
    const more = ASSIGNEE_SELECT_MAX - 3;
    await db.user.createMany({ data: Array.from({ length: more }, (_, i) => ({ id: `ag-${i}`, name: `Agent ${i}`, email: `ag${i}@example.com`, role: "agent" })) });
    const full = await listAssignees();
    expect(full.kind === "select" && full.people.length).toBe(ASSIGNEE_SELECT_MAX);
    await db.user.create({ data: { id: "ag-last", name: "Agent Last", email: "ag-last@example.com", role: "admin" } });
    expect(await listAssignees()).toEqual({ kind: "typed" });
    // A deactivated one does not count.
    await db.user.update({ where: { id: "ag-last" }, data: { deactivatedAt: new Date() } });
    expect((await listAssignees()).kind).toBe("select");
  });
});
