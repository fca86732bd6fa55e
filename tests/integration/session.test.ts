import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getAuth } from "@/lib/auth/auth";
import { actorFromHeaders, sessionToken } from "@/lib/auth/actor";
import { models as db } from "@/lib/db";

/**
 * Every page asks actorFromHeaders who is there. A live session is answered by one statement on
 * the read connection; anything Better Auth has to act on (refresh, expiry, the absolute limit)
 * goes to Better Auth. These check both roads give what Better Auth would.
 */
let cookie = "";
const DAY = 24 * 60 * 60 * 1000;

async function signUp(email: string) {
  const { headers } = await getAuth(false).api.signUpEmail({
    body: { name: "Sam Session", email, password: "correct horse battery" },
    returnHeaders: true,
  });
  const set = headers.get("set-cookie") ?? "";
  const pair = /triage\.session_token=[^;]+/.exec(set)?.[0];
  if (!pair) throw new Error(`no session cookie in ${set}`);
  return pair;
}

const ask = (c: string, extra: Record<string, string> = {}) => actorFromHeaders(new Headers({ cookie: c, ...extra }));
const tokenOf = (c: string) => decodeURIComponent(c.split("=")[1]).split(".")[0];

beforeAll(async () => {
  // The first account is the admin; the one under test is an ordinary requester.
  await signUp("first@example.com");
  cookie = await signUp("sam@example.com");
});

describe("who is signed in", () => {
  it("answers a signed session cookie with its person, as Better Auth does", async () => {
    const actor = await ask(cookie);
    expect(actor).toMatchObject({ name: "Sam Session", role: "requester", timeZone: null });
    const viaAuth = await getAuth(false).api.getSession({ headers: new Headers({ cookie }) });
    expect(actor?.id).toBe(viaAuth?.user.id);
  });

  it("refuses a cookie whose signature does not match, or that has none", async () => {
    const [name, value] = cookie.split("=");
    const raw = decodeURIComponent(value);
    const token = raw.split(".")[0];
    const forged = `${token}.${"A".repeat(43)}=`;
    expect(await ask(`${name}=${encodeURIComponent(forged)}`)).toBeNull();
    expect(await ask(`${name}=${token}`)).toBeNull();
    expect(await ask(`${name}=`)).toBeNull();
    expect(await ask("other=1")).toBeNull();
    // The signature of another token does not carry over.
    const secret = (await getAuth(false).$context).secret;
    expect(sessionToken(`${name}=${encodeURIComponent(`x${raw}`)}`, false, secret)).toBeNull();
    expect(sessionToken(cookie, false, secret)).toBe(token);
    // A correct signature spelled in base64url: Buffer would read it, Better Auth does not. (A
    // token is chosen whose signature has a "+" or "/", so that the spelling differs.)
    let t = 0;
    const sign = (v: string) => crypto.createHmac("sha256", secret).update(v).digest("base64");
    while (!/[+/]/.test(sign(`token${t}`))) t++;
    const standard = `token${t}.${sign(`token${t}`)}`;
    const url = standard.replace(/[+/]/g, (c) => (c === "+" ? "-" : "_"));
    expect(sessionToken(`${name}=${encodeURIComponent(standard)}`, false, secret)).toBe(`token${t}`);
    expect(sessionToken(`${name}=${encodeURIComponent(url)}`, false, secret)).toBeNull();
    const sig = raw.slice(raw.lastIndexOf(".") + 1);
    const spelled = `${token}.${sig.slice(0, -1)}`;
    expect(await ask(`${name}=${encodeURIComponent(spelled)}`)).toBeNull();
  });

  it("reads the __Secure- cookie over HTTPS and only that one", async () => {
    expect(await ask(cookie, { "x-forwarded-proto": "https" })).toBeNull();
    expect(await ask(`__Secure-${cookie}`, { "x-forwarded-proto": "https" })).toMatchObject({ name: "Sam Session" });
  });

  it("sees a role change at once", async () => {
    const token = tokenOf(cookie);
    const { userId } = await db.session.findUniqueOrThrow({ where: { token } });
    await db.user.update({ where: { id: userId }, data: { role: "agent" } });
    expect((await ask(cookie))?.role).toBe("agent");
    await db.user.update({ where: { id: userId }, data: { role: "requester" } });
    expect((await ask(cookie))?.role).toBe("requester");
  });

  it("lets Better Auth extend a session a day into its week", async () => {
    const c = await signUp("refresh@example.com");
    const token = tokenOf(c);
    const old = new Date(Date.now() + 5 * DAY);
    await db.session.update({ where: { token }, data: { expiresAt: old } });
    expect(await ask(c)).toMatchObject({ name: "Sam Session" });
    const { expiresAt } = await db.session.findUniqueOrThrow({ where: { token } });
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 6.9 * DAY);
  });

  it("answers null for an expired session and deletes it", async () => {
    const c = await signUp("expired@example.com");
    const token = tokenOf(c);
    await db.session.update({ where: { token }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await ask(c)).toBeNull();
    expect(await db.session.count({ where: { token } })).toBe(0);
  });

  it("ends a session 30 days after sign-in however recently it was used", async () => {
    const c = await signUp("old@example.com");
    const token = tokenOf(c);
    await db.session.update({ where: { token }, data: { createdAt: new Date(Date.now() - 31 * DAY) } });
    expect(await ask(c)).toBeNull();
    expect(await db.session.count({ where: { token } })).toBe(0);
  });

  it("answers null for a session whose person was deleted", async () => {
    const c = await signUp("deleted@example.com");
    await db.user.delete({ where: { email: "deleted@example.com" } });
    expect(await ask(c)).toBeNull();
  });

  it("answers null once the session is deleted (sign-out)", async () => {
    const c = await signUp("gone@example.com");
    await db.session.deleteMany({ where: { token: tokenOf(c) } });
    expect(await ask(c)).toBeNull();
  });
});
