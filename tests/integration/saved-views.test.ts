import { beforeAll, describe, expect, it } from "vitest";
import { models as db, write } from "@/lib/db";
import { createTicket, updateTicket } from "@/lib/tickets/commands";
import { deleteView, listSavedViews, SAVED_VIEWS_SQL, saveView } from "@/lib/tickets/saved-views";
import { bindable, numbered } from "@/lib/db/sql";
import { onPostgres } from "../dialect";
import { SAVED_VIEWS_PER_PERSON } from "@/lib/limits";
import type { Actor, Role } from "@/lib/people/identity";

/** Saved views: per person, shared by admins only, capped, counted live with the reader's visibility. */

const rita: Actor = { id: "v-rita", name: "Rita Requester", role: "requester" };
const otto: Actor = { id: "v-otto", name: "Otto Other", role: "requester" };
const ada: Actor = { id: "v-ada", name: "Ada Agent", role: "agent" };
const bob: Actor = { id: "v-bob", name: "Bob Agent", role: "agent" };
const ann: Actor = { id: "v-ann", name: "Ann Admin", role: "admin" };

beforeAll(async () => {
  for (const u of [rita, otto, ada, bob, ann]) {
    await db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.com`, role: u.role as Role } });
  }
  // Rita: 2 Waiting, 1 Open; Otto: 3 Waiting.
  for (const [by, status] of [[rita, "Waiting"], [rita, "Waiting"], [rita, null], [otto, "Waiting"], [otto, "Waiting"], [otto, "Waiting"]] as const) {
    const { number } = await createTicket(by, { title: "Counted", description: "Body", priority: "Medium" });
    if (status) await updateTicket(ada, number, { version: 1, status });
  }
});

const names = async (a: Actor) => (await listSavedViews(a)).map((v) => v.name);
const saved = (a: Actor, name: string, query: string, share = false) => saveView(a, { name, query, share });

describe("saved views", () => {
  it("are each person's own, with a live count and the list's canonical query", async () => {
    expect(await saved(ada, "Waiting", "?status=Waiting&page=7&bogus=1")).toMatchObject({ kind: "saved" });
    expect(await names(ada)).toEqual(["Waiting"]);
    expect(await names(bob)).toEqual([]);
    const [view] = await listSavedViews(ada);
    expect(view).toMatchObject({ href: "/tickets?status=Waiting", count: 5, estimated: false, shared: false, deletable: true });
    // The count is live.
    await createTicket(ada, { title: "Another", description: "Body", priority: "Low" }).then(({ number }) => updateTicket(ada, number, { version: 1, status: "Waiting" }));
    expect((await listSavedViews(ada))[0].count).toBe(6);
  });

  it("re-read what is stored, never trusting it: a tampered row is a list the reader may see anyway", async () => {
    await write((tx) => tx.run(`INSERT INTO "saved_view" ("ownerId", "name", "query", "shared", "createdAt") VALUES (?, ?, ?, ?, ?)`, rita.id, "Tampered", "status=Nope&requester=v-otto&sort=evil&per=100000", false, new Date()));
    const [view] = (await listSavedViews(rita)).filter((v) => v.name === "Tampered");
    // A requester's view counts only their own tickets, whatever the query names.
    expect(view).toMatchObject({ href: "/tickets?requester=v-otto", count: 3 });
  });

  it("are shared by admins only, and a shared one counts each reader's own visibility", async () => {
    expect(await saved(ada, "Shared by an agent", "?status=Waiting", true)).toMatchObject({ kind: "refused", field: "share" });
    expect(await saved(rita, "Shared by a requester", "", true)).toMatchObject({ kind: "refused", field: "share" });
    expect(await saved(ann, "Team waiting", "?status=Waiting", true)).toMatchObject({ kind: "saved" });
    const forRita = (await listSavedViews(rita)).find((v) => v.name === "Team waiting");
    expect(forRita).toMatchObject({ shared: true, deletable: false, count: 2 });
    const forBob = (await listSavedViews(bob)).find((v) => v.name === "Team waiting");
    expect(forBob).toMatchObject({ shared: true, deletable: false, count: 6 });
  });

  it("are deleted by their owner, or (shared) an admin; anyone else finds nothing", async () => {
    await saved(bob, "Bob's", "?priority=High");
    const id = (await listSavedViews(bob)).find((v) => v.name === "Bob's")!.id;
    expect(await deleteView(ada, id)).toEqual({ kind: "not_found" });
    expect(await deleteView(ann, id)).toEqual({ kind: "not_found" });
    expect(await deleteView(bob, id)).toEqual({ kind: "deleted" });
    expect(await names(bob)).not.toContain("Bob's");

    await saved(ann, "Shared to go", "", true);
    const shared = (await listSavedViews(bob)).find((v) => v.name === "Shared to go")!.id;
    expect(await deleteView(bob, shared)).toEqual({ kind: "not_found" });
    expect(await deleteView(ann, shared)).toEqual({ kind: "deleted" });
  });

  it(`are capped at ${SAVED_VIEWS_PER_PERSON} a person, one name once`, async () => {
    expect(await saved(otto, "Mine", "")).toMatchObject({ kind: "saved" });
    expect(await saved(otto, "Mine", "?status=Open")).toMatchObject({ kind: "refused", field: "name" });
    for (let i = 1; i < SAVED_VIEWS_PER_PERSON; i++) expect(await saved(otto, `View ${i}`, "")).toMatchObject({ kind: "saved" });
    expect(await saved(otto, "One too many", "")).toMatchObject({ kind: "refused", field: "name", message: expect.stringContaining("delete one first") });
    expect((await listSavedViews(otto)).filter((v) => !v.shared)).toHaveLength(SAVED_VIEWS_PER_PERSON);
  });
});

describe("the saved views' read", () => {
  it("walks its two indexes, never the table", async () => {
    const args = [ada.id, 20, true, 20];
    if (onPostgres) {
      // A handful of rows: told to avoid sequential scans (on the one connection of a transaction),
      // the planner must have an index for each half.
      const [, rows] = await db.$transaction([
        db.$executeRawUnsafe(`SET LOCAL enable_seqscan = off`),
        db.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${numbered(SAVED_VIEWS_SQL)}`, ...args.map((a) => bindable(a, "postgres"))),
      ]);
      const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
      expect(plan).not.toMatch(/Seq Scan on saved_view/);
      expect(plan).toMatch(/saved_view_ownerId_id_idx/);
      return;
    }
    const rows = await db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${SAVED_VIEWS_SQL}`, ...args.map((a) => bindable(a)));
    const plan = rows.map((r) => r.detail);
    expect(plan.filter((d) => /^SCAN saved_view/.test(d)), plan.join("\n")).toEqual([]);
    expect(plan.join("\n")).toMatch(/saved_view_ownerId_id_idx/);
    expect(plan.join("\n")).toMatch(/saved_view_shared_id_idx/);
  });
});
