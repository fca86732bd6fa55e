import { beforeAll, describe, expect, it } from "vitest";
import { APIError } from "better-auth/api";
import { actorFromHeaders } from "@/lib/auth/actor";
import { ACCOUNT_DEACTIVATED, getAuth } from "@/lib/auth/auth";
import { signUp } from "@/lib/auth/sign-up";
import { readAudit } from "@/lib/audit/log";
import { saveSignUpPolicy, signUpPolicy } from "@/lib/desk/settings";
import { read, write } from "@/lib/db";
import { saveDefaults } from "@/lib/mail/settings";
import { changeRole, INVITATIONS_PER_HOUR, invitePerson, setActive } from "@/lib/people/commands";
import type { Actor } from "@/lib/people/identity";
import { createTicket, updateTicket } from "@/lib/tickets/commands";
import { attachmentForLink } from "@/lib/tickets/attachments";
import { getTicket } from "@/lib/tickets/reads";
import { addCommentIn, listComments } from "@/lib/tickets/comments";
import { importMessage } from "@/lib/mail/import";
import { rawMessage } from "../mail/messages";

/**
 * People administration (issue 23): invitations, deactivation, who may sign up, and the audit log
 * that records each. Against a real database, through the commands the pages call.
 */
const PASSWORD = "correct horse battery";

let admin: Actor;
let agent: Actor;
let requester: Actor;

function cookieOf(setCookie: string | null): string {
  const pair = /triage\.session_token=[^;]+/.exec(setCookie ?? "")?.[0];
  if (!pair) throw new Error(`no session cookie in ${setCookie}`);
  return pair;
}

async function account(name: string, email: string): Promise<{ actor: Actor; cookie: string }> {
  const { headers, response } = await getAuth(false).api.signUpEmail({ body: { name, email, password: PASSWORD }, returnHeaders: true });
  const role = (await read.get<{ role: string }>(`SELECT "role" FROM "user" WHERE "id" = ?`, response.user.id))!.role as Actor["role"];
  return { actor: { id: response.user.id, name, role }, cookie: cookieOf(headers.get("set-cookie")) };
}

async function signIn(email: string, password = PASSWORD) {
  const { headers } = await getAuth(false).api.signInEmail({ body: { email, password }, returnHeaders: true });
  return cookieOf(headers.get("set-cookie"));
}

const count = async (sql: string, ...args: unknown[]) => Number((await read.get<{ n: number }>(`SELECT count(*) AS "n" FROM ${sql}`, ...args))?.n ?? 0);
const snapshot = async () => ({
  users: await read.all(`SELECT "id", "email", "role", "deactivatedAt" FROM "user" ORDER BY "id"`),
  sessions: await count(`"session"`),
  verifications: await count(`"verification"`),
  mail: await count(`"outbound_mail"`),
  audit: await count(`"audit_log"`),
  settings: await read.all(`SELECT * FROM "desk_setting" ORDER BY "key"`),
});
const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;

beforeAll(async () => {
  admin = (await account("Ann Admin", "ann@example.com")).actor;
  const a = await account("Ada Agent", "ada@example.com");
  await changeRole(admin, a.actor.id, "agent");
  agent = { ...a.actor, role: "agent" };
  requester = (await account("Rita Requester", "rita@example.com")).actor;
  expect(admin.role).toBe("admin");
});

describe("invitations", () => {
  it("make a passwordless account with the role, mail a single-use link, and record it", async () => {
    const r = await invitePerson(admin, { email: "new.agent@example.com", role: "agent" }, "203.0.113.7");
    expect(r).toMatchObject({ kind: "invited", email: "new.agent@example.com", role: "agent", again: false });
    if (r.kind !== "invited") return;
    const user = await read.get<{ name: string; role: string }>(`SELECT "name", "role" FROM "user" WHERE "id" = ?`, r.userId);
    expect(user).toEqual({ name: "new.agent", role: "agent" });
    expect(await count(`"account" WHERE "userId" = ?`, r.userId)).toBe(0);
    const mail = await read.get<{ kind: string; subject: string; text: string }>(
      `SELECT "kind", "subject", "text" FROM "outbound_mail" WHERE "toAddress" = ? ORDER BY "id" DESC`,
      "new.agent@example.com",
    );
    expect(mail).toMatchObject({ kind: "invitation", subject: "You are invited to the help desk" });
    expect(mail!.text).toContain("Ann Admin invited you to the help desk as an agent");
    expect(mail!.text).toContain(r.link);
    const { rows } = await readAudit(admin, { action: "invited" });
    expect(rows[0]).toMatchObject({ actorName: "Ann Admin", target: "new.agent <new.agent@example.com>", detail: "as agent", address: "203.0.113.7" });

    // The link sets a password once; the person then signs in as an agent.
    await getAuth(false).api.resetPassword({ body: { token: tokenOf(r.link), newPassword: "a brand new password" } });
    const cookie = await signIn("new.agent@example.com", "a brand new password");
    expect(await actorFromHeaders(new Headers({ cookie }))).toMatchObject({ id: r.userId, role: "agent" });
    await expect(getAuth(false).api.resetPassword({ body: { token: tokenOf(r.link), newPassword: "another password 2" } })).rejects.toThrow();
  });

  it("send a new link (and the role) to someone who has no password yet; refuse one who has", async () => {
    const first = await invitePerson(admin, { email: "later@example.com", role: "requester" }, null);
    expect(first.kind).toBe("invited");
    const again = await invitePerson(admin, { email: "later@example.com", role: "agent" }, null);
    expect(again).toMatchObject({ kind: "invited", again: true, role: "agent" });
    expect((await read.get<{ role: string }>(`SELECT "role" FROM "user" WHERE "email" = ?`, "later@example.com"))?.role).toBe("agent");
    expect((await readAudit(admin, { action: "invited" })).rows[0].detail).toBe("as agent (was requester)");

    const before = await snapshot();
    expect(await invitePerson(admin, { email: "rita@example.com", role: "agent" }, null)).toEqual({ kind: "exists", name: "Rita Requester" });
    expect(await snapshot()).toEqual(before);
  });

  it("are for admins only: an agent or a requester changes nothing", async () => {
    const before = await snapshot();
    for (const who of [agent, requester]) {
      expect(await invitePerson(who, { email: "sneaky@example.com", role: "admin" }, null)).toEqual({ kind: "forbidden" });
    }
    expect(await snapshot()).toEqual(before);
  });

  it(`stop at ${INVITATIONS_PER_HOUR} an hour per admin`, async () => {
    // The hour's count is read from the audit log: fill it as if the admin had been busy.
    const other: Actor = { id: "busy-admin", name: "Busy Admin", role: "admin" };
    await write(async (tx) => {
      for (let i = 0; i < INVITATIONS_PER_HOUR; i++) {
        await tx.run(`INSERT INTO "audit_log" ("at", "actorId", "actorName", "action", "target") VALUES (?, ?, ?, 'invited', ?)`, new Date().toISOString(), other.id, other.name, `x${i}`);
      }
    });
    const before = await snapshot();
    expect(await invitePerson(other, { email: "one.more@example.com", role: "agent" }, null)).toEqual({ kind: "too_many" });
    expect(await snapshot()).toEqual(before);
  });
});

describe("deactivation", () => {
  it("signs the person out everywhere, refuses their sign-in, and reactivation lets them back", async () => {
    const p = await account("Dee Parting", "dee@example.com");
    await changeRole(admin, p.actor.id, "agent");
    const second = await signIn("dee@example.com");
    const { number } = await createTicket(requester, { title: "Printer", description: "Jammed", priority: "High" });
    const t = await read.get<{ version: number }>(`SELECT "version" FROM "ticket" WHERE "number" = ?`, number);
    expect(await updateTicket(admin, number, { status: "Open", assigneeId: p.actor.id, version: t!.version })).toMatchObject({ kind: "updated" });

    const r = await setActive(admin, p.actor.id, false, "198.51.100.4");
    expect(r).toEqual({ kind: "deactivated", name: "Dee Parting", openTickets: 1 });
    expect(await count(`"session" WHERE "userId" = ?`, p.actor.id)).toBe(0);
    expect(await actorFromHeaders(new Headers({ cookie: p.cookie }))).toBeNull();
    expect(await actorFromHeaders(new Headers({ cookie: second }))).toBeNull();
    const refused = await getAuth(false).api.signInEmail({ body: { email: "dee@example.com", password: PASSWORD } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(APIError);
    expect((refused as APIError).body?.code).toBe(ACCOUNT_DEACTIVATED);
    expect(await count(`"session" WHERE "userId" = ?`, p.actor.id)).toBe(0);
    // What they did stays theirs, and their ticket stays assigned until someone reassigns it.
    expect(await read.get(`SELECT "assigneeId" FROM "ticket" WHERE "number" = ?`, number)).toEqual({ assigneeId: p.actor.id });
    expect((await readAudit(admin, { action: "deactivated" })).rows[0]).toMatchObject({ target: "Dee Parting <dee@example.com>", address: "198.51.100.4" });

    expect(await setActive(admin, p.actor.id, false, null)).toEqual({ kind: "unchanged", name: "Dee Parting", active: false });
    expect(await setActive(admin, p.actor.id, true, null)).toEqual({ kind: "reactivated", name: "Dee Parting" });
    const back = await signIn("dee@example.com");
    expect(await actorFromHeaders(new Headers({ cookie: back }))).toMatchObject({ id: p.actor.id, role: "agent" });
    expect((await readAudit(admin, {})).rows.slice(0, 2).map((e) => e.action)).toEqual(["reactivated", "deactivated"]);
  });

  it("keeps what they wrote and did under their name, marked", async () => {
    const p = await account("Wil Lowdown", "wil@example.com");
    const { number } = await createTicket(p.actor, { title: "Marked", description: "Mine", priority: "Low" });
    await write((tx) => addCommentIn(tx, p.actor, number, { body: "A word from me", internal: false, files: [] }));
    await setActive(admin, p.actor.id, false, null);
    const t = await getTicket(admin, number);
    expect(t?.requester.name).toBe("Wil Lowdown (deactivated)");
    const page = await listComments(admin, number);
    expect(page.comments.map((c) => c.author)).toEqual(["Wil Lowdown (deactivated)"]);
    expect(await read.get(`SELECT "name" FROM "user" WHERE "id" = ?`, p.actor.id)).toEqual({ name: "Wil Lowdown" });
    await setActive(admin, p.actor.id, true, null);
    expect((await getTicket(admin, number))?.requester.name).toBe("Wil Lowdown");
  });

  it("ends a deactivated person's unused password links", async () => {
    const r = await invitePerson(admin, { email: "unused@example.com", role: "agent" }, null);
    if (r.kind !== "invited") throw new Error(r.kind);
    await setActive(admin, r.userId, false, null);
    await expect(getAuth(false).api.resetPassword({ body: { token: tokenOf(r.link), newPassword: "too late password" } })).rejects.toThrow();
    expect(await invitePerson(admin, { email: "unused@example.com", role: "agent" }, null)).toEqual({ kind: "deactivated", name: "unused" });
  });

  it("ends their mail: no reset link, no waiting message, no file link", async () => {
    const p = await account("Mo Ved", "moved@example.com");
    const { number } = await createTicket(p.actor, { title: "With a file", description: "See attached", priority: "Low" });
    await write((tx) =>
      tx.run(`INSERT INTO "attachment" ("ticketNumber", "name", "size", "type", "hash", "uploaderId", "createdAt") VALUES (?, 'a.txt', 1, 'text/plain', 'h', ?, ?)`, number, p.actor.id, new Date().toISOString()),
    );
    const file = await read.get<{ id: number }>(`SELECT "id" FROM "attachment" WHERE "ticketNumber" = ?`, number);
    expect(await attachmentForLink({ ticket: number, id: file!.id, userId: p.actor.id })).not.toBeNull();
    await write((tx) =>
      tx.run(
        `INSERT INTO "outbound_mail" ("kind", "toUserId", "toAddress", "subject", "text", "html", "messageId", "status") VALUES ('team_comment', ?, 'moved@example.com', 's', 't', 'h', ?, 'queued')`,
        p.actor.id, `waiting-${Date.now()}@example.com`,
      ),
    );

    await setActive(admin, p.actor.id, false, null);
    expect(await attachmentForLink({ ticket: number, id: file!.id, userId: p.actor.id })).toBeNull();
    expect(await read.get(`SELECT "status", "lastResponse" FROM "outbound_mail" WHERE "toUserId" = ? AND "kind" = 'team_comment'`, p.actor.id)).toEqual({
      status: "failed",
      lastResponse: "Not sent: the recipient was deactivated.",
    });
    const mails = await count(`"outbound_mail" WHERE "toAddress" = ?`, "moved@example.com");
    await getAuth(false).api.requestPasswordReset({ body: { email: "moved@example.com", redirectTo: "/reset-password" } });
    expect(await count(`"outbound_mail" WHERE "toAddress" = ?`, "moved@example.com")).toBe(mails);
    expect(await count(`"verification" WHERE "value" = ? AND "identifier" LIKE 'reset-password:%'`, p.actor.id)).toBe(0);
    await setActive(admin, p.actor.id, true, null);
  });

  it("a new invitation ends the earlier link", async () => {
    const first = await invitePerson(admin, { email: "twice@example.com", role: "requester" }, null);
    const second = await invitePerson(admin, { email: "twice@example.com", role: "requester" }, null);
    if (first.kind !== "invited" || second.kind !== "invited") throw new Error("not invited");
    await expect(getAuth(false).api.resetPassword({ body: { token: tokenOf(first.link), newPassword: "the first link" } })).rejects.toThrow();
    await getAuth(false).api.resetPassword({ body: { token: tokenOf(second.link), newPassword: "the second link" } });
    expect(await signIn("twice@example.com", "the second link")).toMatch(/^triage\.session_token=/);
  });

  it("an invited admin who never set a password does not count as the last admin's company", async () => {
    const solo = await account("So Lo", "solo@example.com");
    await changeRole(admin, solo.actor.id, "admin");
    const soloAdmin: Actor = { ...solo.actor, role: "admin" };
    const typo = await invitePerson(soloAdmin, { email: "typo@example.net", role: "admin" }, null);
    expect(typo.kind).toBe("invited");
    // Ann may step down (Solo remains); then Solo is the last admin who can sign in.
    expect((await changeRole(soloAdmin, admin.id, "agent")).kind).toBe("changed");
    expect(await changeRole(soloAdmin, soloAdmin.id, "agent")).toEqual({ kind: "last_admin" });
    expect(await setActive({ ...admin, role: "admin" }, soloAdmin.id, false, null)).toEqual({ kind: "last_admin" });
    // The never-signed-in admin may be demoted or deactivated.
    if (typo.kind === "invited") expect((await setActive(soloAdmin, typo.userId, false, null)).kind).toBe("deactivated");
    expect((await changeRole(soloAdmin, admin.id, "admin")).kind).toBe("changed");
    expect((await changeRole(admin, soloAdmin.id, "requester")).kind).toBe("changed");
  });

  it("never the last active admin, nor oneself, nor by anyone but an admin", async () => {
    const before = await snapshot();
    expect(await setActive(admin, admin.id, false, null)).toEqual({ kind: "self" });
    for (const who of [agent, requester]) {
      expect(await setActive(who, requester.id, false, null)).toEqual({ kind: "forbidden" });
      expect(await setActive(who, admin.id, false, null)).toEqual({ kind: "forbidden" });
    }
    expect(await setActive(admin, "no-such-person", false, null)).toEqual({ kind: "not_found" });
    expect(await snapshot()).toEqual(before);

    // A second admin may be deactivated while Ann remains; then Ann is the last active one, and a
    // deactivated admin does not count: the last active admin cannot be demoted either.
    const second = await account("Sec Ond", "second@example.com");
    await changeRole(admin, second.actor.id, "admin");
    const secondAdmin: Actor = { ...second.actor, role: "admin" };
    expect((await setActive(secondAdmin, admin.id, false, null)).kind).toBe("deactivated");
    expect(await setActive(admin, secondAdmin.id, false, null)).toEqual({ kind: "last_admin" });
    expect(await changeRole(secondAdmin, secondAdmin.id, "agent")).toEqual({ kind: "last_admin" });
    expect((await setActive(secondAdmin, admin.id, true, null)).kind).toBe("reactivated");
  });
});

describe("who may sign up", () => {
  const headers = () => new Headers();

  it("admins close sign-up or limit it to domains; the audit log says what changed", async () => {
    expect(await saveSignUpPolicy(agent, { mode: "nobody", domains: [], unknownSenders: false }, null)).toEqual({ kind: "forbidden" });
    expect(await signUpPolicy()).toEqual({ mode: "anyone", domains: [], unknownSenders: true });

    expect(await saveSignUpPolicy(admin, { mode: "nobody", domains: [], unknownSenders: true }, "192.0.2.1")).toEqual({ kind: "saved" });
    const users = await count(`"user"`);
    expect(await signUp(getAuth(false), { name: "Out Sider", email: "out@else.org", password: PASSWORD }, null, headers())).toEqual({
      kind: "closed",
      message: "New accounts are not open here. Ask an admin for an invitation.",
    });
    expect(await count(`"user"`)).toBe(users);

    expect(await saveSignUpPolicy(admin, { mode: "domains", domains: ["example.com"], unknownSenders: false }, null)).toEqual({ kind: "saved" });
    expect((await signUp(getAuth(false), { name: "Out Sider", email: "out@else.org", password: PASSWORD }, null, headers())).kind).toBe("closed");
    expect((await signUp(getAuth(false), { name: "In Sider", email: "in@example.com", password: PASSWORD }, null, headers())).kind).toBe("created");
    expect(await saveSignUpPolicy(admin, { mode: "domains", domains: ["example.com"], unknownSenders: false }, null)).toEqual({ kind: "unchanged" });

    const { rows } = await readAudit(admin, { action: "sign_up_settings" });
    expect(rows.map((r) => r.detail)).toEqual([
      "who may sign up: Nobody \u2192 Only these domains; allowed domains: none \u2192 example.com; mail from unknown senders: opens tickets \u2192 set aside",
      "who may sign up: Anyone \u2192 Nobody",
    ]);
    expect(rows[1].address).toBe("192.0.2.1");
    await saveSignUpPolicy(admin, { mode: "anyone", domains: [], unknownSenders: true }, null);
  });
});

describe("mail from people without an account, and from deactivated ones", () => {
  const mail = (from: string, subject: string) =>
    importMessage(new TextEncoder().encode(rawMessage({ from, to: "help@example.com", subject, body: "Hello." })), { uidKey: null });
  const ticketsTitled = (subject: string) => count(`"ticket" WHERE "title" = ?`, subject);

  it("opens tickets only as the Sign-up page allows", async () => {
    try {
      await saveSignUpPolicy(admin, { mode: "domains", domains: ["customer.example"], unknownSenders: false }, null);
      const users = await count(`"user"`);
      expect(await mail("Stranger <stranger@elsewhere.example>", "Stranger writes")).toMatchObject({ kind: "quarantined", reason: expect.stringContaining("keep mail from unknown senders out") });
      expect(await ticketsTitled("Stranger writes")).toBe(0);
      expect(await count(`"user"`)).toBe(users);
      // An allowed domain writes in (and gets an account)…
      expect(await mail("Cus Tomer <cus@customer.example>", "Customer writes")).toMatchObject({ kind: "ticket" });
      // …and with sign-up off, an address that has an account still does; a stranger does not.
      await saveSignUpPolicy(admin, { mode: "nobody", domains: [], unknownSenders: false }, null);
      expect(await mail("Cus Tomer <cus@customer.example>", "Customer again")).toMatchObject({ kind: "ticket" });
      expect((await mail("Stranger <stranger@elsewhere.example>", "Stranger twice")).kind).toBe("quarantined");

      // Let in by the admin, a stranger opens a ticket, but gets no link to set a password: with
      // sign-up closed to them, a web account is an admin's invitation away.
      await saveSignUpPolicy(admin, { mode: "nobody", domains: [], unknownSenders: true }, null);
      expect(await mail("Stranger <stranger@elsewhere.example>", "Stranger again")).toMatchObject({ kind: "ticket" });
      const ack = await read.get<{ text: string }>(`SELECT "text" FROM "outbound_mail" WHERE "toAddress" = ? ORDER BY "id" DESC`, "stranger@elsewhere.example");
      expect(ack?.text).toContain("Stranger again");
      expect(ack?.text).not.toContain("reset-password");
      const mails = await count(`"outbound_mail" WHERE "toAddress" = ?`, "stranger@elsewhere.example");
      await getAuth(false).api.requestPasswordReset({ body: { email: "stranger@elsewhere.example", redirectTo: "/reset-password" } });
      expect(await count(`"outbound_mail" WHERE "toAddress" = ?`, "stranger@elsewhere.example")).toBe(mails);
    } finally {
      await saveSignUpPolicy(admin, { mode: "anyone", domains: [], unknownSenders: true }, null);
    }
  });

  it("sets a deactivated person's mail aside", async () => {
    const p = await account("Gone Away", "gone@example.com");
    await setActive(admin, p.actor.id, false, null);
    expect(await mail("Gone <gone@example.com>", "Still here?")).toMatchObject({ kind: "quarantined", reason: expect.stringContaining("deactivated") });
    expect(await ticketsTitled("Still here?")).toBe(0);
    await setActive(admin, p.actor.id, true, null);
  });
});

describe("the audit log", () => {
  it("is read by admins only, newest first, a page at a time", async () => {
    expect(await readAudit(agent, {})).toEqual({ rows: [], older: null, newer: null });
    const other: Actor = { id: "paging-admin", name: "Paging Admin", role: "admin" };
    await write(async (tx) => {
      for (let i = 0; i < 120; i++) {
        await tx.run(`INSERT INTO "audit_log" ("at", "actorId", "actorName", "action", "target") VALUES (?, ?, ?, 'role_changed', ?)`, new Date().toISOString(), other.id, other.name, `entry ${i}`);
      }
    });
    const p1 = await readAudit(admin, { actorId: other.id });
    expect(p1.rows).toHaveLength(50);
    expect(p1.rows[0].target).toBe("entry 119");
    expect(p1.newer).toBeNull();
    const p2 = await readAudit(admin, { actorId: other.id, before: p1.older! });
    expect(p2.rows[0].target).toBe("entry 69");
    const p3 = await readAudit(admin, { actorId: other.id, before: p2.older! });
    expect(p3.rows.map((r) => r.target)).toEqual(Array.from({ length: 20 }, (_, i) => `entry ${19 - i}`));
    expect(p3.older).toBeNull();
    const back = await readAudit(admin, { actorId: other.id, after: p3.newer! });
    expect(back.rows.map((r) => r.target)).toEqual(p2.rows.map((r) => r.target));
    expect(back.newer).not.toBeNull();
  });

  it("cannot be changed or emptied, even by a statement of the application's own", async () => {
    const before = await count(`"audit_log"`);
    await expect(write((tx) => tx.run(`UPDATE "audit_log" SET "target" = 'nothing happened'`))).rejects.toThrow(/append-only/);
    await expect(write((tx) => tx.run(`DELETE FROM "audit_log"`))).rejects.toThrow(/append-only/);
    expect(await count(`"audit_log"`)).toBe(before);
  });

  it("records changed notification defaults, and nothing when nothing changed", async () => {
    const before = await count(`"audit_log" WHERE "action" = 'mail_defaults'`);
    expect(await saveDefaults(admin, new Set(["ticket_created", "assigned"] as never), "192.0.2.9")).toBe(true);
    const after = await count(`"audit_log" WHERE "action" = 'mail_defaults'`);
    expect(after).toBe(before + 1);
    const same = await read.all<{ kind: string }>(`SELECT "kind" FROM "notification_default" WHERE "enabled" = ?`, true);
    expect(await saveDefaults(admin, new Set(same.map((s) => s.kind)) as never, null)).toBe(true);
    expect(await count(`"audit_log" WHERE "action" = 'mail_defaults'`)).toBe(after);
  });
});
