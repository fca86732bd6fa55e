import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { ACCOUNTS, PASSWORD } from "../accounts";
import { openDb, sqlDate } from "../db";
import { linkIn, waitForMail } from "../mail";
import {
  buildActions,
  changed,
  formOf,
  postRaw,
  postForm,
  postReply,
  snapshot,
  type Answer,
  type Field,
} from "./wire";

/**
 * Every server action, posted by hand as each role with hostile values in every argument and
 * every field. The actions are found in the build's server-reference manifest, so an action added
 * later fails here until it has a row in CASES. For each post: no 5xx, and from snapshots of the
 * database before and after, no change unless that person may make it. Each action also has a
 * valid post per role (the control), which must change exactly when the role may act: without it
 * a broken encoder would make every hostile post "harmless".
 *
 * Runs alone (after the other projects) against the e2e server, so that only its own posts write.
 */

const db = openDb();
test.afterAll(() => db.close());

const ROLES = ["admin", "agent", "requester", "other", "anonymous"] as const;
type Poster = (typeof ROLES)[number];

type Ctx = {
  /** A ticket of Rita's (requester) and one of Otto's (the other requester). */
  rita: number;
  otto: number;
  ids: Record<"admin" | "agent" | "requester" | "other" | "target", string>;
  /** Per poster: an account of the suite's own whose reset link that poster follows. */
  resetIds: Record<Poster, string>;
  /** Per poster: an account of the suite's own whose reset link they ask for (three links an hour each). */
  forgot: Record<Poster, string>;
  /**
   * Per poster: a reset link (token) for that poster's own "reset" account; the control uses it
   * up. One account each: a password set through one link ends all the account's other links.
   */
  resetToken: Record<Poster, string>;
  /** A reset link whose account no longer exists. */
  orphanToken: string;
  /** Per poster: a failed outbox message of the suite's own, for Retry; and one that was sent. */
  failedMail: Record<Poster, number>;
  sentMail: number;
  /** Per poster: the address-proof token mailed to that shared account on sign-up (anonymous: Rita's). */
  proofToken: Record<Poster, string>;
  /** Per poster: a file on Rita's ticket for Remove attachment (staff remove theirs); and one on Otto's. */
  files: Record<Poster, number>;
  ottoFile: number;
  /** A file on Rita's ticket that was removed already. */
  removedFile: number;
  /** Per poster: an active person of the suite's own to Deactivate. */
  toDeactivate: Record<Poster, string>;
  /** A saved reply of the suite's own (its name clashes with others'; Insert reply inserts it). */
  reply: number;
  replyName: string;
  /** Per poster: a saved reply to edit, and one to delete. */
  replies: Record<Poster, number>;
  doomedReplies: Record<Poster, number>;
  /** Per poster: two tickets of Rita's, a duplicate to merge into the other (staff do). */
  merges: Record<Poster, { from: number; into: number }>;
  /** Per poster: an unassigned ticket of Rita's for Assign to me (staff take it). */
  mine: Record<Poster, number>;
  /** Per poster: a tag of the suite's own to Rename (the admin's is renamed back and forth). */
  tags: Record<Poster, number>;
  /** Per poster: a saved view of their own for Delete view (anonymous: Rita's); and the agent's own, and a shared one of the admin's. */
  views: Record<Poster, number>;
  agentView: number;
  sharedView: number;
};

const version = async (n: number) => (await db.get<{ version: number }>(`SELECT "version" FROM "ticket" WHERE "number" = ?`, n))!.version;
const statusOf = async (n: number) => (await db.get<{ status: number }>(`SELECT "status" FROM "ticket" WHERE "number" = ?`, n))!.status;
const STATUS_NAMES = ["Open", "In progress", "Waiting", "Resolved", "Closed"];

type Case = {
  page: (c: Ctx) => string;
  /** Valid bound arguments (without the previous state). */
  bound: (c: Ctx, who: Poster) => unknown[];
  withState: boolean;
  /** A form that this person may send (or, where they may not act, what they would send). */
  valid: (c: Ctx, who: Poster) => Field[] | Promise<Field[]>;
  /** Whether the valid form changes something for this person. */
  allowed: (who: Poster) => boolean;
  /**
   * Field values that must be refused, each sent in an otherwise valid form. The first value of
   * the first field also goes with each forged previous state.
   */
  hostile: (c: Ctx, who: Poster) => Record<string, Value[]> | Promise<Record<string, Value[]>>;
  /** The field that takes files (a file there is no forgery: it is left out of "as a file"). */
  files?: string;
  /** Hostile values for the bound arguments beyond the common table, per person. */
  boundHostile?: (c: Ctx, who: Poster) => unknown[];
  /**
   * Tables this action writes on any post it can read, refused or not: throttling counters (a
   * wrong password counts). Left out of this action's comparisons.
   */
  counts?: readonly string[];
  /** How long to wait after each post before comparing: for work done after the answer. */
  settleMs?: number;
  /**
   * What the control must have done, precisely, beyond "something changed": called just before
   * the valid post; what it returns is called just after, with whether this person may act.
   */
  effect?: (c: Ctx, who: Poster) => Promise<(mayAct: boolean) => Promise<void>>;
};

const staff = (who: Poster) => who === "admin" || who === "agent";
const signedIn = (who: Poster) => who !== "anonymous";
const long = (n: number) => "x".repeat(n);
const MISSING = "\u0000missing"; // a marker: leave the field out
type Value = string | Blob;
/** A 1x1 PNG: a file a person would attach. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const screenshot = () => new File([PNG], "screenshot.png", { type: "image/png" });
/** What a file field must refuse: text, tokens the server never signed, and a file over the 25 MB limit. */
const FORGED_FILES = (): Value[] => [
  "hello",
  "triage-file:e30.AAAA",
  `triage-file:${Buffer.from(JSON.stringify({ f: "w" + "0".repeat(32), n: "x.png", s: 3, o: false })).toString("base64url")}.${"A".repeat(43)}`,
  new File([Buffer.alloc(25 * 1024 * 1024 + 1)], "too-big.bin"),
];
const stamp = `${Date.now()}${crypto.randomBytes(2).toString("hex")}`;
/** Counters that make each valid invitation and sign-up setting new. */
let invitations = 0;
let policies = 0;
/** And each saved reply's name. */
let replyNames = 0;
const replyCount = async () => Number((await db.get<{ n: number }>(`SELECT count(*) AS "n" FROM "saved_reply"`))!.n);
/** What a saved reply's form must refuse, beside a name taken (in another case). */
const HOSTILE_REPLY = (c: Ctx) => ({
  name: [MISSING, "", "   ", "\r\n\t", long(101), c.replyName.toUpperCase(), ` ${c.replyName.toLowerCase()} `],
  body: [MISSING, "", "  \n ", long(20_001), "Hi {{customer.name}}", "{{ticket.id}}"],
});
let savedViews = 0;
const idOf = (c: Ctx, who: Poster) => (who === "anonymous" ? null : c.ids[who]);

/** The kinds of mail a person chooses at /settings (lib/mail/kinds.ts); the last three reach only staff. */
const KINDS = ["ticket_created", "team_comment", "ticket_resolved", "requester_comment", "assigned", "unassigned_ticket"];
const BUILT_IN_DEFAULTS = KINDS.filter((k) => k !== "unassigned_ticket");
const ticks = (kinds: string[]) => kinds.map((k): Field => [k, "on"]);
const timeZoneOf = async (id: string) => (await db.get<{ timeZone: string | null }>(`SELECT "timeZone" FROM "user" WHERE "id" = ?`, id))!.timeZone;
const shortcutsOf = async (id: string) =>
  (await db.get<{ on: number }>(`SELECT CAST("keyboardShortcuts" AS INTEGER) AS "on" FROM "user" WHERE "id" = ?`, id))!.on === 1;
/** A boolean reads 0/1 on both databases, as CAST(… AS INTEGER). */
const choicesOf = (id: string) => db.all(`SELECT "kind", CAST("enabled" AS INTEGER) AS "enabled" FROM "notification_choice" WHERE "userId" = ? ORDER BY "kind"`, id);
const passwordOf = async (id: string) => (await db.get<{ password: string }>(`SELECT "password" FROM "account" WHERE "userId" = ?`, id))!.password;
const resetLinksOf = async (id: string) =>
  (await db.get<{ n: number }>(`SELECT count(*) AS "n" FROM "verification" WHERE "value" = ? AND "identifier" LIKE 'reset-password:%'`, id))!.n;
const verifiedOf = async (id: string) => (await db.get<{ v: number }>(`SELECT CAST("emailVerified" AS INTEGER) AS "v" FROM "user" WHERE "id" = ?`, id))!.v === 1;
const linkLeft = async (token: string) => (await db.get(`SELECT 1 FROM "verification" WHERE "identifier" = ?`, `reset-password:${token}`)) !== undefined;
const mailRow = async (id: number) =>
  (await db.get<{ status: string; attempts: number; lastResponse: string | null }>(`SELECT "status", "attempts", "lastResponse" FROM "outbound_mail" WHERE "id" = ?`, id))!;
/** What the suite's own failed messages say the server answered; a retried one no longer says it. */
const REFUSED = "550 5.1.1 Refused (a message of the fuzz suite)";

/**
 * Another time zone each time, so that the control changes something, and the Keyboard shortcuts
 * box the other way round from how it stands. Requesters tick the kinds only staff receive as
 * well, as a forged form would: the control's effect shows that those are not stored.
 */
async function settingsForm(c: Ctx, who: Poster): Promise<Field[]> {
  const id = idOf(c, who);
  const shortcutsOn = id ? await shortcutsOf(id) : false;
  return [
    ...ticks(staff(who) ? BUILT_IN_DEFAULTS : KINDS),
    ["timeZone", id && (await timeZoneOf(id)) === "Europe/Paris" ? "Pacific/Auckland" : "Europe/Paris"],
    ...(shortcutsOn ? [] : ([["keyboardShortcuts", "on"]] as Field[])),
  ];
}

/** A tag of the suite's own, per poster, in one of two spellings (the control renames between them). */
const tagName = (who: Poster, v: "a" | "b") => `fuzz-${who}-${stamp}-${v}`;
const tagNameOf = async (id: number) => (await db.get<{ name: string }>(`SELECT "name" FROM "tag" WHERE "id" = ?`, id))?.name;

const CASES: Record<string, Case> = {
  "app/(desk)/tickets/list-actions.ts#bulkUpdateAction": {
    page: () => "/tickets",
    bound: () => [],
    withState: true,
    // Rita's ticket at the version the list would show, its status moved on each time; forged
    // for the requesters (refused: bulk changes are staff's).
    valid: async (c): Promise<Field[]> => {
      const current = STATUS_NAMES[(await statusOf(c.rita)) - 1];
      return [["ticket", `${c.rita}:${await version(c.rita)}`], ["status", current === "In progress" ? "Waiting" : "In progress"], ["intent", "apply"]];
    },
    allowed: staff,
    hostile: async (c) => ({
      // Nothing selected, malformed rows, a stale version (skipped), a ticket that does not exist.
      ticket: [MISSING, "", "abc", `${c.rita}`, `${c.rita}:1:1`, `${c.rita}:-1`, '{"gt":0}', "99999999:1", "0:1", `${c.rita}:${(await version(c.rita)) - 1}`, `${c.otto}:999999`],
      status: ["Archived", "open", '{"in":[1,2]}'],
      priority: ["Critical", "0"],
      // A requester, nobody, or too long: the whole change is refused.
      assignee: ["no-such-user", c.ids.requester, ACCOUNTS.requester.email, "nobody@example.test", long(255), '{"not":""}'],
      tag: ["no spaces!", long(100), "a,b"],
      intent: ["delete", ""],
      all: ["yes", "true"],
      shown: ["abc", `${c.rita}`],
    }),
  },
  "app/(desk)/tickets/list-actions.ts#saveViewAction": {
    page: () => "/tickets",
    bound: () => [],
    withState: true,
    // Admins share theirs (as only they may); a new name each time, within the per-person cap.
    valid: (_c, who) => [["name", `Fuzz view ${who} ${stamp} ${++savedViews}`], ["query", "?status=Open&sort=number"], ...(who === "admin" ? ([["share", "on"]] as Field[]) : [])],
    allowed: signedIn,
    hostile: (_c, who) => ({
      name: [MISSING, "", "   ", long(61)],
      query: [long(2001)],
      share: ["yes", "true", "", ...(who === "admin" ? [] : ["on"])],
    }),
  },
  "app/(desk)/tickets/list-actions.ts#deleteViewAction": {
    page: () => "/tickets",
    bound: () => [],
    withState: false,
    valid: (c, who) => [["view", String(c.views[who])]],
    allowed: signedIn,
    // Someone else's view (the agent's; for the agent, a requester's), the admin's shared one for anyone but the admin, ids that name nothing or are not ids.
    hostile: (c, who) => ({
      view: [MISSING, "", "0", "-1", "1.5", "abc", '{"gt":0}', "99999999999", String(who === "agent" ? c.views.requester : c.agentView), ...(who === "admin" ? [] : [String(c.sharedView)])],
    }),
    effect: async (c, who) => async (mayAct) => {
      const left = await db.get(`SELECT 1 FROM "saved_view" WHERE "id" = ?`, c.views[who]);
      expect(left === undefined, "control: their view deleted").toBe(mayAct);
    },
  },
  "app/(desk)/tickets/actions.ts#createTicketAction": {
    page: () => "/tickets/new",
    bound: () => [],
    withState: true,
    valid: () => [["title", "Fuzzed printer"], ["description", "It prints nothing."], ["priority", "High"], ["attachments", screenshot()]],
    allowed: signedIn,
    hostile: () => ({
      title: [MISSING, "", "   ", long(201), "\r\n\t"],
      description: [MISSING, "", " \n ", long(20_001)],
      priority: [MISSING, "", "Critical", "high", '{"gt":0}', "1", "Medium "],
      attachments: FORGED_FILES(),
    }),
    files: "attachments",
  },
  "app/(desk)/tickets/actions.ts#updateTicketAction": {
    page: (c) => `/tickets/${c.rita}`,
    bound: (c) => [c.rita],
    withState: true,
    valid: async (c, who): Promise<Field[]> => {
      const current = STATUS_NAMES[(await statusOf(c.rita)) - 1];
      if (staff(who)) {
        return [["status", current === "In progress" ? "Waiting" : "In progress"], ["priority", "High"], ["assigneeId", ""], ["version", String(await version(c.rita))]];
      }
      const done = current === "Closed" || current === "Resolved";
      return [["status", done ? "Open" : "Closed"], ["version", String(await version(c.rita))]];
    },
    // Rita may close or reopen her own ticket; Otto may not touch it.
    allowed: (who) => staff(who) || who === "requester",
    hostile: async (c, who) => ({
      status: [MISSING, "", "Archived", "open", '{"in":[1,2]}', ...(staff(who) ? [] : ["In progress", "Waiting", "Resolved"])],
      version: [MISSING, "", "-1", "1.5", "1e3", "abc", "9999999999", String((await version(c.rita)) - 1), '{"gt":0}'],
      ...(staff(who)
        ? {
            priority: ["", "Critical", "0"],
            // An id or (typed, on a desk with many agents) an email: never a requester, nobody, or too long.
            assigneeId: ["no-such-user", c.ids.requester, ACCOUNTS.requester.email, "nobody@example.test", long(101), long(255), '{"not":""}'],
            // Not tags, too long a list, more than a ticket may carry.
            tags: ["not a tag!", "<b>bold</b>", "a/b", long(41), long(2_001), Array.from({ length: 21 }, (_, i) => `t${i}`).join(","), '{"set":["x"]}'],
          }
        : { priority: ["Urgent", "Low"], assigneeId: [c.ids.agent], tags: ["billing", ""] }),
    }),
    // Someone else's ticket: Otto's, for Rita (for Otto the valid one, Rita's, is already not his).
    boundHostile: (c, who) => (who === "requester" ? [c.otto, 99_999_999] : [99_999_999]),
  },
  "app/(desk)/tickets/actions.ts#addCommentAction": {
    page: (c) => `/tickets/${c.rita}`,
    bound: (c) => [c.rita],
    withState: true,
    valid: (_c, who) => [["body", `A comment from ${who}`], ...(staff(who) ? ([["internal", "on"]] as Field[]) : []), ["attachments", screenshot()]],
    allowed: (who) => staff(who) || who === "requester",
    hostile: (_c, who) => ({
      body: [MISSING, "", "  \n ", long(20_001)],
      ...(staff(who) ? {} : { internal: ["on", "true"] }),
      attachments: FORGED_FILES(),
    }),
    files: "attachments",
    boundHostile: (c, who) => (who === "requester" ? [c.otto, 99_999_999] : [99_999_999]),
  },
  "app/(desk)/tickets/actions.ts#removeAttachmentAction": {
    page: (c) => `/tickets/${c.rita}`,
    // Rita's ticket bound; a file of the suite's own on it, one per person, as the button's value (staff remove theirs).
    bound: (c) => [c.rita],
    withState: false,
    valid: (c, who) => [["attachment", String(c.files[who])]],
    allowed: staff,
    // A file of Otto's ticket, one removed already, ids that name nothing or are not ids.
    hostile: (c) => ({ attachment: [MISSING, "", "0", "-1", "1.5", "1e3", "abc", '{"gt":0}', "99999999999", String(c.ottoFile), String(c.removedFile)] }),
    // Otto's ticket with a file of Rita's, and a ticket that does not exist.
    boundHostile: (c) => [c.otto, 99_999_999],
    effect: async (c, who) => async (mayAct) => {
      const row = await db.get<{ removedById: string | null }>(`SELECT "removedById" FROM "attachment" WHERE "id" = ?`, c.files[who]);
      expect(row?.removedById ?? null, "control: removed by them, or untouched").toBe(mayAct ? idOf(c, who) : null);
    },
  },
  "app/(desk)/saved-replies/actions.ts#createSavedReplyAction": {
    page: () => "/saved-replies/new",
    bound: () => [],
    withState: true,
    valid: (_c, who) => [["name", `Fuzz reply ${who} ${stamp} ${++replyNames}`], ["body", "Hi {{requester.name}}, about #{{ticket.number}}."]],
    allowed: staff,
    hostile: (c) => HOSTILE_REPLY(c),
    effect: async () => {
      const before = await replyCount();
      return async (mayAct) => expect(await replyCount(), "control: one more saved reply, or none").toBe(before + (mayAct ? 1 : 0));
    },
  },
  "app/(desk)/saved-replies/actions.ts#updateSavedReplyAction": {
    page: (c) => `/saved-replies/${c.reply}`,
    // A reply of the suite's own per person, so that one's edit is not another's.
    bound: (c, who) => [c.replies[who]],
    withState: true,
    valid: (_c, who) => [["name", `Fuzz edit ${who} ${stamp} ${++replyNames}`], ["body", "Thanks, {{requester.name}}. {{agent.name}}"]],
    allowed: staff,
    hostile: (c) => HOSTILE_REPLY(c),
    boundHostile: () => [99_999_999],
    effect: async (c, who) => {
      const nameOf = async () => (await db.get<{ name: string }>(`SELECT "name" FROM "saved_reply" WHERE "id" = ?`, c.replies[who]))!.name;
      const before = await nameOf();
      return async (mayAct) => expect((await nameOf()) !== before, "control: renamed, or untouched").toBe(mayAct);
    },
  },
  "app/(desk)/saved-replies/actions.ts#deleteSavedReplyAction": {
    page: (c) => `/saved-replies/${c.reply}`,
    bound: (c, who) => [c.doomedReplies[who]],
    withState: false,
    valid: () => [],
    allowed: staff,
    hostile: () => ({}),
    boundHostile: () => [99_999_999],
    effect: async (c, who) => async (mayAct) => {
      const row = await db.get(`SELECT 1 AS "x" FROM "saved_reply" WHERE "id" = ?`, c.doomedReplies[who]);
      expect(row === undefined, "control: deleted, or still there").toBe(mayAct);
    },
  },
  "app/(desk)/saved-replies/actions.ts#insertSavedReplyAction": {
    page: (c) => `/tickets/${c.rita}`,
    bound: (c) => [c.rita],
    withState: true,
    // Inserting fills text for the form and writes nothing, for anyone: the control changes nothing too.
    valid: (c, who) => [["reply", String(c.reply)], ["body", `Typed by ${who}`], ...(staff(who) ? ([["internal", "on"]] as Field[]) : [])],
    allowed: () => false,
    hostile: () => ({
      reply: [MISSING, "", "0", "-1", "1.5", "1e3", "abc", '{"gt":0}', "99999999999", "99999999"],
      body: [long(20_001)],
      internal: ["on", "true"],
    }),
    boundHostile: (c, who) => (who === "requester" ? [c.otto, 99_999_999] : [99_999_999]),
  },
  "app/(desk)/saved-replies/actions.ts#commentFormAction": {
    // The staff's comment form: Add comment (no intent), or Insert reply (intent insert-reply), which writes nothing.
    page: (c) => `/tickets/${c.rita}`,
    bound: (c) => [c.rita],
    withState: true,
    valid: (_c, who) => [["body", `A comment from ${who} through the staff's form`], ...(staff(who) ? ([["internal", "on"]] as Field[]) : []), ["attachments", screenshot()]],
    allowed: (who) => staff(who) || who === "requester",
    hostile: (c, who) => ({
      body: [MISSING, "", "  \n ", long(20_001)],
      // An intent that names no action, a reply inserted (it adds no comment), and React's own field names.
      intent: ["", "add", "INSERT-REPLY", "insert-reply", "__proto__", "constructor", "$ACTION_KEY"],
      ...(staff(who) ? {} : { internal: ["on", "true"] }),
      attachments: FORGED_FILES(),
    }),
    files: "attachments",
    boundHostile: (c, who) => (who === "requester" ? [c.otto, 99_999_999] : [99_999_999]),
  },
  "app/(desk)/tickets/actions.ts#assignToMeAction": {
    page: (c) => `/tickets/${c.mine.admin}`,
    bound: (c, who) => [c.mine[who]],
    withState: true,
    valid: async (c, who) => [["version", String(await version(c.mine[who]))]],
    allowed: staff,
    hostile: async (c, who) => ({
      version: [MISSING, "", "-1", "1.5", "1e3", "abc", "9999999999", String((await version(c.mine[who])) - 1), '{"gt":0}'],
    }),
    // Otto's ticket for Rita; a ticket that does not exist.
    boundHostile: (c, who) => (who === "requester" ? [c.otto, 99_999_999] : [99_999_999]),
    effect: async (c, who) => async (mayAct) => {
      const row = await db.get<{ assigneeId: string | null }>(`SELECT "assigneeId" FROM "ticket" WHERE "number" = ?`, c.mine[who]);
      expect(row?.assigneeId ?? null, "control: assigned to them, or untouched").toBe(mayAct ? idOf(c, who) : null);
    },
  },
  "app/(desk)/tickets/actions.ts#mergeAction": {
    page: (c) => `/tickets/${c.merges.admin.from}`,
    bound: (c, who) => [c.merges[who].from],
    withState: true,
    valid: async (c, who) => [["into", String(c.merges[who].into)], ["version", String(await version(c.merges[who].from))]],
    allowed: staff,
    hostile: async (c, who) => ({
      // Not a number, itself, a ticket that does not exist, one too large, Otto's for Rita.
      into: [MISSING, "", "abc", "-1", "0", "1.5", "1e3", '{"gt":0}', "99999999", "99999999999", String(c.merges[who].from), long(300), ...(staff(who) ? [] : [String(c.otto)])],
      version: [MISSING, "", "-1", "abc", "9999999999", String((await version(c.merges[who].from)) - 1), '{"gt":0}'],
    }),
    // Otto's ticket for Rita (staff may merge it: not a forgery for them); a ticket that does not exist.
    boundHostile: (c, who) => (who === "requester" ? [c.otto, 99_999_999] : [99_999_999]),
    effect: async (c, who) => async (mayAct) => {
      const row = await db.get<{ mergedIntoNumber: number | null }>(`SELECT "mergedIntoNumber" FROM "ticket" WHERE "number" = ?`, c.merges[who].from);
      expect(row?.mergedIntoNumber ?? null, "control: merged, or untouched").toBe(mayAct ? c.merges[who].into : null);
    },
  },
  "app/(desk)/admin/users/actions.ts#changeRoleAction": {
    page: () => "/admin/users",
    // A person of the fuzz suite's own, so that the shared accounts keep their roles.
    bound: (c) => [c.ids.target],
    withState: true,
    valid: async (c) => {
      const { role } = (await db.get<{ role: string }>(`SELECT "role" FROM "user" WHERE "id" = ?`, c.ids.target))!;
      return [["role", role === "requester" ? "agent" : "requester"]];
    },
    allowed: (who) => who === "admin",
    hostile: () => ({ role: [MISSING, "", "superadmin", "Admin", '{"set":"admin"}', "admin "] }),
    boundHostile: (c, who) => (who === "admin" ? ["no-such-user", "00000000-0000-0000-0000-000000000000", "../" + c.ids.admin] : [c.ids.admin, c.ids.agent]),
  },
  "app/(desk)/admin/users/actions.ts#inviteAction": {
    page: () => "/admin/users",
    bound: () => [],
    withState: true,
    // A new address each time: an invitation to it makes a person (the admin's), or nothing.
    valid: (c, who) => [["email", `fuzz-invite-${who}-${stamp}-${++invitations}@example.test`], ["role", "agent"]],
    allowed: (who) => who === "admin",
    // An address with an account and a password is refused too (nothing is sent, nobody changes).
    hostile: () => ({
      email: [MISSING, "", "not-an-email", long(300) + "@example.com", ACCOUNTS.requester.email, "a@b\u0000.com"],
      role: [MISSING, "", "superadmin", "Admin", "agent "],
    }),
  },
  "app/(desk)/admin/users/actions.ts#setActiveAction": {
    page: () => "/admin/users",
    bound: (c, who) => [c.toDeactivate[who]],
    withState: true,
    valid: () => [["to", "deactivated"]],
    allowed: (who) => who === "admin",
    // "active" for someone active changes nothing either.
    hostile: () => ({ to: [MISSING, "", "Deactivated", "deactivated ", "inactive", "active"] }),
    // Nobody deactivates themselves; ids that name nobody or are not ids.
    boundHostile: (c, who) => (who === "admin" ? [c.ids.admin, "no-such-user", "../" + c.ids.agent, { gt: "" }] : [c.ids.admin, c.ids.agent]),
    effect: async (c, who) => async (mayAct) => {
      const row = await db.get<{ d: string | null }>(`SELECT "deactivatedAt" AS "d" FROM "user" WHERE "id" = ?`, c.toDeactivate[who]);
      expect(row?.d != null, "control: deactivated by an admin only").toBe(mayAct);
    },
  },
  "app/(desk)/admin/sign-up/actions.ts#saveSignUpAction": {
    page: () => "/admin/sign-up",
    bound: () => [],
    withState: true,
    // Sign-up stays open to anyone (other cases sign people up); the list changes each time.
    valid: () => [["mode", "anyone"], ["domains", `fuzz-${stamp}-${++policies}.example`], ["unknownSenders", "on"]],
    allowed: (who) => who === "admin",
    hostile: () => ({
      mode: [MISSING, "", "everyone", "Nobody", "anyone ", '{"eq":"nobody"}'],
      domains: ["not a domain", "*.example.com", long(30_001), Array.from({ length: 101 }, (_, i) => `d${i}.example`).join(",")],
    }),
  },
  "app/(auth)/actions.ts#signInAction": {
    page: () => "/sign-in",
    bound: () => [],
    withState: true,
    valid: () => [["email", ACCOUNTS.requester.email], ["password", PASSWORD], ["next", "/tickets"]],
    allowed: () => true,
    // A wrong password is refused, and counted.
    counts: ["sign_in_throttle"],
    hostile: () => ({
      email: [MISSING, "", "not-an-email", long(300) + "@example.com", "rita@example.test\u0000"],
      password: [MISSING, "", "wrong password", long(1001)],
    }),
  },
  "app/(auth)/actions.ts#signUpAction": {
    page: () => "/sign-up",
    bound: () => [],
    withState: true,
    // An address that has an account counts like a wrong password (and its owner, if proven, is told).
    counts: ["sign_in_throttle", "outbound_mail"],
    valid: () => [["name", "Fuzz Person"], ["email", `fuzz${Date.now()}${Math.random().toString(36).slice(2, 6)}@example.test`], ["password", PASSWORD]],
    allowed: () => true,
    hostile: () => ({
      name: [MISSING, "", "   ", long(101)],
      email: [MISSING, "", "nope", ACCOUNTS.admin.email, ACCOUNTS.admin.email.toUpperCase()],
      password: [MISSING, "", "short", long(129)],
    }),
  },
  "app/(auth)/actions.ts#confirmAddressAction": {
    page: () => "/confirm-address",
    bound: () => [],
    withState: true,
    valid: (c, who) => [["token", c.proofToken[who]]],
    allowed: signedIn,
    hostile: (c, who) => {
      const token = c.proofToken[who];
      const [h, p, s] = token.split(".");
      const relabelled = `${h}.${Buffer.from(JSON.stringify({ email: "someone@example.test", userId: idOf(c, who) ?? "x" })).toString("base64url")}.${s}`;
      return {
        // The forged signature differs in its first character: its last two also carry bits no
        // byte uses, so "…AA" decoded to the real signature about once in a thousand runs.
        token: [MISSING, "", "a.b.c", `${token}x`, ` ${token}`, `${h}.${p}.${s[0] === "A" ? "B" : "A"}${s.slice(1)}`, relabelled, c.proofToken[who === "other" ? "requester" : "other"], long(2001), '{"gt":""}'],
      };
    },
    effect: async (c, who) => async (mayAct) => {
      const id = idOf(c, who);
      if (id) expect(await verifiedOf(id), "control: the address is proven").toBe(mayAct);
    },
  },
  "app/(auth)/actions.ts#signOutAction": {
    page: () => "/tickets",
    bound: () => [],
    withState: false,
    valid: () => [],
    // Tried here without signing anyone out (the shared sessions must survive): see its own test.
    allowed: () => false,
    hostile: () => ({}),
  },
  "app/(auth)/actions.ts#forgotPasswordAction": {
    // The reset link is written after the answer (so its timing cannot tell who has an account).
    settleMs: 400,
    page: () => "/forgot-password",
    bound: () => [],
    withState: true,
    valid: (c, who) => [["email", c.forgot[who]]],
    allowed: () => true,
    // Every address it can read counts against the client's address and the email, account or not.
    counts: ["sign_in_throttle"],
    hostile: () => ({
      email: [
        MISSING,
        "",
        "not-an-email",
        long(300) + "@example.com",
        '{"contains":"@"}',
        "%@example.test",
        "rita@example.test\u0000",
        `${ACCOUNTS.requester.email},${ACCOUNTS.admin.email}`,
        // Nobody's address: the same answer, and no link written for anyone.
        `nobody-${stamp}@example.test`,
      ],
    }),
    effect: async (c, who) => {
      const owner = (await db.get<{ id: string }>(`SELECT "id" FROM "user" WHERE "email" = ?`, c.forgot[who]))!.id;
      const before = await resetLinksOf(owner);
      return async (mayAct) => expect(await resetLinksOf(owner), "control: a reset link for that account").toBe(before + (mayAct ? 1 : 0));
    },
  },
  "app/(auth)/actions.ts#resetPasswordAction": {
    page: () => "/reset-password?token=fuzz",
    bound: () => [],
    withState: true,
    valid: (c, who) => [["token", c.resetToken[who]], ["newPassword", `a new passphrase for ${who}`]],
    allowed: () => true,
    hostile: (c, who) => {
      const token = c.resetToken[who];
      return {
        token: [MISSING, "", "no-such-token", token.toUpperCase(), token + "x", ` ${token}`, `reset-password:${token}`, "../" + token, long(201), '{"gt":""}', c.orphanToken],
        newPassword: [MISSING, "", "short", long(129)],
      };
    },
    effect: async (c, who) => {
      const before = await passwordOf(c.resetIds[who]);
      return async (mayAct) => {
        expect((await passwordOf(c.resetIds[who])) !== before, "control: the account has a new password").toBe(mayAct);
        expect(await linkLeft(c.resetToken[who]), "control: the link is used up").toBe(!mayAct);
      };
    },
  },
  "app/(desk)/settings/actions.ts#saveSettingsAction": {
    page: () => "/settings",
    bound: () => [],
    withState: true,
    valid: settingsForm,
    allowed: signedIn,
    // Missing or empty is UTC (the list's first choice), so neither is refused.
    hostile: () => ({
      timeZone: ["Mars/Olympus", "europe/paris", "Europe/Paris ", " UTC", "Etc/GMT+99", "../../../etc/localtime", "Europe/Paris\u0000", long(65), long(10_000), '{"gt":0}', '["UTC"]'],
      // The box is "on" or left out; the form sends nothing else (absent is a valid "off").
      keyboardShortcuts: ["", "off", "true", "ON", "on ", "1", '{"gt":0}', '["on"]', long(10_000)],
    }),
    effect: async (c, who) => {
      const form = await settingsForm(c, who);
      const zone = form.find(([k]) => k === "timeZone")![1];
      const shortcuts = form.some(([k]) => k === "keyboardShortcuts");
      return async (mayAct) => {
        const id = idOf(c, who);
        if (!mayAct || !id) return;
        expect(await timeZoneOf(id), "control: the time zone").toBe(zone);
        expect(await shortcutsOf(id), "control: the Keyboard shortcuts box as sent").toBe(shortcuts);
        const expected = (staff(who) ? KINDS : KINDS.slice(0, 3)).map((kind) => ({ kind, enabled: BUILT_IN_DEFAULTS.includes(kind) ? 1 : 0 }));
        expect(await choicesOf(id), "control: a choice for each kind the role receives, and no other").toEqual(expected.sort((a, b) => a.kind.localeCompare(b.kind)));
      };
    },
  },
  "app/(desk)/settings/actions.ts#saveDefaultsAction": {
    page: () => "/admin/mail",
    bound: () => [],
    withState: true,
    // The built-in defaults (saved in beforeAll), and new unassigned tickets for everyone too.
    valid: () => ticks(KINDS),
    allowed: (who) => who === "admin",
    // Only "on" ticks a box (or "true"): each of these leaves that kind as it stands, off.
    hostile: () => ({ unassigned_ticket: [MISSING, "", "off", "yes", "ON", "on ", "1", '{"gt":0}', "checked"] }),
  },
  "app/(desk)/admin/tags/actions.ts#renameTagAction": {
    page: () => "/admin/tags",
    bound: () => [],
    withState: true,
    valid: async (c, who) => [["tag", String(c.tags[who])], ["name", (await tagNameOf(c.tags[who])) === tagName(who, "a") ? tagName(who, "b") : tagName(who, "a")]],
    allowed: (who) => who === "admin",
    // Ids that name nothing or are not ids; names that are not tags, or its own name (nothing to do).
    hostile: async (c, who) => ({
      tag: [MISSING, "", "0", "-1", "1.5", "1e3", "abc", '{"gt":0}', "99999999999", "2147483647"],
      name: [MISSING, "", "   ", "not a tag!", "<b>", "a/b", long(41), long(201), (await tagNameOf(c.tags[who])) ?? ""],
    }),
    effect: async (c, who) => {
      const before = await tagNameOf(c.tags[who]);
      return async (mayAct) => {
        const after = await tagNameOf(c.tags[who]);
        if (mayAct) expect(after, "control: renamed").not.toBe(before);
        else expect(after, "control: untouched").toBe(before);
      };
    },
  },
  "app/(desk)/admin/mail/actions.ts#retryMailAction": {
    page: () => "/admin/mail",
    // A failed message of the suite's own, one per person (the admin's goes out again).
    bound: (c, who) => [c.failedMail[who]],
    withState: true,
    valid: () => [],
    allowed: (who) => who === "admin",
    hostile: () => ({}),
    // A message that was sent, and one that does not exist.
    boundHostile: (c) => [c.sentMail, 99_999_999],
    effect: async (c, who) => async (mayAct) => {
      const row = await mailRow(c.failedMail[who]);
      if (!mayAct) expect(row, "control: still failed, untouched").toEqual({ status: "failed", attempts: 5, lastResponse: REFUSED });
      else {
        // Queued again with a fresh count; the worker may already be sending it (to an address that takes it).
        expect(row.status, "control: no longer failed").not.toBe("failed");
        expect(row.attempts, "control: a fresh count").toBeLessThanOrEqual(1);
        expect(row.lastResponse, "control: the old answer is gone").not.toBe(REFUSED);
      }
    },
  },
};

/** Values for a bound argument that no form ever sends: filters, wrong types, odd numbers, React's own codes. */
const BOUND_HOSTILE: unknown[] = [
  { gt: 0 },
  { not: 0 },
  { in: [1, 2, 3] },
  { equals: 1 },
  {},
  [],
  [1],
  null,
  true,
  "1",
  "abc",
  "",
  -1,
  0,
  1.5,
  1e20,
  2 ** 31,
  Number.MAX_SAFE_INTEGER,
  2 ** 53 + 2,
  "$NaN",
  "$Infinity",
  "$-0",
  "$undefined",
  "$n1",
  "$D2026-01-01T00:00:00.000Z",
  "$$1",
  long(100_000),
];

/** Previous states a client could send back instead of the one it was given. */
const PREV_HOSTILE: unknown[] = [
  null,
  "$undefined",
  { ok: true, fieldErrors: {}, values: { status: "Closed" }, message: "Saved" },
  { fieldErrors: { __proto__: { polluted: true } }, values: [] },
  long(10_000),
];

let ctx: Ctx;

/** Posts, then checks the answer and what changed (but for the tables the action counts in). */
async function expectRefused(label: string, post: () => Promise<Answer>, counts: readonly string[] = []) {
  const before = await snapshot(db);
  const answer = await post();
  const after = await snapshot(db);
  expect.soft(answer.status, `${label}: status`).toBeLessThan(500);
  expect.soft(changed(before, after).filter((t) => !counts.includes(t)), `${label}: changed the database`).toEqual([]);
  return answer;
}

const withoutField = (fields: Field[], name: string) => fields.filter(([k]) => k !== name);
const withField = (fields: Field[], name: string, value: Value): Field[] =>
  value === MISSING ? withoutField(fields, name) : [...withoutField(fields, name), [name, value]];

test.beforeAll(async () => {
  const userId = async (email: string) => (await db.get<{ id: string }>(`SELECT "id" FROM "user" WHERE "email" = ?`, email))!.id;
  const signUp = buildActions().find((a) => a.name === "signUpAction")!.id;
  /** A person of the fuzz suite's own, so that the shared accounts keep their roles and passwords. */
  const newPerson = async (name: string, email: string) => {
    await postForm({ who: "anonymous", page: "/sign-up", action: signUp, bound: JSON.stringify(["$undefined"]), fields: [["name", name], ["email", email], ["password", PASSWORD]] });
    return userId(email);
  };
  const ids = {
    target: await newPerson("Fuzz Target", `fuzz-target-${stamp}@example.test`),
    admin: await userId(ACCOUNTS.admin.email),
    agent: await userId(ACCOUNTS.agent.email),
    requester: await userId(ACCOUNTS.requester.email),
    other: await userId(ACCOUNTS.other.email),
  };
  /** A value per poster, made one after the other. */
  const perPoster = async <T>(f: (who: Poster) => T | Promise<T>) => {
    const out = {} as Record<Poster, T>;
    for (const who of ROLES) out[who] = await f(who);
    return out;
  };
  const forgot = await perPoster((who) => `fuzz-forgot-${who}-${stamp}@example.test`);
  for (const who of ROLES) await newPerson(`Fuzz Forgot ${who}`, forgot[who]);

  // Reset links as Better Auth writes them. Links left by earlier specs that expire before this
  // suite ends go first: Better Auth drops expired ones on a lookup, a change no post of ours made.
  const now = Date.now();
  await db.run(`DELETE FROM "verification" WHERE "expiresAt" < ?`, sqlDate(now + 30 * 60_000));
  const newLink = async (userId: string) => {
    const token = crypto.randomBytes(12).toString("hex");
    await db.run(
      `INSERT INTO "verification" ("id", "identifier", "value", "expiresAt", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?)`,
      crypto.randomUUID(), `reset-password:${token}`, userId, sqlDate(now + 3600_000), sqlDate(now), sqlDate(now),
    );
    return token;
  };
  const resetIds = await perPoster((who) => newPerson(`Fuzz Reset ${who}`, `fuzz-reset-${who}-${stamp}@example.test`));
  const resetToken = await perPoster((who) => newLink(resetIds[who]));
  const orphanToken = await newLink(`no-such-user-${stamp}`);

  // Messages the SMTP server refused for good, to an address it takes when Retry sends them again.
  const newMail = async (to: string, status: "failed" | "sent") => {
    const row = await db.get<{ id: number }>(
      `INSERT INTO "outbound_mail" ("kind", "toAddress", "subject", "text", "html", "messageId", "status", "attempts", "nextAttemptAt", "lastResponse", "createdAt", "sentAt")
       VALUES ('ticket_created', ?, 'Fuzz', 'Fuzz', '<p>Fuzz</p>', ?, ?, ?, ?, ?, ?, ?) RETURNING "id"`,
      to, `fuzz-${crypto.randomUUID()}@triage.test`, status, status === "failed" ? 5 : 1, sqlDate(now), status === "failed" ? REFUSED : "250 OK", sqlDate(now), status === "sent" ? sqlDate(now) : null,
    );
    return row!.id;
  };
  const failedMail = await perPoster((who) => newMail(`fuzz-retry-${who}-${stamp}@example.test`, "failed"));
  const sentMail = await newMail(`fuzz-sent-${stamp}@example.test`, "sent");

  // The built-in notification defaults, saved: saveDefaultsAction's hostile posts leave them so.
  const defaults = buildActions().find((a) => a.name === "saveDefaultsAction")!.id;
  await postForm({ who: "admin", page: "/admin/mail", action: defaults, bound: JSON.stringify(["$undefined"]), fields: ticks(BUILT_IN_DEFAULTS) });
  expect(await db.all(`SELECT "kind", CAST("enabled" AS INTEGER) AS "enabled" FROM "notification_default" ORDER BY "kind"`)).toEqual(
    [...KINDS].sort().map((kind) => ({ kind, enabled: BUILT_IN_DEFAULTS.includes(kind) ? 1 : 0 })),
  );

  const create = CASES["app/(desk)/tickets/actions.ts#createTicketAction"];
  const action = buildActions().find((a) => a.name === "createTicketAction")!.id;
  const newest = async (id: string) => (await db.get<{ n: number }>(`SELECT max("number") AS "n" FROM "ticket" WHERE "requesterId" = ?`, id))!.n;
  for (const who of ["requester", "other"] as const) {
    const a = await postForm({ who, page: "/tickets/new", action, bound: JSON.stringify(["$undefined"]), fields: await create.valid({} as Ctx, who) });
    expect(a.status, `creating ${who}'s ticket`).toBeLessThan(400);
  }
  // The address-proof links the shared accounts were mailed when they signed up (mail is on).
  const proofOf = async (email: string) => decodeURIComponent(linkIn(await waitForMail(email, "Confirm your address"), "/confirm-address?token=").split("token=")[1]);
  const proofToken = await perPoster((who) => proofOf(ACCOUNTS[who === "anonymous" ? "requester" : who].email));
  const rita = await newest(ids.requester);
  const otto = await newest(ids.other);
  // Files for Remove attachment, written beside the server (their bytes need not exist: a removal
  // deletes them if they do).
  const newFile = async (ticket: number, name: string, removedBy: string | null = null) =>
    (await db.get<{ id: number }>(
      `INSERT INTO "attachment" ("ticketNumber", "commentId", "name", "size", "type", "hash", "uploaderId", "createdAt", "removedAt", "removedById")
       VALUES (?, NULL, ?, 3, 'text/plain', ?, ?, ?, ?, ?) RETURNING "id"`,
      ticket, name, crypto.randomBytes(32).toString("hex"), ids.requester, sqlDate(now), removedBy ? sqlDate(now) : null, removedBy,
    ))!.id;
  const files = await perPoster((who) => newFile(rita, `fuzz-${who}-${stamp}.txt`));
  const ottoFile = await newFile(otto, `fuzz-otto-${stamp}.txt`);
  const removedFile = await newFile(rita, `fuzz-removed-${stamp}.txt`, ids.agent);
  const toDeactivate = await perPoster((who) => newPerson(`Fuzz Active ${who}`, `fuzz-active-${who}-${stamp}@example.test`));
  // Saved replies of the suite's own, written beside the server as the agent's.
  const newReply = async (name: string) =>
    (await db.get<{ id: number }>(
      `INSERT INTO "saved_reply" ("name", "nameKey", "body", "createdById", "updatedById", "createdAt", "updatedAt")
       VALUES (?, ?, 'Hello {{requester.name}}', ?, ?, ?, ?) RETURNING "id"`,
      name, name.toLowerCase(), ids.agent, ids.agent, sqlDate(now), sqlDate(now),
    ))!.id;
  const replyName = `Fuzz shared ${stamp}`;
  const reply = await newReply(replyName);
  const replies = await perPoster((who) => newReply(`Fuzz own ${who} ${stamp}`));
  const doomedReplies = await perPoster((who) => newReply(`Fuzz doomed ${who} ${stamp}`));
  // Tickets of Rita's for Merge and Assign to me, each poster their own (a merge is done once).
  const ritasTicket = async () => {
    const a = await postForm({ who: "requester", page: "/tickets/new", action, bound: JSON.stringify(["$undefined"]), fields: [["title", "Fuzz merge"], ["description", "A duplicate, perhaps."], ["priority", "Low"]] });
    expect(a.status, "creating a ticket of Rita's").toBeLessThan(400);
    return newest(ids.requester);
  };
  const merges = await perPoster(async () => ({ into: await ritasTicket(), from: await ritasTicket() }));
  const mine = await perPoster(() => ritasTicket());
  const tags = await perPoster(async (who) => (await db.get<{ id: number }>(`INSERT INTO "tag" ("name") VALUES (?) RETURNING "id"`, tagName(who, "a")))!.id);
  const newView = async (owner: string, name: string, shared = false) =>
    (await db.get<{ id: number }>(
      `INSERT INTO "saved_view" ("ownerId", "name", "query", "shared", "createdAt") VALUES (?, ?, '?status=Open', ?, ?) RETURNING "id"`,
      owner, `${name} ${stamp}`, shared, sqlDate(now),
    ))!.id;
  const views = await perPoster((who) => newView(who === "anonymous" ? ids.requester : ids[who], `Fuzz delete ${who}`));
  const agentView = await newView(ids.agent, "Fuzz agent's own");
  const sharedView = await newView(ids.admin, "Fuzz shared", true);
  ctx = { rita, otto, ids, resetIds, forgot, resetToken, orphanToken, failedMail, sentMail, proofToken, files, ottoFile, removedFile, toDeactivate, reply, replyName, replies, doomedReplies, merges, mine, tags, views, agentView, sharedView };
  expect(ctx.rita).toBeGreaterThan(0);
  expect(ctx.otto).toBeGreaterThan(0);
});

/**
 * The benchmark's floor (app/(bench)/, with an action that saves nothing) is built only for the
 * benchmark (next.config.mjs, TRIAGE_BENCH_FLOOR=1), never into the product's build that this
 * suite posts to, so it has no row here.
 */
const benchOnly = (file: string) => file.startsWith("app/(bench)/");

test("the build has no benchmark floor", () => {
  expect(buildActions().filter((a) => benchOnly(a.file))).toEqual([]);
});

test("every server action in the build has a row in the fuzz table", () => {
  const actions = buildActions().filter((a) => !benchOnly(a.file));
  expect(actions.length).toBeGreaterThanOrEqual(7);
  const missing = actions.map((a) => `${a.file}#${a.name}`).filter((k) => !(k in CASES));
  expect(missing, "add these to CASES in e2e/fuzz/actions.spec.ts").toEqual([]);
});

for (const [key, c] of Object.entries(CASES)) {
  const name = key.split("#")[1];
  for (const who of ROLES) {
    test(`${name} as ${who}: hostile arguments and fields change nothing`, async () => {
      const ref = buildActions().find((a) => `${a.file}#${a.name}` === key);
      expect(ref, `${key} is in the build`).toBeTruthy();
      const id = ref!.id;
      const page = c.page(ctx);
      const args = (bound: unknown[], prev: unknown = "$undefined") => JSON.stringify(c.withState ? [...bound, prev] : bound);
      const valid = async () => c.valid(ctx, who);
      const good = c.bound(ctx, who);
      const counts = c.counts ?? [];
      // An action that finishes its work after answering (next/server's after()) gets time to.
      const settled = (post: () => Promise<Answer>) => async () => {
        const a = await post();
        if (c.settleMs) await new Promise((r) => setTimeout(r, c.settleMs));
        return a;
      };
      const refused = (label: string, post: () => Promise<Answer>) => expectRefused(label, settled(post), counts);

      // Forged bound arguments, each in place of every valid one, with a valid form.
      const forged = [...BOUND_HOSTILE, ...(c.boundHostile?.(ctx, who) ?? [])];
      for (let i = 0; i < good.length; i++) {
        for (const h of forged) {
          const bound = good.map((g, j) => (j === i ? h : g));
          const label = `bound[${i}] = ${JSON.stringify(h).slice(0, 40)}`;
          const a = await refused(label, async () => postForm({ who, page, action: id, bound: args(bound), fields: await valid() }));
          // JavaScript's wire format: the same values in the reply, the form as "$K1".
          await refused(`${label} (JS)`, async () =>
            postReply(who, page, id, JSON.stringify([...bound, ...(c.withState ? ["$undefined"] : []), "$K1"]), await valid()),
          );
          if (who !== "anonymous") expect.soft(a.text, `${label}: answers like a missing record`).not.toContain("Internal Server Error");
        }
      }

      // The wrong number of arguments, and no arguments at all.
      const arities: (string | null)[] = [JSON.stringify([]), JSON.stringify([...good]), JSON.stringify([...good, "$undefined", "extra"])];
      if (c.withState || good.length) arities.push(null);
      for (const bound of arities) {
        if (bound === args(good)) continue;
        await refused(`arguments ${bound}`, async () => postForm({ who, page, action: id, bound, fields: await valid() }));
      }
      // A previous state the server never gave, with a form that must be refused anyway.
      const [first] = Object.entries(await c.hostile(ctx, who));
      if (c.withState && first?.[1].length) {
        const [field, [bad]] = first;
        for (const prev of PREV_HOSTILE) {
          await refused(`prev ${JSON.stringify(prev).slice(0, 40)}`, async () =>
            postForm({ who, page, action: id, bound: args(good, prev), fields: withField(await valid(), field, bad) }),
          );
        }
      }

      // Every field: missing, empty, too long, forged, repeated with a bad value first, a file.
      for (const [field, values] of Object.entries(await c.hostile(ctx, who))) {
        for (const v of values) {
          const label = `${field} = ${typeof v === "string" ? JSON.stringify(v).slice(0, 40) : `a file of ${v.size} bytes`}`;
          await refused(label, async () => postForm({ who, page, action: id, bound: args(good), fields: withField(await valid(), field, v) }));
        }
        const bad = values.find((v) => v !== MISSING) ?? "";
        await refused(`${field} twice, bad first`, async () =>
          postForm({ who, page, action: id, bound: args(good), fields: [...withoutField(await valid(), field), [field, bad], ...(await valid()).filter(([k]) => k === field)] }),
        );
        if (field !== c.files) await refused(`${field} as a file`, async () =>
          postForm({ who, page, action: id, bound: args(good), fields: [...withoutField(await valid(), field), [field, new Blob(["High"], { type: "text/plain" })]] }),
        );
      }

      // The control: the form as the page sends it, by this person.
      if (key.endsWith("#signOutAction")) return;
      const check = await c.effect?.(ctx, who);
      const fields = await valid();
      const before = await snapshot(db);
      const answer = await settled(() => postForm({ who, page, action: id, bound: c.withState || good.length ? args(good) : null, fields }))();
      const after = await snapshot(db);
      expect(answer.status, "control: status").toBeLessThan(500);
      const mayAct = c.allowed(who) && (who !== "anonymous" || key.startsWith("app/(auth)"));
      const differ = changed(before, after).filter((t) => !counts.includes(t));
      if (mayAct) expect(differ, "control: a valid post by someone allowed changes something").not.toEqual([]);
      else expect(differ, "control: someone not allowed changes nothing").toEqual([]);
      await check?.(mayAct);
    });
  }
}

test("malformed posts get a 4xx page, never a 500, and change nothing", async () => {
  const comment = buildActions().find((a) => a.name === "addCommentAction")!.id;
  const page = `/tickets/${ctx.rita}`;
  const fields: Field[] = [["body", "hello"]];
  const deep = "[".repeat(5000) + "]".repeat(5000);
  const rawBound = ["not json", "{", "[1,", '"$Q5"', '["$Q5", "$undefined"]', `[${ctx.rita}, "$@5"]`, `["$1", "$undefined"]`, `["$nx", "$undefined"]`, deep, `[${ctx.rita}, "$undefined", "$K1"]`];
  for (const who of ["requester", "agent"] as const) {
    for (const bound of rawBound) {
      await expectRefused(`raw bound ${bound.slice(0, 30)}`, () => postForm({ who, page, action: comment, bound, fields }));
    }
    for (const body of ["{{{", "", "null", '"$Q1"', `[${ctx.rita}, "$@1", "$K1"]`, deep, JSON.stringify([{ gt: 0 }, "$undefined", "x"])]) {
      await expectRefused(`JS body ${body.slice(0, 30)}`, () => postReply(who, page, comment, body));
    }
    await expectRefused("unknown action id", () => postForm({ who, page, action: "00".repeat(21), bound: "[1]", fields }));
    await expectRefused("unreadable metadata", () =>
      postRaw("anonymous", page, formOf([["$ACTION_REF_1", ""], ["$ACTION_1:0", "{oops"], ["$ACTION_1:1", "[1]"]])),
    );
  }
  // Shapes React reads differently from a first glance, or refuses with a throw.
  const raw = (who: "requester" | "agent", body: BodyInit, headers: Record<string, string> = {}) => postRaw(who, page, body, headers);
  const refRaw = (entries: Field[]) => formOf([...entries, ["body", "hello"]]);
  const meta = JSON.stringify({ id: comment, bound: "$@1" });
  const shapes: [string, () => Promise<Answer>][] = [
    ["bound arguments twice, a bad second", () => raw("requester", refRaw([["$ACTION_REF_1", ""], ["$ACTION_1:0", meta], ["$ACTION_1:1", `[${ctx.rita},"$undefined"]`], ["$ACTION_1:1", '["$Q5","$undefined"]']]))],
    ["bound arguments twice, a hanging second", () => raw("requester", refRaw([["$ACTION_REF_1", ""], ["$ACTION_1:0", meta], ["$ACTION_1:1", `[${ctx.rita},"$undefined"]`], ["$ACTION_1:1", '["$h0"]']]))],
    ["metadata with an extra key", () => raw("requester", refRaw([["$ACTION_REF_1", ""], ["$ACTION_1:0", JSON.stringify({ id: comment, bound: null, x: "$T" })]]))],
    ["a BigInt of 400 digits", () => postForm({ who: "requester", page, action: comment, bound: JSON.stringify(["$n" + "9".repeat(400), "$undefined"]), fields })],
    ["1,001 bound arguments", () => postForm({ who: "requester", page, action: comment, bound: JSON.stringify(Array.from({ length: 1001 }, () => ctx.rita)), fields })],
    ["a megabyte string", () => postForm({ who: "requester", page, action: comment, bound: JSON.stringify(["x".repeat(1_000_001), "$undefined"]), fields })],
    ["JS: a byte-order mark before the arguments", () => raw("requester", `\uFEFF[${ctx.rita},"$undefined","x"]`, { "next-action": comment, "content-type": "text/plain;charset=UTF-8" })],
    ["JS: 1,001 arguments", () => postReply("requester", page, comment, JSON.stringify(Array.from({ length: 1001 }, () => 1)))],
    ['JS: part "0" twice', () => raw("requester", formOf([["0", `[${ctx.rita},"$undefined","$K1"]`], ["0", '["$Q1"]'], ["_1_body", "hi"]]), { "next-action": comment })],
    ['JS: a byte-order mark in part "0"', () => raw("requester", formOf([["0", `\uFEFF[${ctx.rita},"$undefined","$K1"]`], ["_1_body", "hi"]]), { "next-action": comment })],
  ];
  for (const [label, send] of shapes) {
    const a = await expectRefused(label, send);
    expect.soft(a.status, label).toBeLessThan(500);
  }
  // 5 MB sent in chunks, with no Content-Length to read the size from.
  const chunked = await expectRefused("5 MB in chunks", () => {
    const piece = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 5 * 1024 * 1024) return controller.close();
        sent += piece.byteLength;
        controller.enqueue(piece);
      },
    });
    return raw("requester", stream, { "next-action": comment, "content-type": "text/plain;charset=UTF-8" });
  });
  expect(chunked.status).toBe(413);

  const big = await expectRefused("a 5 MB body", () =>
    postForm({ who: "requester", page, action: comment, bound: JSON.stringify([ctx.rita, "$undefined"]), fields: [["body", long(5 * 1024 * 1024)]] }),
  );
  expect(big.status).toBe(413);
  const a = await postForm({ who: "requester", page, action: comment, bound: "not json", fields });
  expect(a.status).toBe(400);
  expect(a.text).toContain("That form could not be read");
});

test("signOutAction: forged posts sign nobody else out; the real one ends only its own session", async () => {
  const signIn = buildActions().find((a) => a.name === "signInAction")!.id;
  const signOut = buildActions().find((a) => a.name === "signOutAction")!.id;
  // A fresh session of Rita's, so that the shared ones survive.
  const signedIn = await postForm({
    who: "anonymous",
    page: "/sign-in",
    action: signIn,
    bound: JSON.stringify(["$undefined"]),
    fields: [["email", ACCOUNTS.requester.email], ["password", PASSWORD]],
  });
  const cookie = signedIn.setCookie;
  expect(cookie).toContain("triage.session_token");
  const sessions = async () => (await db.get<{ n: number }>(`SELECT count(*) AS "n" FROM "session"`))!.n;
  const base = await sessions();

  for (const who of ROLES) {
    for (const bound of [JSON.stringify([{ gt: 0 }]), JSON.stringify(["x", "$undefined"]), "not json"]) {
      await expectRefused(`${who}: signOut with ${bound}`, () => postForm({ who, page: "/tickets", action: signOut, bound, fields: [] }));
    }
  }
  const out = await postForm({ who: { cookie }, page: "/tickets", action: signOut, bound: null, fields: [] });
  expect(out.status).toBeLessThan(400);
  expect(await sessions()).toBe(base - 1);
});
