import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/people/identity";
import { session } from "../fake-session";

/**
 * The "Keyboard shortcuts" setting: saved by /settings' one form (Save settings), read back with
 * the session on every page (lib/auth/actor.ts, both its fast road and Better Auth's), on by
 * default, and refused with nothing saved for a forged value or nobody signed in.
 */
vi.mock("@/lib/auth/session", async () => (await import("../fake-session")).fakeSessionModule());
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("next/headers", () => ({ headers: async () => new Headers() }));

const { models: db } = await import("@/lib/db");
const { getAuth } = await import("@/lib/auth/auth");
const { actorFromHeaders } = await import("@/lib/auth/actor");
const { saveSettingsAction } = await import("@/app/(desk)/settings/actions");
const { settingsOf } = await import("@/lib/mail/settings");

const DAY = 24 * 60 * 60 * 1000;
const state = { fieldErrors: {}, values: {} };
const form = (fields: [string, string][]) => {
  const fd = new FormData();
  for (const [k, v] of fields) fd.append(k, v);
  return fd;
};
/** What the settings page posts: its kinds as they were, a zone, and the box when ticked. */
const post = (shortcuts: string | null, zone = "Europe/Paris") =>
  saveSettingsAction(state, form([["ticket_created", "on"], ["timeZone", zone], ...(shortcuts === null ? [] : ([["keyboardShortcuts", shortcuts]] as [string, string][]))]));

let cookie = "";
let rita: Actor;
const stored = async () => (await db.user.findUniqueOrThrow({ where: { id: rita.id }, select: { keyboardShortcuts: true, timeZone: true } }));
const seen = () => actorFromHeaders(new Headers({ cookie }));

async function signUp(email: string) {
  const { headers } = await getAuth(false).api.signUpEmail({ body: { name: "Rita Keys", email, password: "correct horse battery" }, returnHeaders: true });
  const pair = /triage\.session_token=[^;]+/.exec(headers.get("set-cookie") ?? "")?.[0];
  if (!pair) throw new Error("no session cookie");
  return pair;
}

beforeAll(async () => {
  await signUp("first-keys@example.com"); // the first account is the admin
  cookie = await signUp("rita-keys@example.com");
  rita = (await seen())!;
});

describe("the Keyboard shortcuts setting", () => {
  it("is on for a new person, on the settings page and with the session", async () => {
    expect(rita).toMatchObject({ role: "requester", keyboardShortcuts: true });
    expect((await stored()).keyboardShortcuts).toBe(true);
    expect((await settingsOf(rita)).keyboardShortcuts).toBe(true);
  });

  it("turns off when Save settings is posted without the box, and the next page's session says so", async () => {
    session.actor = rita;
    const answer = await post(null);
    expect(answer.message).toBe("Your settings are saved.");
    expect(await stored()).toEqual({ keyboardShortcuts: false, timeZone: "Europe/Paris" });
    expect((await settingsOf(rita)).keyboardShortcuts).toBe(false);
    expect((await seen())?.keyboardShortcuts).toBe(false);
  });

  it("turns on again with the box ticked", async () => {
    session.actor = rita;
    expect((await post("on", "Asia/Tokyo")).ok).toBe(true);
    expect(await stored()).toEqual({ keyboardShortcuts: true, timeZone: "Asia/Tokyo" });
    expect((await seen())?.keyboardShortcuts).toBe(true);
  });

  it("reaches the page through Better Auth's road too (a session due for its daily refresh)", async () => {
    session.actor = rita;
    await post(null);
    const token = decodeURIComponent(cookie.split("=")[1]).split(".")[0];
    await db.session.update({ where: { token }, data: { expiresAt: new Date(Date.now() + 5 * DAY) } });
    expect(await seen()).toMatchObject({ id: rita.id, keyboardShortcuts: false });
    // Refreshed now: back on the fast road, with the same answer.
    expect((await seen())?.keyboardShortcuts).toBe(false);
    await post("on");
    expect((await seen())?.keyboardShortcuts).toBe(true);
  });

  it("refuses a value the form never sends, next to the box, and saves nothing (not even the zone)", async () => {
    session.actor = rita;
    const before = await stored();
    for (const forged of ["off", "true", "ON", "on ", "", "1", '{"gt":0}', "x".repeat(10_000)]) {
      const answer = await post(forged, "America/New_York");
      expect(answer.ok, forged).toBeFalsy();
      expect(answer.fieldErrors, forged).toEqual({ keyboardShortcuts: ["Tick the box or leave it clear."] });
      expect(await stored(), forged).toEqual(before);
    }
  });

  it("changes nothing for nobody signed in", async () => {
    session.actor = null;
    const before = await db.user.findMany({ orderBy: { id: "asc" } });
    await expect(post(null)).rejects.toThrow(/NEXT_REDIRECT/);
    expect(await db.user.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });

  it("is each person's own: one person's choice leaves everyone else's as it was", async () => {
    const others = await db.user.findMany({ where: { id: { not: rita.id } }, select: { keyboardShortcuts: true } });
    expect(others.length).toBeGreaterThan(0);
    session.actor = rita;
    await post(null);
    expect(await db.user.findMany({ where: { id: { not: rita.id } }, select: { keyboardShortcuts: true } })).toEqual(others);
    expect(others.every((o) => o.keyboardShortcuts)).toBe(true);
  });
});
