import { randomInt } from "node:crypto";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { test, expect, unique } from "./fixtures";
import { PORT } from "./env";
import { freshServer } from "./fresh-server";
import { linkIn, mailTo, waitForMail } from "./mail";

/**
 * Issue 20, accounts, as an attacker would go at them: wrong passwords sent to lock an owner out,
 * sign-ups with strangers' addresses and attacker-chosen names and titles, sign-ups to learn who
 * has an account, and a freshly started server whose first request is the CSV export. The e2e
 * server trusts X-Forwarded-For from this machine (playwright.config.ts), so each browser context
 * below claims a client address of its own.
 */

// Sign-ups, mail and (below) a server of our own: the shared machine can be slow.
test.describe.configure({ timeout: 120_000 });

const PASSWORD = "a long enough password";
const NEW_PASSWORD = "a brand new passphrase";

/** The form's alert (Next.js keeps an alert of its own, announcing each new page's title). */
const alertOf = (page: Page) => page.getByRole("alert").and(page.locator(":not(#__next-route-announcer__)"));

/** A client address of this test's own (198.18.0.0/15 is for benchmarks; no real client has one). */
const someAddress = () => `198.${18 + randomInt(2)}.${randomInt(256)}.${1 + randomInt(254)}`;

type Ctx = { browser: Browser; javaScriptEnabled: boolean; baseURL?: string };

/** A browser context of its own that claims to come from a client address of its own (through the trusted local proxy). */
async function clientAt({ browser, javaScriptEnabled, baseURL }: Ctx): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled, baseURL, extraHTTPHeaders: { "x-forwarded-for": someAddress() } });
  return context.newPage();
}

async function signUp(page: Page, a: { name: string; email: string; password?: string }) {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(a.name);
  await page.getByLabel("Email").fill(a.email);
  await page.getByLabel("Password").fill(a.password ?? PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signed in, on the list (a sign-up hashes a password and writes; the shared machine can be slow). */
const tickets = (page: Page) => expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible({ timeout: 20_000 });
const closeAll = (...pages: Page[]) => Promise.all(pages.map((p) => p.context().close()));

test("wrong passwords from one address do not lock the owner out; after a reset the new password signs in at once", async ({ browser, javaScriptEnabled, baseURL }) => {
  const c = { browser, javaScriptEnabled, baseURL };
  const email = `${unique("owner")}@example.test`;
  const owner = await clientAt(c);
  await signUp(owner, { name: "Olive Owner", email });
  await tickets(owner);
  await owner.context().close();

  // Five wrong passwords from the attacker's address: that address is locked out of the account.
  const attacker = await clientAt(c);
  for (let i = 1; i <= 5; i++) {
    await signIn(attacker, email, `wrong-password-${i}`);
    await expect(alertOf(attacker)).toHaveText("Invalid email or password");
  }
  await signIn(attacker, email, PASSWORD);
  await expect(alertOf(attacker)).toHaveText(/^Too many attempts, try again in 15 minutes\.$/);

  // The owner, from an address that never failed, signs in with the right password.
  const again = await clientAt(c);
  await signIn(again, email, PASSWORD);
  await tickets(again);
  await again.context().close();

  // A reset through the mailed link: the new password works at once, from anywhere, even the
  // address that was locked out.
  const forgot = await clientAt(c);
  await forgot.goto("/forgot-password");
  await forgot.getByLabel("Email").fill(email);
  await forgot.getByRole("button", { name: "Send reset link" }).click();
  await expect(forgot.getByRole("status")).toContainText("If an account uses that address");
  const reset = await waitForMail(email, "Reset your Triage password");
  await forgot.goto(linkIn(reset, "/reset-password?token="));
  await forgot.getByLabel("New password").fill(NEW_PASSWORD);
  await forgot.getByRole("button", { name: "Set password" }).click();
  await expect(forgot.getByRole("status")).toHaveText("Your new password is set. Sign in with it.");
  await signIn(attacker, email, NEW_PASSWORD);
  await tickets(attacker);
  await closeAll(attacker, forgot);
});

test("a sign-up with a stranger's address: the desk mails it one proof link and nothing the attacker typed", async ({ browser, javaScriptEnabled, baseURL, tickets: t }) => {
  const c = { browser, javaScriptEnabled, baseURL };
  const name = "Help Desk Security Team";
  const title = `Your mailbox will be closed: confirm at http://evil.example/${unique()}`;
  const email = `${unique("victim")}@elsewhere.example`;
  const page = await clientAt(c);
  await signUp(page, { name, email });
  await tickets(page);
  // Signed in at once, and free to open tickets as ever.
  const first = await t.create(page, { title, description: "Log in at http://evil.example to keep your mailbox." });

  const proof = await waitForMail(email, "Confirm your address");
  for (const part of [proof.email.subject ?? "", proof.email.text ?? "", proof.email.html ?? ""]) {
    expect(part).not.toContain("Security Team");
    expect(part).not.toContain("evil.example");
  }
  expect(proof.email.text).toMatch(/^Hello,/);

  // The owner of the mailbox follows the link, signed in as the account: the address is proven.
  await page.goto(linkIn(proof, "/confirm-address?token="));
  await expect(page.getByRole("heading", { name: "Confirm your address", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Confirm address" }).click();
  await expect(page.getByRole("status")).toContainText(`Your address ${email} is confirmed`);

  // From now on the desk mails it as anyone; the first ticket was never acknowledged.
  const second = await t.create(page, { title: `After confirming ${unique()}` });
  await waitForMail(email, new RegExp(`^Received: \\[#${second}\\] After confirming`));
  const subjects = (await mailTo(email)).map((m) => m.email.subject ?? "");
  expect(subjects.filter((s) => s.includes(`[#${first}]`))).toEqual([]);
  expect(subjects).toHaveLength(2);
  await page.context().close();
});

test("a proof link opened while signed out asks for sign-in first, then confirms", async ({ browser, javaScriptEnabled, baseURL }) => {
  const c = { browser, javaScriptEnabled, baseURL };
  const email = `${unique("later")}@example.test`;
  const maker = await clientAt(c);
  await signUp(maker, { name: "Lena Later", email });
  await tickets(maker);
  await maker.context().close();
  const proof = await waitForMail(email, "Confirm your address");

  const page = await clientAt(c);
  await page.goto(linkIn(proof, "/confirm-address?token="));
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fconfirm-address/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Confirm your address", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Confirm address" }).click();
  await expect(page.getByRole("status")).toContainText("is confirmed");
  await page.context().close();
});

test("signing up with a known address: refused, counted like a wrong password, and the owner is told", async ({ browser, javaScriptEnabled, baseURL }) => {
  const c = { browser, javaScriptEnabled, baseURL };
  const email = `${unique("known")}@example.test`;
  const owner = await clientAt(c);
  await signUp(owner, { name: "Kim Known", email });
  await tickets(owner);
  await owner.goto(linkIn(await waitForMail(email, "Confirm your address"), "/confirm-address?token="));
  await owner.getByRole("button", { name: "Confirm address" }).click();
  await expect(owner.getByRole("status")).toContainText("is confirmed");
  await owner.context().close();

  const prober = await clientAt(c);
  for (let i = 0; i < 5; i++) {
    await signUp(prober, { name: "Prober", email: i % 2 ? email.toUpperCase() : email });
    await expect(alertOf(prober)).toHaveText("An account with this email already exists. Sign in instead.");
  }
  // That client is now locked out of the account, as after five wrong passwords.
  await signIn(prober, email, PASSWORD);
  await expect(alertOf(prober)).toHaveText(/^Too many attempts/);
  await prober.context().close();

  const notice = await waitForMail(email, "Someone tried to create an account with your address");
  expect(notice.email.text).toContain("Hello Kim Known,");
  expect(notice.email.text).not.toContain("Prober");
  // At most three such notices an hour.
  await expect.poll(async () => (await mailTo(email)).filter((m) => m.email.subject === notice.email.subject).length).toBe(3);
  await new Promise((r) => setTimeout(r, 1500));
  expect((await mailTo(email)).filter((m) => m.email.subject === notice.email.subject)).toHaveLength(3);
});

test("a fresh server whose first request is the export still answers a wrong password with the message, never a 500", async ({ browser, javaScriptEnabled, request }, testInfo) => {
  // Only the sign-up limit is set: what matters is which request the process handles first.
  const server = await freshServer(PORT + (testInfo.project.name === "nojs" ? 3 : 2), { TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS: "2" });
  try {
    const failures: string[] = [];
    const watch = (p: Page) => p.on("response", (r) => void (r.status() >= 500 && failures.push(`${r.status()} ${r.request().method()} ${r.url()}`)));

    // The first request this process handles: the export, with a session cookie (any will do).
    const exported = await request.get(`${server.url}/tickets/export`, { headers: { cookie: "triage.session_token=abc.def" }, maxRedirects: 0 });
    expect(exported.status()).toBe(303);

    const context: BrowserContext = await browser.newContext({ javaScriptEnabled, baseURL: server.url });
    const page = await context.newPage();
    watch(page);
    await signUp(page, { name: "Fresh First", email: "fresh-first@example.test" });
    await tickets(page);
    await context.close();

    const other = await browser.newContext({ javaScriptEnabled, baseURL: server.url });
    const guest = await other.newPage();
    watch(guest);
    await signIn(guest, "fresh-first@example.test", "not the password");
    await expect(alertOf(guest)).toHaveText("Invalid email or password");
    await signIn(guest, "nobody@example.test", "not the password");
    await expect(alertOf(guest)).toHaveText("Invalid email or password");
    // A sign-up with a known address is an expected failure too.
    await signUp(guest, { name: "Second", email: "fresh-first@example.test" });
    await expect(alertOf(guest)).toHaveText("An account with this email already exists. Sign in instead.");

    // And this server allows two new accounts an hour from one address (TRIAGE_SIGNUPS_PER_HOUR_PER_ADDRESS=2):
    // the first account and one more; the refusal above did not count.
    await signUp(guest, { name: "Fresh Second", email: "fresh-second@example.test" });
    await tickets(guest);
    await other.clearCookies();
    await signUp(guest, { name: "Fresh Third", email: "fresh-third@example.test" });
    await expect(alertOf(guest)).toHaveText(/^Too many accounts were made from your network in the last hour\. Try again in \d+ minutes?\.$/);
    await other.close();
    expect(failures).toEqual([]);
  } finally {
    await server.stop();
  }
});
