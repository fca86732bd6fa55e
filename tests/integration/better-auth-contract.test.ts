/**
 * Better Auth contract: what Triage does in Better Auth's place must agree with the Better Auth
 * that is installed. Upgrading Better Auth (or better-call, which reads its cookies) runs this
 * file; a failure here means Triage's copy of the library's behaviour is out of date.
 *
 * - lib/auth/actor.ts answers "who is this?" itself for live sessions (sessionToken checks the
 *   cookie's signature as better-call does, currentSession reads the row) and asks Better Auth
 *   only when something must be decided. Every case below puts the same Cookie header to both,
 *   actorFromHeaders and getAuth(secure).api.getSession, each on the same database state, and
 *   checks that they agree, and what the person gets: signed in as whom, or not.
 * - lib/auth/links.ts makes set-password links through Better Auth's own adapter; Better Auth's
 *   resetPassword must take them, once, and refuse them once expired.
 */
import { serializeSignedCookie } from "better-call";
import { beforeAll, describe, expect, it } from "vitest";
import { actorFromHeaders, sessionToken } from "@/lib/auth/actor";
import { getAuth, SESSION_IDLE_SECONDS, SESSION_REFRESH_SECONDS } from "@/lib/auth/auth";
import { createSetPasswordLink } from "@/lib/auth/links";
import { resetPasswordUrl } from "@/lib/auth/reset-url";
import { models } from "@/lib/db";
import { env } from "@/lib/env";

const PASSWORD = "correct horse battery";
const NAME = "triage.session_token";
const SECURE_NAME = `__Secure-${NAME}`;
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

type Person = { id: string; name: string; role: string } | null;

let sam: { id: string; name: string; role: string };
let pat: { id: string; name: string; role: string };
/** Sam's session cookie (name=value) as Better Auth set it on sign-up, over plain HTTP. */
let samCookie = "";

/** The session cookie in a Set-Cookie header, as the browser would send it back. */
function cookieFrom(setCookie: string | null, secure = false): string {
  const name = secure ? SECURE_NAME : NAME;
  const pair = new RegExp(`(?:^|[\\s,])(${name.replace(/[.-]/g, "\\$&")}=[^;]+)`).exec(setCookie ?? "")?.[1];
  if (!pair) throw new Error(`no ${name} in ${setCookie}`);
  return pair;
}

async function signUp(email: string, name: string) {
  const { headers, response } = await getAuth(false).api.signUpEmail({ body: { name, email, password: PASSWORD }, returnHeaders: true });
  return { cookie: cookieFrom(headers.get("set-cookie")), userId: response.user.id };
}

/** A new session for an existing account, through Better Auth's sign-in (and so its signer). */
async function signIn(email: string, secure = false) {
  const { headers } = await getAuth(secure).api.signInEmail({ body: { email, password: PASSWORD }, returnHeaders: true });
  return cookieFrom(headers.get("set-cookie"), secure);
}

/** The value part of a name=value pair, as the browser stores it (URI-encoded). */
const valueOf = (pair: string) => pair.slice(pair.indexOf("=") + 1);
const rawOf = (pair: string) => decodeURIComponent(valueOf(pair));
const tokenOf = (pair: string) => rawOf(pair).slice(0, rawOf(pair).lastIndexOf("."));
const signatureOf = (pair: string) => rawOf(pair).slice(rawOf(pair).lastIndexOf(".") + 1);
const withValue = (name: string, value: string) => `${name}=${value}`;

function headersFor(cookie: string | string[], secure: boolean): Headers {
  const h = new Headers();
  for (const c of Array.isArray(cookie) ? cookie : [cookie]) h.append("cookie", c);
  if (secure) h.set("x-forwarded-proto", "https");
  return h;
}

type Verdicts = {
  triage: Person;
  betterAuth: Person;
  /** The session row's expiresAt after each was asked (null: no row). */
  expiresAfterTriage: Date | null;
  expiresAfterBetterAuth: Date | null;
};

/**
 * Better Auth's answer and Triage's to the same request, each on the same database state: the
 * session rows the cookie could name are put back as they were after Better Auth is asked
 * (it may delete or extend them), then Triage is asked.
 */
async function ask(cookie: string | string[], { secure = false, token }: { secure?: boolean; token?: string } = {}): Promise<Verdicts> {
  const tokens = token ? [token] : (Array.isArray(cookie) ? cookie : [cookie]).map((c) => safe(() => tokenOf(c)));
  const before = await models.session.findMany({ where: { token: { in: tokens.filter((t): t is string => !!t) } } });
  const expiresOf = async () =>
    token ? ((await models.session.findUnique({ where: { token } }))?.expiresAt ?? null) : null;

  const session = await getAuth(secure).api.getSession({ headers: headersFor(cookie, secure) });
  const betterAuth: Person = session ? { id: session.user.id, name: session.user.name, role: (session.user as { role?: string }).role ?? "" } : null;
  const expiresAfterBetterAuth = await expiresOf();

  for (const row of before) await models.session.upsert({ where: { id: row.id }, create: row, update: row });
  const actor = await actorFromHeaders(headersFor(cookie, secure));
  const triage: Person = actor ? { id: actor.id, name: actor.name, role: actor.role } : null;
  return { triage, betterAuth, expiresAfterTriage: await expiresOf(), expiresAfterBetterAuth };
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** Both give this person (or nobody). */
async function expectBoth(cookie: string | string[], person: Person, opts: { secure?: boolean; token?: string } = {}) {
  const v = await ask(cookie, opts);
  expect({ triage: v.triage, betterAuth: v.betterAuth }).toEqual({ triage: person, betterAuth: person });
  return v;
}

/** A character that is not `c` in base64's alphabet. */
const other = (c: string) => (c === "A" ? "B" : "A");

beforeAll(async () => {
  // The first account is the admin; the people under test are ordinary requesters.
  await signUp("first@example.com", "First Admin");
  const s = await signUp("sam@example.com", "Sam Session");
  samCookie = s.cookie;
  sam = { id: s.userId, name: "Sam Session", role: "requester" };
  const p = await signUp("pat@example.com", "Pat Other");
  pat = { id: p.userId, name: "Pat Other", role: "requester" };
});

describe("Better Auth contract: who a session cookie signs in", () => {
  it("a valid session: the plain cookie over HTTP, the __Secure- one over HTTPS", async () => {
    await expectBoth(samCookie, sam);
    const secure = await signIn("sam@example.com", true);
    expect(secure.startsWith(`${SECURE_NAME}=`)).toBe(true);
    await expectBoth(secure, sam, { secure: true });
    // Each road reads only its own cookie name.
    await expectBoth(samCookie, null, { secure: true });
    await expectBoth(secure, null);
    // Beside other cookies, in any order.
    await expectBoth(`theme=dark; ${samCookie}; lang=en`, sam);
    await expectBoth(`a=1;${secure}`, sam, { secure: true });
  });

  it("an expired session: nobody, and the row is gone", async () => {
    const c = await signIn("sam@example.com");
    const token = tokenOf(c);
    await models.session.update({ where: { token }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const v = await expectBoth(c, null, { token });
    expect(v.expiresAfterBetterAuth).toBeNull();
    expect(v.expiresAfterTriage).toBeNull();
  });

  it("a tampered or misspelled signature: nobody", async () => {
    const token = tokenOf(samCookie);
    const sig = signatureOf(samCookie);
    const spell = (value: string) => withValue(NAME, encodeURIComponent(value));
    const cases: Record<string, string> = {
      "one character of the signature changed": spell(`${token}.${sig.slice(0, 10)}${other(sig[10])}${sig.slice(11)}`),
      "one character of the token changed": spell(`${token.slice(0, -1)}${other(token.slice(-1))}.${sig}`),
      "no signature": spell(token),
      "a dot and no signature": spell(`${token}.`),
      "no token": spell(`.${sig}`),
      "the padding left off": spell(`${token}.${sig.slice(0, -1)}`),
      "twice the padding": spell(`${token}.${sig}=`),
      "an extra dot at the end": spell(`${token}.${sig}.`),
      "an extra dotted part after the signature": spell(`${token}.${sig}.${sig}`),
      "an extra dotted part before the token": spell(`x.${token}.${sig}`),
      "two dots before the signature": spell(`${token}..${sig}`),
      "a space inside the signature": spell(`${token}.${sig.slice(0, 20)} ${sig.slice(21)}`),
      "the signature of another session": spell(`${tokenOf(await signIn("pat@example.com"))}.${sig}`),
      "empty": withValue(NAME, ""),
    };
    for (const [what, cookie] of Object.entries(cases)) {
      const v = await ask(cookie, { token });
      expect({ what, ...v, expiresAfterBetterAuth: undefined, expiresAfterTriage: undefined }).toEqual({
        what, triage: null, betterAuth: null, expiresAfterBetterAuth: undefined, expiresAfterTriage: undefined,
      });
    }
    // The cookie itself still works.
    await expectBoth(samCookie, sam);
  });

  it("a signature in base64url instead of base64: nobody", async () => {
    // Better Auth writes standard base64 ("+", "/"); Buffer would also read "-" and "_", atob
    // does not. Sign in until Better Auth's own signature has a character that differs.
    let c = samCookie;
    for (let i = 0; i < 30 && !/[+/]/.test(signatureOf(c)); i++) c = await signIn("sam@example.com");
    expect(signatureOf(c)).toMatch(/[+/]/);
    await expectBoth(c, sam);
    const url = signatureOf(c).replace(/\+/g, "-").replace(/\//g, "_");
    await expectBoth(withValue(NAME, encodeURIComponent(`${tokenOf(c)}.${url}`)), null, { token: tokenOf(c) });
    await expectBoth(withValue(NAME, encodeURIComponent(`${tokenOf(c)}.${url.slice(0, -1)}`)), null, { token: tokenOf(c) });
  });

  it("the last base64 character's unused bits: base64 ignores them, and so do both", async () => {
    // 32 bytes take 43 characters, 2 bits spare: four spellings of the last one mean the same.
    const sig = signatureOf(samCookie);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const last = alphabet.indexOf(sig[42]);
    const twin = alphabet[last ^ 1];
    const value = `${tokenOf(samCookie)}.${sig.slice(0, 42)}${twin}=`;
    await expectBoth(withValue(NAME, encodeURIComponent(value)), sam);
    // A change in a bit that counts is refused.
    const wrong = `${tokenOf(samCookie)}.${sig.slice(0, 42)}${alphabet[last ^ 4]}=`;
    await expectBoth(withValue(NAME, encodeURIComponent(wrong)), null);
  });

  it("a session due for its refresh: signed in, and expiresAt moved forward", async () => {
    const c = await signIn("sam@example.com");
    const token = tokenOf(c);
    // Better Auth extends a session once updateAge (a day) into its expiresIn (a week).
    const due = new Date(Date.now() + (SESSION_IDLE_SECONDS - SESSION_REFRESH_SECONDS) * 1000 - HOUR);
    await models.session.update({ where: { token }, data: { expiresAt: due } });
    const v = await expectBoth(c, sam, { token });
    const week = Date.now() + SESSION_IDLE_SECONDS * 1000;
    for (const after of [v.expiresAfterBetterAuth, v.expiresAfterTriage]) {
      expect(after!.getTime()).toBeGreaterThan(due.getTime());
      expect(Math.abs(after!.getTime() - week)).toBeLessThan(60_000);
    }
    // An hour short of due: signed in, and left as it is by both.
    const notYet = new Date(Date.now() + (SESSION_IDLE_SECONDS - SESSION_REFRESH_SECONDS) * 1000 + HOUR);
    await models.session.update({ where: { token }, data: { expiresAt: notYet } });
    const w = await expectBoth(c, sam, { token });
    expect(w.expiresAfterBetterAuth).toEqual(notYet);
    expect(w.expiresAfterTriage).toEqual(notYet);
  });

  it("a session without 'remember me' (a day long, never extended): signed in, left as it is", async () => {
    // Triage's sign-in does not offer it; Better Auth's API does, with a second signed cookie.
    const { headers } = await getAuth(false).api.signInEmail({ body: { email: "sam@example.com", password: PASSWORD, rememberMe: false }, returnHeaders: true });
    const set = headers.get("set-cookie");
    const c = cookieFrom(set);
    const dontRemember = /triage\.dont_remember=[^;]+/.exec(set ?? "")?.[0];
    expect(dontRemember).toBeDefined();
    const token = tokenOf(c);
    const { expiresAt } = await models.session.findUniqueOrThrow({ where: { token } });
    const v = await expectBoth(`${c}; ${dontRemember}`, sam, { token });
    expect(v.expiresAfterBetterAuth).toEqual(expiresAt);
    expect(v.expiresAfterTriage).toEqual(expiresAt);
  });

  it("a deleted session (signed out), or its person deleted: nobody", async () => {
    const c = await signIn("sam@example.com");
    await models.session.deleteMany({ where: { token: tokenOf(c) } });
    await expectBoth(c, null);
    const gone = await signUp("gone@example.com", "Gone Person");
    await models.user.delete({ where: { id: gone.userId } });
    await expectBoth(gone.cookie, null);
  });

  it("the value quoted, URI-encoded or not, or badly encoded", async () => {
    const raw = rawOf(samCookie);
    // As Better Auth sets it: URI-encoded ("=" as %3D).
    expect(valueOf(samCookie)).toContain("%3D");
    await expectBoth(samCookie, sam);
    await expectBoth(withValue(NAME, `"${valueOf(samCookie)}"`), sam);
    await expectBoth(withValue(NAME, raw), sam);
    await expectBoth(withValue(NAME, `"${raw}"`), sam);
    // Each character encoded, even those that need not be.
    const all = [...raw].map((ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`).join("");
    await expectBoth(withValue(NAME, all), sam);
    // Encoded twice: decoded once, the signature is not base64.
    await expectBoth(withValue(NAME, encodeURIComponent(valueOf(samCookie))), null);
    // A stray "%": not decoded at all, and the signature still checks.
    await expectBoth(withValue(NAME, `${raw.slice(0, -1)}%`), null);
    // A quote on one side only: the last character goes, as with a pair.
    await expectBoth(withValue(NAME, `"${valueOf(samCookie)}`), null);
  });

  it("two cookies of the same name: the first counts", async () => {
    const pats = await signIn("pat@example.com");
    await expectBoth(`${samCookie}; ${pats}`, sam);
    await expectBoth(`${pats}; ${samCookie}`, pat);
    await expectBoth(`${withValue(NAME, "forged.value")}; ${samCookie}`, null);
    await expectBoth(`${samCookie}; ${withValue(NAME, "forged.value")}`, sam);
    await expectBoth(`${withValue(NAME, "")}; ${samCookie}`, null);
    // Over HTTPS, the plain one is no rival to the __Secure- one.
    const secure = await signIn("pat@example.com", true);
    await expectBoth(`${samCookie}; ${secure}`, pat, { secure: true });
    // Two Cookie header lines (HTTP/2 sends one per cookie): Headers joins them with "; ".
    await expectBoth([samCookie, "lang=en"], sam);
    await expectBoth(["lang=en", samCookie], sam);
    await expectBoth([pats, samCookie], pat);
  });

  it("sessionToken reads exactly what Better Auth's signer writes", async () => {
    const secret = (await getAuth(false).$context).secret;
    // Cookies Better Auth set: sign-up, sign-in, over HTTP and HTTPS, and a refresh.
    const made = [samCookie, await signIn("pat@example.com"), await signIn("sam@example.com", true)];
    const c = await signIn("sam@example.com");
    await models.session.update({ where: { token: tokenOf(c) }, data: { expiresAt: new Date(Date.now() + DAY) } });
    const { headers } = await getAuth(false).api.getSession({ headers: headersFor(c, false), returnHeaders: true });
    made.push(cookieFrom(headers.get("set-cookie")));
    for (const pair of made) {
      const secure = pair.startsWith("__Secure-");
      const token = sessionToken(pair, secure, secret);
      expect(token).toBe(tokenOf(pair));
      expect(await models.session.count({ where: { token: token! } })).toBe(1);
    }
    // Any token at all, signed by better-call (Better Auth's cookie library) as Better Auth signs
    // the session cookie: sessionToken gives it back, and both sign its session in.
    const odd = ["plain", "with.dots.in.it", "with space", "per%cent", "semi;colon", "quote\"d", "ünïcødé", "=eq=", "a".repeat(200)];
    for (const [i, t] of odd.entries()) {
      const set = await serializeSignedCookie(NAME, t, secret, { path: "/" });
      const pair = set.split(";")[0];
      expect({ t, token: sessionToken(pair, false, secret) }).toEqual({ t, token: t });
      await models.session.create({
        data: { id: `odd-${i}`, token: t, userId: sam.id, expiresAt: new Date(Date.now() + 3 * DAY), createdAt: new Date(), updatedAt: new Date() },
      });
      await expectBoth(pair, sam, { token: t });
      // Signed with another secret: neither.
      const forged = (await serializeSignedCookie(NAME, t, `${secret}x`)).split(";")[0];
      expect(sessionToken(forged, false, secret)).toBeNull();
      await expectBoth(forged, null, { token: t });
    }
  });
});

describe("Better Auth contract: set-password links", () => {
  /** A requester made from mail: a user row and no password (lib/mail/import.ts). */
  async function requesterWithoutPassword(email: string) {
    const now = new Date();
    return models.user.create({ data: { id: crypto.randomUUID(), name: "Mail Person", email, role: "requester", createdAt: now, updatedAt: now } });
  }
  const tokenIn = (url: string) => new URL(url).searchParams.get("token")!;
  const auth = () => getAuth(false);

  it("resetPasswordUrl is the page at the public address, the token encoded", () => {
    expect(resetPasswordUrl("abc")).toBe(`${env().publicUrl}/reset-password?token=abc`);
    expect(new URL(resetPasswordUrl("a+b/c=&d")).searchParams.get("token")).toBe("a+b/c=&d");
  });

  it("a link from createSetPasswordLink sets the password, once", async () => {
    const user = await requesterWithoutPassword("invited@example.com");
    const url = await createSetPasswordLink(user.id, 3 * 24 * 3600);
    expect(url.startsWith(`${env().publicUrl}/reset-password?token=`)).toBe(true);
    const token = tokenIn(url);
    expect(token).toMatch(/^[A-Za-z0-9]{24}$/);
    const row = await models.verification.findFirstOrThrow({ where: { identifier: `reset-password:${token}` } });
    expect(row.value).toBe(user.id);
    expect(Math.abs(row.expiresAt.getTime() - (Date.now() + 3 * DAY))).toBeLessThan(60_000);

    await expect(auth().api.signInEmail({ body: { email: user.email, password: "a-new-password-1" } })).rejects.toThrow();
    expect(await auth().api.resetPassword({ body: { token, newPassword: "a-new-password-1" } })).toEqual({ status: true });
    const signedIn = await auth().api.signInEmail({ body: { email: user.email, password: "a-new-password-1" } });
    expect(signedIn.user.id).toBe(user.id);
    // Used up: it cannot set the password again.
    await expect(auth().api.resetPassword({ body: { token, newPassword: "another-password-2" } })).rejects.toThrow(/invalid token/i);
    await expect(auth().api.signInEmail({ body: { email: user.email, password: "another-password-2" } })).rejects.toThrow();
  });

  it("following one link kills the person's other links", async () => {
    const user = await requesterWithoutPassword("twice@example.com");
    const a = tokenIn(await createSetPasswordLink(user.id, 3600));
    const b = tokenIn(await createSetPasswordLink(user.id, 3600));
    await auth().api.resetPassword({ body: { token: b, newPassword: "the-second-link-1" } });
    await expect(auth().api.resetPassword({ body: { token: a, newPassword: "the-first-link-2" } })).rejects.toThrow(/invalid token/i);
  });

  it("an expired link is refused and sets nothing", async () => {
    const user = await requesterWithoutPassword("late@example.com");
    const past = tokenIn(await createSetPasswordLink(user.id, -1));
    await expect(auth().api.resetPassword({ body: { token: past, newPassword: "too-late-password-1" } })).rejects.toThrow(/invalid token/i);
    const moved = tokenIn(await createSetPasswordLink(user.id, 3600));
    await models.verification.updateMany({ where: { identifier: `reset-password:${moved}` }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(auth().api.resetPassword({ body: { token: moved, newPassword: "too-late-password-2" } })).rejects.toThrow(/invalid token/i);
    expect(await models.account.count({ where: { userId: user.id } })).toBe(0);
  });

  it("a link for nobody (its person rolled back or deleted) is refused", async () => {
    const token = tokenIn(await createSetPasswordLink(crypto.randomUUID(), 3600));
    await expect(auth().api.resetPassword({ body: { token, newPassword: "nobody-password-1" } })).rejects.toThrow();
  });
});
