import { beforeAll, describe, expect, it } from "vitest";
import { models as db } from "@/lib/db";
import { updateTicket } from "@/lib/tickets/commands";
import { parseListParams, searchWords, SORTS, type ListParams, type Sort } from "@/lib/tickets/list-params";
import { countTickets, exportTickets, listTickets, quickViews } from "@/lib/tickets/list";
import type { Actor, Role } from "@/lib/people/identity";
import { PRIORITIES, STATUSES, priorityFromRank, statusFromRank, type Priority, type Status } from "@/lib/tickets/schema";

/* ------------------------------------------------------------------------------------------- */
/* Data                                                                                         */

type U = { id: string; name: string; role: Role };
const USERS: U[] = [
  { id: "r1", name: "Rita Requester", role: "requester" },
  { id: "r2", name: "Carl Customer", role: "requester" },
  { id: "r3", name: "Sam Same", role: "requester" },
  { id: "r4", name: "Sam Same", role: "requester" }, // same name: ties broken by id
  { id: "r5", name: "Zed Last", role: "requester" },
  { id: "r6", name: "Quiet Requester", role: "requester" }, // has no tickets
  { id: "a1", name: "Ada Agent", role: "agent" },
  { id: "a2", name: "Moe Agent", role: "agent" },
  { id: "a3", name: "Bea Boss", role: "admin" },
];
const actorOf = (id: string): Actor => {
  const u = USERS.find((x) => x.id === id)!;
  return { id: u.id, name: u.name, role: u.role };
};
const agent = actorOf("a1");
const admin = actorOf("a3");
const rita = actorOf("r1");
const quiet = actorOf("r6");

/** A deterministic pseudo-random sequence, so that failures reproduce. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const THINGS = ["Printer", "Laptop", "VPN", "Email", "Monitor", "Keyboard", "Password", "Wifi", "Phone", "Badge"];
const PROBLEMS = ["broken", "slow", "not working", "request", "error", "reset needed", "flaky"];
const SPECIAL = {
  titleMatch: { title: "Spacebar stuck on keyboard", description: "Keys are sticky since Tuesday." },
  bodyMatch: { title: "Monitor flickers", description: "Also, the spacebar makes a clicking noise." },
  accent: { title: "Café menu screen broken", description: "The kiosk shows nothing." },
  overheat1: { title: "Laptop overheating", description: "Fan is loud." },
  overheat2: { title: "Fan noise", description: "The laptop is overheating after lunch." },
};
const N = 300;

type Full = {
  number: number;
  title: string;
  description: string;
  status: number;
  priority: number;
  requesterId: string;
  assigneeId: string | null;
  createdAt: Date;
  updatedAt: Date;
  rname: string;
  aname: string | null;
  version: number;
};
let all: Full[] = [];

async function loadAll() {
  const rows = await db.ticket.findMany({
    include: { requester: { select: { name: true } }, assignee: { select: { name: true } } },
  });
  all = rows.map((r) => ({
    number: r.number,
    title: r.title,
    description: r.description,
    status: r.status,
    priority: r.priority,
    requesterId: r.requesterId,
    assigneeId: r.assigneeId,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    rname: r.requester.name,
    aname: r.assignee?.name ?? null,
    version: r.version,
  }));
}

beforeAll(async () => {
  for (const u of USERS) await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role } });
  const rand = rng(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const requesters = ["r1", "r2", "r3", "r4", "r5", "a1", "a3"];
  const assignees = [null, null, "a1", "a2", "a3"];
  const base = Date.UTC(2025, 0, 1);
  const specials = Object.values(SPECIAL);
  const data = Array.from({ length: N }, (_, i) => {
    const special = i % 60 === 7 ? specials[(i / 60) | 0] : undefined;
    const created = new Date(base + i * 3_600_000);
    // Some updatedAt values collide on purpose: ties must be broken by number.
    const updated = new Date(base + Math.floor(rand() * 200) * 60_000 * 60 + (i % 3 === 0 ? 0 : i));
    return {
      title: special?.title ?? `${pick(THINGS)} ${pick(PROBLEMS)} ${i}`,
      description: special?.description ?? `Reported from room ${Math.floor(rand() * 500)}; ${pick(PROBLEMS)}.`,
      status: 1 + Math.floor(rand() * 5),
      priority: 1 + Math.floor(rand() * 4),
      requesterId: pick(requesters),
      assigneeId: pick(assignees),
      createdAt: created,
      updatedAt: updated,
    };
  });
  // Make sure every filter value has tickets.
  data[0] = { ...data[0], status: 5, priority: 4, requesterId: "r1", assigneeId: null };
  data[1] = { ...data[1], status: 1, priority: 1, requesterId: "r1", assigneeId: "a1" };
  await db.ticket.createMany({ data });
  await loadAll();
  expect(all).toHaveLength(N);
});

/* ------------------------------------------------------------------------------------------- */
/* Brute force                                                                                  */

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
const tokens = (s: string) => fold(s).match(/[\p{L}\p{N}]+/gu) ?? [];

function matchesSearch(t: Full, q: string): boolean {
  const words = [...new Set(tokens(q.normalize("NFKC")))].slice(0, 12);
  const have = [...tokens(t.title), ...tokens(t.description)];
  // Words of three characters or more match as prefixes, shorter ones as whole words.
  return words.every((w) => have.some((h) => (w.length >= 3 ? h.startsWith(w.slice(0, 64)) : h === w)));
}

function expectedRows(actor: Actor, p: ListParams): Full[] {
  const staff = actor.role === "agent" || actor.role === "admin";
  const statuses = p.status.map((s) => STATUSES.indexOf(s) + 1);
  const priorities = p.priority.map((x) => PRIORITIES.indexOf(x) + 1);
  const searching = p.q ? searchWords(p.q) !== null : false;
  const rows = all.filter((t) => {
    if (!staff && t.requesterId !== actor.id) return false;
    if (staff && p.requester && t.requesterId !== p.requester) return false;
    if (statuses.length && !statuses.includes(t.status)) return false;
    if (priorities.length && !priorities.includes(t.priority)) return false;
    if (p.assignee === "me" && t.assigneeId !== actor.id) return false;
    if (p.assignee === "none" && t.assigneeId !== null) return false;
    if (p.assignee && p.assignee !== "me" && p.assignee !== "none" && t.assigneeId !== p.assignee) return false;
    if (searching && !matchesSearch(t, p.q)) return false;
    return true;
  });
  return sortRows(rows, p.sort === "relevance" ? "updated" : p.sort, p.sort === "relevance" ? "desc" : p.dir);
}

/** SQLite order: NULL is the smallest value; text compares by bytes (ASCII data here). */
function cmp(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function sortKey(t: Full, sort: Sort): (string | number | null)[] {
  const u = t.updatedAt.getTime();
  switch (sort) {
    case "number":
      return [t.number];
    case "title":
      return [t.title, t.number];
    case "status":
      return [t.status, u, t.number];
    case "priority":
      return [t.priority, u, t.number];
    // People with the same name are not told apart: their tickets interleave by last update.
    case "requester":
      return [t.rname, u, t.number];
    case "assignee":
      return [t.aname, u, t.number];
    case "updated":
      return [u, t.number];
  }
}

function sortRows(rows: Full[], sort: Sort, dir: "asc" | "desc"): Full[] {
  const sign = dir === "asc" ? 1 : -1;
  return [...rows].sort((x, y) => {
    const kx = sortKey(x, sort);
    const ky = sortKey(y, sort);
    for (let i = 0; i < kx.length; i++) {
      const c = cmp(kx[i], ky[i]);
      if (c !== 0) return sign * c;
    }
    return 0;
  });
}

const params = (over: Partial<ListParams> = {}): ListParams => ({
  q: "",
  status: [],
  priority: [],
  assignee: "",
  requester: "",
  tags: [],
  sort: "updated",
  dir: "desc",
  page: 1,
  per: 50,
  ...over,
});

/** Every page of a view, in order. */
async function allPages(actor: Actor, p: ListParams) {
  const first = await listTickets(actor, { ...p, page: 1 });
  const rows = [...first.rows];
  for (let page = 2; page <= first.pageCount; page++) {
    const next = await listTickets(actor, { ...p, page });
    expect(next.page).toBe(page);
    expect(next.total).toBe(first.total);
    expect(next.first).toBe((page - 1) * p.per + 1);
    rows.push(...next.rows);
  }
  return { total: first.total, pageCount: first.pageCount, rows };
}

const FILTERS: [string, Partial<ListParams>][] = [
  ["no filter", {}],
  ["status Open", { status: ["Open"] }],
  ["status open set", { status: ["Open", "In progress", "Waiting"] }],
  ["status done set", { status: ["Resolved", "Closed"] }],
  ["priority Urgent", { priority: ["Urgent"] }],
  ["priority High+Urgent", { priority: ["High", "Urgent"] }],
  ["assignee me", { assignee: "me" }],
  ["assignee none", { assignee: "none" }],
  ["assignee a2", { assignee: "a2" }],
  ["assignee unknown id", { assignee: "nobody" }],
  ["requester r1", { requester: "r1" }],
  ["requester r3 (same name as r4)", { requester: "r3" }],
  ["requester r6 (no tickets)", { requester: "r6" }],
  ["status+priority+assignee", { status: ["Open", "Waiting"], priority: ["Low", "Urgent"], assignee: "none" }],
  ["requester+status", { requester: "r2", status: ["Closed"] }],
  ["search", { q: "printer" }],
  ["search+status+priority", { q: "laptop", status: ["Open", "In progress"], priority: ["High", "Medium", "Low"] }],
  ["search prefix two words", { q: "pass res" }],
];

const ACTORS: [string, Actor][] = [
  ["agent", agent],
  ["admin", admin],
  ["requester", rita],
  ["requester without tickets", quiet],
];

const summary = (rows: { number: number }[]) => rows.map((r) => r.number);

/* ------------------------------------------------------------------------------------------- */

describe("listTickets and countTickets match a brute-force filter", () => {
  for (const [actorName, actor] of ACTORS) {
    describe(`as ${actorName}`, () => {
      it.each(FILTERS)("%s: count", async (_, f) => {
        const p = params(f);
        expect(await countTickets(actor, p)).toBe(expectedRows(actor, p).length);
      });

      it.each(FILTERS)("%s: every sort, both directions, every page", async (_, f) => {
        for (const sort of SORTS)
          for (const dir of ["asc", "desc"] as const) {
            const p = params({ ...f, sort, dir, per: 50 });
            const expected = expectedRows(actor, p);
            const got = await allPages(actor, p);
            expect(got.total, `${sort} ${dir}`).toBe(expected.length);
            expect(got.pageCount).toBe(Math.max(1, Math.ceil(expected.length / 50)));
            expect(summary(got.rows), `${sort} ${dir}`).toEqual(summary(expected));
          }
      });
    });
  }

  it("requesters only ever see their own tickets, whatever the filter says", async () => {
    for (const [, f] of [...FILTERS, ["forged requester", { requester: "r2" }] as const]) {
      for (const sort of SORTS) {
        const got = await allPages(rita, params({ ...f, sort, per: 100 }));
        for (const r of got.rows) expect(all.find((t) => t.number === r.number)!.requesterId).toBe("r1");
      }
    }
    expect(await countTickets(rita, params({ requester: "r2" }))).toBe(all.filter((t) => t.requesterId === "r1").length);
  });

  it("rows carry names and labels, not ids and ranks", async () => {
    const page = await listTickets(agent, params({ per: 100 }));
    for (const r of page.rows) {
      const t = all.find((x) => x.number === r.number)!;
      expect(r).toEqual({
        number: t.number,
        title: t.title,
        status: statusFromRank(t.status),
        priority: priorityFromRank(t.priority),
        requester: t.rname,
        assignee: t.aname,
        updatedAt: t.updatedAt,
        // Staff's rows carry their tags (none here).
        tags: [],
        // The version the row was read at: a bulk change's checkbox carries it.
        version: t.version,
      });
    }
  });
});

describe("sorting", () => {
  it("priority sorts by urgency, not alphabetically", async () => {
    const desc = await listTickets(agent, params({ sort: "priority", dir: "desc", per: 100 }));
    const order = desc.rows.map((r) => PRIORITIES.indexOf(r.priority));
    expect(order).toEqual([...order].sort((a, b) => b - a));
    expect(desc.rows[0].priority).toBe("Urgent");
    const asc = await allPages(agent, params({ sort: "priority", dir: "asc", per: 100 }));
    expect(asc.rows[0].priority).toBe("Low");
    expect(asc.rows.at(-1)!.priority).toBe("Urgent");
  });

  it("status sorts by workflow", async () => {
    const asc = await allPages(agent, params({ sort: "status", dir: "asc", per: 100 }));
    const order = asc.rows.map((r) => STATUSES.indexOf(r.status));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(asc.rows[0].status).toBe("Open");
    expect(asc.rows.at(-1)!.status).toBe("Closed");
  });

  it("requester sort orders by the requester's name, whoever has it", async () => {
    const rows = (await allPages(agent, params({ sort: "requester", dir: "asc", per: 100 }))).rows;
    const names = rows.map((r) => r.requester!);
    expect(names).toEqual([...names].sort());
    expect(new Set(names)).toEqual(new Set(all.map((t) => t.rname)));
  });

  it("unassigned tickets come first ascending and last descending by assignee", async () => {
    const asc = await allPages(agent, params({ sort: "assignee", dir: "asc", per: 100 }));
    const desc = await allPages(agent, params({ sort: "assignee", dir: "desc", per: 100 }));
    expect(asc.rows[0].assignee).toBeNull();
    expect(desc.rows.at(-1)!.assignee).toBeNull();
  });
});

describe("pagination", () => {
  it("pages of 25 cover every ticket once", async () => {
    const got = await allPages(agent, params({ per: 25 }));
    expect(got.pageCount).toBe(Math.ceil(N / 25));
    expect(new Set(summary(got.rows)).size).toBe(N);
  });

  it("A–B of N", async () => {
    const p3 = await listTickets(agent, params({ per: 25, page: 3 }));
    expect(p3).toMatchObject({ total: N, page: 3, first: 51, last: 75 });
    expect(p3.rows).toHaveLength(25);
  });

  it("a page beyond the end shows the last page", async () => {
    for (const [, f] of FILTERS) {
      const p = params({ ...f, per: 25 });
      const expected = expectedRows(agent, p);
      const pageCount = Math.max(1, Math.ceil(expected.length / 25));
      for (const page of [pageCount + 1, 1_000_000_000]) {
        const got = await listTickets(agent, { ...p, page });
        expect(got.page).toBe(pageCount);
        expect(got.pageCount).toBe(pageCount);
        expect(summary(got.rows)).toEqual(summary(expected.slice((pageCount - 1) * 25)));
        expect(got.last).toBe(expected.length);
        expect(got.first).toBe(expected.length ? (pageCount - 1) * 25 + 1 : 0);
      }
    }
  });

  it("an empty view is page 1 of 1, showing 0–0", async () => {
    const got = await listTickets(quiet, params({ page: 7 }));
    expect(got).toEqual({ estimated: false, pagesCapped: false, rows: [], total: 0, page: 1, pageCount: 1, first: 0, last: 0, sort: "updated", dir: "desc", unranked: false });
  });

  it("a partial last page", async () => {
    const got = await listTickets(agent, params({ per: 100, page: 3 }));
    expect(got).toMatchObject({ page: 3, first: 201, last: N, total: N });
  });
});

describe("search", () => {
  it("matches prefixes: 'spaceba' finds 'spacebar' in a title and in a description", async () => {
    const got = await listTickets(agent, params({ q: "spaceba", sort: "relevance" }));
    const titles = got.rows.map((r) => r.title);
    expect(titles).toContain(SPECIAL.titleMatch.title);
    expect(titles).toContain(SPECIAL.bodyMatch.title);
    expect(got.total).toBe(2);
  });

  it("ranks a title match above a description-only match", async () => {
    for (const q of ["spacebar", "spaceba", "overheating", "overheat"]) {
      const got = await listTickets(agent, params({ q, sort: "relevance" }));
      expect(got.rows.length, q).toBe(2);
      const titleHit = q.startsWith("space") ? SPECIAL.titleMatch.title : SPECIAL.overheat1.title;
      expect(got.rows[0].title, q).toBe(titleHit);
    }
  });

  it("ignores accents and case", async () => {
    for (const q of ["cafe", "CAFÉ", "Cafe\u0301", "café menu"]) {
      const got = await listTickets(agent, params({ q }));
      expect(got.rows.map((r) => r.title), q).toEqual([SPECIAL.accent.title]);
    }
  });

  it("all words must match", async () => {
    expect((await listTickets(agent, params({ q: "spacebar keyboard" }))).rows.map((r) => r.title)).toEqual([
      SPECIAL.titleMatch.title,
    ]);
    expect(await countTickets(agent, params({ q: "spacebar nonexistentword" }))).toBe(0);
  });

  it("a requester's search finds only their own tickets", async () => {
    for (const q of ["printer", "broken", "spacebar", "room"]) {
      const got = await allPages(rita, params({ q, per: 100 }));
      const expected = expectedRows(rita, params({ q }));
      expect(new Set(summary(got.rows)), q).toEqual(new Set(summary(expected)));
      for (const r of got.rows) expect(all.find((t) => t.number === r.number)!.requesterId).toBe("r1");
    }
  });

  it("relevance paging covers every hit once", async () => {
    const got = await allPages(agent, params({ q: "room", sort: "relevance", per: 25 }));
    const expected = expectedRows(agent, params({ q: "room" }));
    expect(got.rows).toHaveLength(expected.length);
    expect(new Set(summary(got.rows))).toEqual(new Set(summary(expected)));
  });

  const HOSTILE = [
    '"',
    '""',
    '"unbalanced',
    "(",
    ")",
    "((a)",
    "*",
    "a*",
    "**",
    "^",
    ":",
    "title:printer",
    "body:broken",
    "{title}:x",
    "NEAR(printer broken)",
    "NEAR/2",
    "printer AND",
    "OR printer",
    "NOT",
    "AND OR NOT",
    "printer -broken",
    "+printer",
    "'; DROP TABLE ticket; --",
    "\" OR 1=1 --",
    "rowid > 0",
    "\u0000",
    "printer\u0000broken",
    "\ud800",
    `a${"𠀀".repeat(40)}`,
    `a${"𠀀".repeat(100)}`,
    "🎉🎉🎉",
    "a b c d e f g h i j k l m n o p",
    "x".repeat(5000),
    Array.from({ length: 500 }, (_, i) => `w${i}`).join(" "),
    "\\",
    "%",
    "_",
    "?",
    "$1",
    "@printer",
  ];
  it.each(HOSTILE.map((q) => [q]))("hostile search %j never throws", async (q) => {
    for (const actor of [agent, rita]) {
      for (const p of [params({ q, sort: "relevance" }), parseListParams({ q, status: "Open", sort: "title" })]) {
        const page = await listTickets(actor, p);
        const total = await countTickets(actor, p);
        expect(page.total).toBe(total);
        expect(page.rows.length).toBeLessThanOrEqual(total);
        if (actor === rita) for (const r of page.rows) expect(all.find((t) => t.number === r.number)!.requesterId).toBe("r1");
      }
    }
  });

  it("a search with nothing searchable in it lists everything, by last update", async () => {
    const got = await listTickets(agent, params({ q: "!!!", sort: "relevance" }));
    expect(got.total).toBe(N);
    expect(summary(got.rows)).toEqual(summary(sortRows(all, "updated", "desc").slice(0, 50)));
  });
});

describe("quickViews", () => {
  const OPEN: Status[] = ["Open", "In progress", "Waiting"];
  it("staff get My open tickets, Unassigned and All open, with counts", async () => {
    const views = await quickViews(agent);
    expect(views.map((v) => v.label)).toEqual(["My open tickets", "Unassigned", "All open"]);
    const [mine, unassigned, open] = views;
    expect(mine.count).toBe(expectedRows(agent, params({ status: OPEN, assignee: "me" })).length);
    expect(unassigned.count).toBe(expectedRows(agent, params({ status: OPEN, assignee: "none" })).length);
    expect(open.count).toBe(expectedRows(agent, params({ status: OPEN })).length);
    expect(mine.count).toBeGreaterThan(0);
    expect(unassigned.count).toBeGreaterThan(0);
    for (const v of views) expect(v.href.startsWith("/tickets?")).toBe(true);
    expect(mine.href).toContain("assignee=me");
    expect(unassigned.href).toContain("assignee=none");
  });

  it("each view's link opens a list with the count it promised", async () => {
    for (const actor of [agent, admin, rita]) {
      for (const v of await quickViews(actor)) {
        const raw = Object.fromEntries(
          [...new URLSearchParams(v.href.split("?")[1])].reduce((m, [k, val]) => {
            m.set(k, [...(m.get(k) ?? []), val]);
            return m;
          }, new Map<string, string[]>()),
        );
        const page = await listTickets(actor, parseListParams(raw));
        expect(page.total, `${actor.id} ${v.label}`).toBe(v.count);
      }
    }
  });

  it("a requester gets All open, counting their own tickets only", async () => {
    const views = await quickViews(rita);
    expect(views.map((v) => v.label)).toEqual(["All open"]);
    expect(views[0].count).toBe(all.filter((t) => t.requesterId === "r1" && t.status <= 3).length);
  });
});

describe("exportTickets", () => {
  const cases: [string, Actor, Partial<ListParams>, number][] = [
    ["everything, batches of 37", agent, {}, 37],
    ["everything, one batch", agent, {}, 1000],
    ["batch size dividing the total exactly", agent, {}, 50],
    ["filtered by status and priority, sorted by title", agent, { status: ["Open", "Waiting"], priority: ["High", "Urgent"], sort: "title", dir: "asc" }, 7],
    ["assignee none, sorted by requester", agent, { assignee: "none", sort: "requester", dir: "desc" }, 11],
    ["requester sees own only", rita, { requester: "r2" }, 5],
    ["search", agent, { q: "room", sort: "priority", dir: "desc" }, 13],
    ["a requester's search", rita, { q: "room" }, 3],
    ["empty view", quiet, {}, 10],
  ];
  it.each(cases)("%s", async (_, actor, f, batch) => {
    const p = params({ ...f, page: 4 /* ignored: the export is every page */ });
    const expected = expectedRows(actor, p);
    const got: number[] = [];
    let batches = 0;
    for await (const rows of exportTickets(actor, p, batch)) {
      batches++;
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.length).toBeLessThanOrEqual(batch);
      for (const r of rows) {
        const t = all.find((x) => x.number === r.number)!;
        expect(r.createdAt).toEqual(t.createdAt);
        expect(r.updatedAt).toEqual(t.updatedAt);
        expect(r.requester).toBe(t.rname);
      }
      got.push(...rows.map((r) => r.number));
    }
    expect(got).toEqual(summary(expected));
    expect(batches).toBe(Math.ceil(expected.length / batch));
  });
});

describe("ticket_tally stays equal to the GROUP BY counts", () => {
  async function tallyMatches() {
    const tally = await db.$queryRawUnsafe<{ status: bigint; priority: bigint; requesterId: string; assigneeId: string; n: bigint }[]>(
      `SELECT "status", "priority", "requesterId", "assigneeId", "n" FROM "ticket_tally" WHERE "n" <> 0`,
    );
    const grouped = await db.$queryRawUnsafe<{ status: bigint; priority: bigint; requesterId: string; assigneeId: string; n: bigint }[]>(
      `SELECT "status", "priority", "requesterId", COALESCE("assigneeId", '') AS "assigneeId", count(*) AS "n"
       FROM "ticket" GROUP BY 1, 2, 3, 4`,
    );
    const key = (r: { status: bigint; priority: bigint; requesterId: string; assigneeId: string; n: bigint }) =>
      `${r.status}|${r.priority}|${r.requesterId}|${r.assigneeId}|${r.n}`;
    expect(tally.map(key).sort()).toEqual(grouped.map(key).sort());
    const [neg] = await db.$queryRawUnsafe<{ c: bigint }[]>(`SELECT count(*) AS c FROM "ticket_tally" WHERE "n" < 0`);
    expect(Number(neg.c)).toBe(0);
  }

  it("after the bulk seed", async () => {
    await tallyMatches();
  });

  it("after updates through updateTicket", async () => {
    const open = all.filter((t) => t.status !== 5).slice(0, 20);
    for (const [i, t] of open.entries()) {
      const current = await db.ticket.findUniqueOrThrow({ where: { number: t.number } });
      const r = await updateTicket(agent, t.number, {
        status: (["Closed", "Waiting", "Resolved", "Open"] as const)[i % 4],
        priority: (["Urgent", "Low", "High", "Medium"] as const)[i % 4] as Priority,
        assigneeId: [null, "a1", "a2", "a3"][i % 4],
        version: current.version,
      });
      expect(["updated", "unchanged"]).toContain(r.kind);
    }
    await tallyMatches();
  });

  it("after direct updates of every counted column, including bulk ones and no-op ones", async () => {
    const n = all[10].number;
    await db.ticket.update({ where: { number: n }, data: { requesterId: "r5" } });
    await db.ticket.update({ where: { number: n }, data: { assigneeId: null } });
    await db.ticket.update({ where: { number: n }, data: { assigneeId: "a2" } });
    await db.ticket.update({ where: { number: n }, data: { assigneeId: "a2", status: 3 } }); // partial no-op
    await db.ticket.update({ where: { number: n }, data: { title: "Only the title" } });
    await db.ticket.updateMany({ where: { priority: 1 }, data: { status: 2 } });
    await db.ticket.updateMany({ where: { requesterId: "r4" }, data: { assigneeId: null } });
    await tallyMatches();
  });

  it("after creates and deletes", async () => {
    await db.ticket.createMany({
      data: Array.from({ length: 25 }, (_, i) => ({
        title: `Late ${i}`,
        description: "added later",
        status: 1 + (i % 5),
        priority: 1 + (i % 4),
        requesterId: i % 2 ? "r1" : "r6",
        assigneeId: i % 3 ? null : "a1",
      })),
    });
    await tallyMatches();
    await db.ticket.delete({ where: { number: all[0].number } });
    await db.ticket.deleteMany({ where: { status: 4, priority: 2 } });
    await tallyMatches();
  });

  it("after an assignee's account is deleted (ON DELETE SET NULL)", async () => {
    expect(await db.ticket.count({ where: { assigneeId: "a2" } })).toBeGreaterThan(0);
    await db.user.delete({ where: { id: "a2" } });
    expect(await db.ticket.count({ where: { assigneeId: "a2" } })).toBe(0);
    await tallyMatches();
  });

  it("renaming a person renames them in the list, and its sort follows", async () => {
    await db.user.update({ where: { id: "r2" }, data: { name: "Aaron Renamed" } });
    await db.user.update({ where: { id: "a1" }, data: { name: "Zoe Renamed" } });
    const byRequester = await listTickets(agent, params({ sort: "requester", dir: "asc", per: 25 }));
    expect(byRequester.rows[0].requester).toBe("Aaron Renamed");
    const byAssignee = await listTickets(agent, params({ sort: "assignee", dir: "desc", per: 25 }));
    expect(byAssignee.rows[0].assignee).toBe("Zoe Renamed");
  });

  it("counts and lists still agree with brute force after all of that", async () => {
    await loadAll();
    for (const [actorName, actor] of [["agent", agent], ["rita", rita], ["quiet", quiet]] as const) {
      for (const [name, f] of FILTERS) {
        const p = params({ ...f, per: 100 });
        const expected = expectedRows(actor, p);
        expect(await countTickets(actor, p), `${actorName} ${name}`).toBe(expected.length);
        for (const sort of SORTS) {
          const got = await allPages(actor, { ...p, sort, dir: "asc" });
          const want = expectedRows(actor, { ...p, sort, dir: "asc" });
          expect(summary(got.rows), `${actorName} ${name} ${sort}`).toEqual(summary(want));
          expect(got.rows.map((r) => [r.requester, r.assignee])).toEqual(want.map((t) => [t.rname, t.aname]));
        }
      }
    }
  });
});
