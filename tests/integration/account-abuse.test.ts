import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/people/identity";

/**
 * Issue 20, accounts: the sign-in, sign-up and confirm-address actions called as Next.js calls
 * them, as an attacker would use them, with mail on. Next's request (headers, the redirect, after)
 * is stood in for; the client's address is what server/server.mjs would record as the TCP peer.
 * Everything else is real: Better Auth, the throttle, the outbox.
 */
const request = vi.hoisted(() => {
  // Mail on (the outbox only queues here: no worker runs), and a low sign-up limit to reach.
  process.env.TRIAGE_SMTP_URL = "smtp://127.0.0.1:9";
  process.env.TRIAGE_MAIL_FROM = "Help <help@example.com>";
  process.env.TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS = "3";
  process.env.TRIAGE_PEER_HEADER = "x-test-peer";
  return { headers: new Headers(), after: [] as Promise<unknown>[] };
});
vi.mock("next/headers", () => ({
  headers: async () => request.headers,
  cookies: async () => ({ get: () => undefined, set: () => {}, delete: () => {} }),
}));
vi.mock("next/navigation", () => ({
  redirect: (to: string) => {
    throw new Error(`REDIRECT ${to}`);
  },
  notFound: () => {
    throw new Error("NOT_FOUND");
  },
}));
vi.mock("next/server", () => ({ after: (fn: () => Promise<unknown>) => void request.after.push(fn()) }));
/** Who is signed in, for the confirm-address action (no one: the real lookup, which finds no cookie). */
const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/lib/auth/session", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/auth/session")>();
  return { ...real, requireActor: async () => session.actor ?? real.requireActor() };
});

const { models: db, read } = await import("@/lib/db");
const { signInAction, signUpAction, resetPasswordAction, confirmAddressAction } = await import("@/app/(auth)/actions");
const { getAuth } = await import("@/lib/auth/auth");
const { createTicket } = await import("@/lib/tickets/commands");
const { importMessage } = await import("@/lib/mail/import");
const { rawMessage } = await import("../mail/messages");
const { EMAIL_SLOWDOWN } = await import("@/lib/auth/throttle-policy");
const { PROOF_LINK_INVALID, PROOF_LINK_OTHER_ACCOUNT } = await import("@/lib/auth/schema");

const PASSWORD = "correct horse battery";
const INVALID = "Invalid email or password";
const empty = { fieldErrors: {}, values: {} };

/** The next requests come from this client address. */
function from(address: string) {
  request.headers = new Headers({ "x-test-peer": address });
}

const form = (fields: Record<string, string>) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
};

/** An action's answer: its state, or where it redirected. */
async function answer<T>(p: Promise<T>): Promise<T | { redirect: string }> {
  try {
    return await p;
  } catch (e) {
    const m = /^REDIRECT (.*)$/.exec((e as Error).message);
    if (m) return { redirect: m[1] };
    throw e;
  }
}

const signIn = (email: string, password: string) => answer(signInAction(empty, form({ email, password })));
const signUp = (name: string, email: string, password = PASSWORD) => answer(signUpAction(empty, form({ name, email, password })));
const messageOf = (a: unknown) => (a as { message?: string }).message;
const signedIn = { redirect: "/tickets" };

const userId = async (email: string) => (await db.user.findUniqueOrThrow({ where: { email } })).id;
const mailTo = (address: string) =>
  read.all<{ kind: string; subject: string; text: string; html: string }>(
    `SELECT "kind", "subject", "text", "html" FROM "outbound_mail" WHERE "toAddress" = ? ORDER BY "id"`,
    address,
  );
const linkIn = (text: string, path: string) => {
  const m = new RegExp(`https?://[^\\s/]+${path.replace(/[?]/g, "\\?")}([^\\s]+)`).exec(text);
  if (!m) throw new Error(`no ${path} link in ${text}`);
  return decodeURIComponent(m[1]);
};
const actorOf = async (email: string): Promise<Actor> => {
  const u = await db.user.findUniqueOrThrow({ where: { email } });
  return { id: u.id, name: u.name, role: u.role as Actor["role"] };
};
/** The confirm-address action as `email`'s account, signed in. */
async function confirmAs(email: string, token: string) {
  session.actor = await actorOf(email);
  try {
    return await answer(confirmAddressAction(empty, form({ token })));
  } finally {
    session.actor = null;
  }
}

let n = 0;
/** A fresh client address for each use, so that limits of one test stay in it. */
const freshAddress = () => `198.18.${Math.floor(++n / 250)}.${(n % 250) + 1}`;

beforeAll(async () => {
  // The first account is the admin; the people under test are requesters.
  from(freshAddress());
  expect(await signUp("First Admin", "first@example.com")).toEqual(signedIn);
});

describe("anyone can lock anyone out: no longer", () => {
  it("5 wrong passwords from one address lock that address out of the account; the owner signs in from another", async () => {
    from(freshAddress());
    expect(await signUp("Olive Owner", "olive@example.com")).toEqual(signedIn);
    const attacker = freshAddress();
    from(attacker);
    for (let i = 1; i <= 5; i++) expect(messageOf(await signIn("olive@example.com", `wrong-password-${i}`))).toBe(INVALID);
    // The attacker's address is refused now, even with the right password.
    expect(messageOf(await signIn("olive@example.com", PASSWORD))).toMatch(/^Too many attempts, try again in 15 minutes\.$/);
    // The owner, from an address that has not failed, signs in.
    from(freshAddress());
    expect(await signIn("olive@example.com", PASSWORD)).toEqual(signedIn);
  });

  it("after a reset through the mailed link the new password signs in at once, even from the locked address", async () => {
    from(freshAddress());
    expect(await signUp("Rhea Reset", "rhea@example.com")).toEqual(signedIn);
    const locked = freshAddress();
    from(locked);
    for (let i = 1; i <= 5; i++) await signIn("rhea@example.com", `wrong-password-${i}`);
    expect(messageOf(await signIn("rhea@example.com", PASSWORD))).toMatch(/^Too many attempts/);

    await getAuth(false).api.requestPasswordReset({ body: { email: "rhea@example.com" } });
    const reset = (await mailTo("rhea@example.com")).find((m) => m.kind === "password_reset")!;
    const token = linkIn(reset.text, "/reset-password?token=");
    expect(await answer(resetPasswordAction(empty, form({ token, newPassword: "a brand new passphrase" })))).toEqual({ redirect: "/sign-in?reset=1" });

    expect(await signIn("rhea@example.com", "a brand new passphrase")).toEqual(signedIn);
    // The old one is gone.
    from(freshAddress());
    expect(messageOf(await signIn("rhea@example.com", PASSWORD))).toBe(INVALID);
  });

  it("many addresses guessing one account slow every attempt at it; the owner still gets in", async () => {
    from(freshAddress());
    expect(await signUp("Gail Guessed", "gail@example.com")).toEqual(signedIn);
    for (let i = 0; i < EMAIL_SLOWDOWN.after; i++) {
      from(freshAddress());
      expect(messageOf(await signIn("gail@example.com", `wrong-password-${i}`))).toBe(INVALID);
    }
    from(freshAddress());
    const started = performance.now();
    expect(await signIn("gail@example.com", PASSWORD)).toEqual(signedIn);
    expect(performance.now() - started).toBeGreaterThanOrEqual(EMAIL_SLOWDOWN.delayMs - 50);
  });
});

describe("sign-up", () => {
  it("is throttled per client address (TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS)", async () => {
    const office = freshAddress();
    from(office);
    for (let i = 0; i < 3; i++) expect(await signUp(`Office ${i}`, `office${i}@example.com`)).toEqual(signedIn);
    const refused = await signUp("Office 3", "office3@example.com");
    expect(messageOf(refused)).toMatch(/^Too many accounts were made from your network in the last hour\. Try again in 60 minutes\.$/);
    expect(await db.user.count({ where: { email: "office3@example.com" } })).toBe(0);
    // Another address is not affected.
    from(freshAddress());
    expect(await signUp("Office 3", "office3@example.com")).toEqual(signedIn);
  });

  it("stores a name with line breaks and control characters as one line", async () => {
    from(freshAddress());
    expect(await signUp("Eve\r\nBcc: victim@example.com\r\n\r\nFAKE\u0007BODY", "eve@example.com")).toEqual(signedIn);
    expect((await db.user.findUniqueOrThrow({ where: { email: "eve@example.com" } })).name).toBe("Eve Bcc: victim@example.com FAKE BODY");
  });

  it("with an existing address: refused, counted like a wrong password from that client", async () => {
    from(freshAddress());
    expect(await signUp("Ian Insider", "ian@example.com")).toEqual(signedIn);
    const prober = freshAddress();
    from(prober);
    for (let i = 0; i < 5; i++) {
      const a = await signUp("Impostor", i % 2 ? "IAN@example.com" : "ian@example.com");
      expect(messageOf(a)).toBe("An account with this email already exists. Sign in instead.");
      expect(a).toMatchObject({ fieldErrors: { email: ["An account with this email already exists. Sign in instead."] }, values: { name: "Impostor" } });
    }
    // That client is now locked out of the account, as after five wrong passwords.
    expect(messageOf(await signIn("ian@example.com", PASSWORD))).toMatch(/^Too many attempts/);
    from(freshAddress());
    expect(await signIn("ian@example.com", PASSWORD)).toEqual(signedIn);
  });

  it("with an existing address answers in the time a new account takes", async () => {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    from(freshAddress());
    await signUp("Tim Timing", "tim@example.com");
    const fresh: number[] = [];
    const taken: number[] = [];
    for (let i = 0; i < 7; i++) {
      from(freshAddress());
      let t = performance.now();
      expect(await signUp("Timing New", `timing${i}@example.com`)).toEqual(signedIn);
      fresh.push(performance.now() - t);
      from(freshAddress());
      t = performance.now();
      expect(messageOf(await signUp("Timing Old", "tim@example.com"))).toMatch(/already exists/);
      taken.push(performance.now() - t);
    }
    const ratio = median(taken) / median(fresh);
    // Before: a lookup (a few ms) against a password hash and writes (about 100 ms).
    expect({ fresh: median(fresh), taken: median(taken), ratio }).toMatchObject({ ratio: expect.any(Number) });
    expect(ratio, JSON.stringify({ fresh, taken })).toBeGreaterThan(0.7);
    expect(ratio, JSON.stringify({ fresh, taken })).toBeLessThan(1.5);
  });
});

describe("no mail with attacker-chosen text to an address nobody proved", () => {
  const ATTACKER_NAME = "Help Desk Security Team";
  const ATTACKER_TITLE = "Your mailbox will be closed: confirm at http://evil.example";

  it("a web sign-up gets one proof link and nothing it typed; no acknowledgement until the link is followed", async () => {
    from(freshAddress());
    expect(await signUp(ATTACKER_NAME, "victim0@elsewhere.example")).toEqual(signedIn);
    const victim = await actorOf("victim0@elsewhere.example");
    await createTicket(victim, { title: ATTACKER_TITLE, description: "Log in at http://evil.example", priority: "Medium" });
    await createTicket(victim, { title: `${ATTACKER_TITLE} (2)`, description: "again", priority: "Medium" });
    // Someone asks for a reset link for it too: a link, but no name of theirs.
    await getAuth(false).api.requestPasswordReset({ body: { email: "victim0@elsewhere.example" } });

    const mail = await mailTo("victim0@elsewhere.example");
    expect(mail.map((m) => m.kind)).toEqual(["address_proof", "password_reset"]);
    for (const m of mail) {
      for (const part of [m.subject, m.text, m.html]) {
        expect(part).not.toContain("Help Desk Security");
        expect(part).not.toContain("evil.example");
      }
    }
    const proof = mail[0];
    expect(proof.subject).toBe("Confirm your address");
    expect(proof.text).toMatch(/^Hello,\n/);
    expect(proof.text).toContain("/confirm-address?token=");
    expect(await db.user.findUniqueOrThrow({ where: { email: "victim0@elsewhere.example" } })).toMatchObject({ emailVerified: false });
  });

  it("following the proof link (signed in as that account) proves the address: then mail flows", async () => {
    from(freshAddress());
    expect(await signUp("Pia Proven", "pia@example.com")).toEqual(signedIn);
    const pia = await actorOf("pia@example.com");
    await createTicket(pia, { title: "Before confirming", description: "d", priority: "Low" });
    const token = linkIn((await mailTo("pia@example.com"))[0].text, "/confirm-address?token=");

    // Another signed-in account cannot use it; a forged or mangled one is refused.
    from(freshAddress());
    await signUp("Other Person", "other@example.com");
    expect(messageOf(await confirmAs("other@example.com", token))).toBe(PROOF_LINK_OTHER_ACCOUNT);
    const [h, p, s] = token.split(".");
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url").toString()), email: "other@example.com" })).toString("base64url")}.${s}`;
    expect(messageOf(await confirmAs("pia@example.com", forged))).toBe(PROOF_LINK_INVALID);
    expect(messageOf(await confirmAs("pia@example.com", `${h}.${p}.${s.slice(0, -2)}AA`))).toBe(PROOF_LINK_INVALID);
    expect(messageOf(await confirmAs("pia@example.com", "not a token"))).toBe(PROOF_LINK_INVALID);
    expect((await db.user.findUniqueOrThrow({ where: { email: "pia@example.com" } })).emailVerified).toBe(false);

    expect(await confirmAs("pia@example.com", token)).toEqual({ redirect: "/confirm-address" });
    expect((await db.user.findUniqueOrThrow({ where: { email: "pia@example.com" } })).emailVerified).toBe(true);
    // Twice is no error.
    expect(await confirmAs("pia@example.com", token)).toEqual({ redirect: "/confirm-address" });

    const { number } = await createTicket(pia, { title: "After confirming", description: "d", priority: "Low" });
    const kinds = (await mailTo("pia@example.com")).map((m) => `${m.kind} ${m.subject}`);
    expect(kinds).toEqual(["address_proof Confirm your address", `ticket_created Received: [#${number}] After confirming`]);
  });

  it("the confirm-address action without a session goes to sign-in", async () => {
    await expect(confirmAddressAction(empty, form({ token: "a.b.c" }))).rejects.toThrow(/REDIRECT \/sign-in/);
  });

  it("a requester made from mail keeps getting acknowledgements (no password account)", async () => {
    const outcome = await importMessage(
      new TextEncoder().encode(rawMessage({ from: "Mo Mailer <mo@customer.example>", to: "help@example.com", subject: "Printer on fire", body: "Smoke." })),
      { uidKey: null },
    );
    expect(outcome.kind).toBe("ticket");
    expect((await mailTo("mo@customer.example")).map((m) => m.kind)).toEqual(["ticket_created"]);
  });

  it("an unproven web account of the team hears nothing either; once proven it does", async () => {
    from(freshAddress());
    expect(await signUp("Sam Staff", "sam-staff@example.com")).toEqual(signedIn);
    await db.user.update({ where: { email: "sam-staff@example.com" }, data: { role: "agent" } });
    await db.notificationChoice.create({ data: { userId: await userId("sam-staff@example.com"), kind: "unassigned_ticket", enabled: true } });
    const rita = await actorOf("first@example.com");
    await createTicket({ ...rita, role: "requester" }, { title: "Unassigned one", description: "d", priority: "Low" });
    expect((await mailTo("sam-staff@example.com")).map((m) => m.kind)).toEqual(["address_proof"]);
    await db.user.update({ where: { email: "sam-staff@example.com" }, data: { emailVerified: true } });
    await createTicket({ ...rita, role: "requester" }, { title: "Unassigned two", description: "d", priority: "Low" });
    expect((await mailTo("sam-staff@example.com")).map((m) => m.kind)).toEqual(["address_proof", "unassigned_ticket"]);
  });
});

describe("the owner hears of a sign-up with their address", () => {
  it("by mail, at most three an hour, and only at a proven address", async () => {
    from(freshAddress());
    expect(await signUp("Nora Notice", "nora@example.com")).toEqual(signedIn);
    // Unproven: nothing but the proof link.
    from(freshAddress());
    await signUp("Someone", "nora@example.com");
    expect((await mailTo("nora@example.com")).map((m) => m.kind)).toEqual(["address_proof"]);

    await db.user.update({ where: { email: "nora@example.com" }, data: { emailVerified: true } });
    for (let i = 0; i < 5; i++) {
      from(freshAddress());
      expect(messageOf(await signUp("Someone Else", "nora@example.com"))).toMatch(/already exists/);
    }
    const notices = (await mailTo("nora@example.com")).filter((m) => m.kind === "sign_up_attempt");
    expect(notices).toHaveLength(3);
    expect(notices[0].subject).toBe("Someone tried to create an account with your address");
    expect(notices[0].text).toMatch(/^Hello Nora Notice,/);
    expect(notices[0].text).not.toContain("Someone Else");
    expect(notices[0].text).toContain("/sign-in");
  });

  it("the owner's id is never a guess: an unknown address simply makes an account", async () => {
    from(freshAddress());
    expect(await signUp("New Person", "nobody-yet@example.com")).toEqual(signedIn);
    expect(await userId("nobody-yet@example.com")).toBeTruthy();
  });
});
