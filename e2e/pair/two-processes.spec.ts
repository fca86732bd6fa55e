import { expect, test, type Browser, type Page } from "@playwright/test";
import { ACCOUNTS, PASSWORD } from "../accounts";
import { PORT } from "../env";
import { linkIn, mailTo, waitForMail } from "../mail";

// Two servers, nginx and real mail (a proof link, then an acknowledgement): room on a busy machine.
test.describe.configure({ timeout: 90_000 });

/**
 * Two Triage processes on one PostgreSQL database (playwright.config.ts starts the second on
 * PORT + 1, from a build of its own, and nginx in front of both, taking them in turn): whatever one
 * process does, the other knows at once, because nothing is kept per process; and a page from one
 * posts its forms to the other, because both builds name their actions and files alike
 * (server/build-identity.ts). Run only on PostgreSQL (npm test).
 */
const A = `http://localhost:${PORT}`;
const B = `http://localhost:${PORT + 1}`;

async function signedIn(browser: Browser, role: keyof typeof ACCOUNTS): Promise<Page> {
  // Cookies belong to the host, not the port: a session made on A is sent to B too.
  return (await browser.newContext({ storageState: ACCOUNTS[role].file })).newPage();
}

/** The form's alert (Next.js's route announcer is an empty alert too). */
const alertOf = (page: Page) => page.getByRole("alert").and(page.locator(":not(#__next-route-announcer__)"));

const word = () => `pair${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Someone new signs up on `base` in a browser of their own; their page is on the list. */
async function signUp(browser: Browser, base: string, name: string, email = `${word()}@example.test`) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/sign-up`);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
  return { page, email };
}

async function createTicket(page: Page, base: string, title: string) {
  await page.goto(`${base}/tickets/new`);
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Description").fill("Made on one process, read on the other.");
  await page.getByRole("button", { name: "Create ticket" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Ticket #\d+ created/ })).toBeVisible();
  return Number(/\/tickets\/(\d+)/.exec(page.url())![1]);
}

test("two separate builds name their server actions, build and script files alike", async ({ request }) => {
  const names = async (base: string) => {
    const html = await (await request.get(`${base}/sign-in`)).text();
    return {
      // A form's action is named in the page (a hidden $ACTION_ field, or the id in its JSON).
      actions: [...new Set(html.match(/\b[0-9a-f]{40,}\b/g) ?? [])].sort(),
      scripts: [...new Set(html.match(/\/_next\/static\/[^"'\s]+\.js/g) ?? [])].sort(),
      build: /"b":"([^"]+)"/.exec(html.replace(/\\"/g, '"'))?.[1] ?? null,
    };
  };
  const [a, b] = [await names(A), await names(B)];
  expect(a.actions.length).toBeGreaterThan(0);
  expect(a.scripts.length).toBeGreaterThan(0);
  expect(b).toEqual(a);
});

test("a session made on one process is good on the other, and signing out on one ends it on both", async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${A}/sign-in`);
  await page.getByLabel("Email").fill(ACCOUNTS.agent.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
  await page.goto(`${B}/tickets`);
  await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto(`${A}/tickets`);
  await expect(page).toHaveURL(/\/sign-in/);
});

test("a ticket created through one process is on the other's list and page at once", async ({ browser }) => {
  const page = await signedIn(browser, "agent");
  const title = `Printer ${word()}`;
  const n = await createTicket(page, A, title);
  await page.goto(`${B}/tickets?q=${encodeURIComponent(title.split(" ")[1])}`);
  await expect(page.getByRole("link", { name: title })).toBeVisible();
  await expect(page.getByText("Showing 1–1 of 1 tickets")).toBeVisible();
  await page.goto(`${B}/tickets/${n}`);
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
});

test("a file uploaded through one process is served by the other, whole (PostgreSQL keeps the bytes, no shared disk)", async ({ browser }) => {
  const page = await signedIn(browser, "agent");
  const n = await createTicket(page, A, `Files ${word()}`);
  const bytes = Buffer.from(Array.from({ length: 700_000 }, (_, i) => (i * 31) % 256));
  await page.getByLabel("Comment").fill("The dump, uploaded through A.");
  await page.getByLabel("Attachments").setInputFiles([{ name: "dump.bin", mimeType: "application/octet-stream", buffer: bytes }]);
  await page.getByRole("button", { name: "Add comment" }).click();
  await expect(page.getByText("Comment added.")).toBeVisible();
  const href = (await page.getByRole("list", { name: "Attachments" }).getByRole("link", { name: "dump.bin" }).getAttribute("href"))!;
  // B shows it and serves the same bytes.
  await page.goto(`${B}/tickets/${n}`);
  await expect(page.getByRole("list", { name: "Attachments" }).getByRole("link", { name: "dump.bin" })).toBeVisible();
  const fromB = await page.request.get(`${B}${href}`);
  expect(fromB.status()).toBe(200);
  expect((await fromB.body()).equals(bytes)).toBe(true);
  // Through nginx, which takes the two in turn (signed in over HTTPS: another cookie), twice.
  const tls = await (await browser.newContext()).newPage();
  await tls.goto("/sign-in");
  await tls.getByLabel("Email").fill(ACCOUNTS.agent.email);
  await tls.getByLabel("Password").fill(PASSWORD);
  await tls.getByRole("button", { name: "Sign in" }).click();
  await expect(tls.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
  for (let i = 0; i < 2; i++) {
    const got = await tls.request.get(href);
    expect(got.status()).toBe(200);
    expect((await got.body()).equals(bytes)).toBe(true);
  }
});

test("someone who signs up on one process is in the other's Requester filter at once", async ({ browser }) => {
  const name = `Newcomer ${word()}`;
  const { email } = await signUp(browser, A, name);
  const agent = await signedIn(browser, "agent");
  // Suggested as an agent types the name, and found by the typed email.
  const suggested = await agent.request.get(`${B}/people/suggest?${new URLSearchParams({ q: name })}`);
  expect((await suggested.json()).people).toContainEqual({ email, name });
  await agent.goto(`${B}/tickets?${new URLSearchParams({ requester: email })}`);
  await expect(agent.getByLabel("Requester", { exact: true })).toHaveValue(email);
  await expect(agent.getByLabel("Requester", { exact: true })).not.toHaveAttribute("aria-invalid", "true");
});

test("wrong passwords count across processes: five on one lock the account on the other", async ({ browser }) => {
  const { email } = await signUp(browser, A, "Locked Out");
  const page = await (await browser.newContext()).newPage();
  for (let i = 1; i <= 5; i++) {
    await page.goto(`${i % 2 ? A : B}/sign-in`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(`wrong-${i}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(alertOf(page)).toHaveText(/Invalid email or password|Too many attempts/);
  }
  await page.goto(`${B}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(alertOf(page)).toHaveText(/Too many attempts, try again in \d+ minutes?/);
});

test("through nginx taking the two in turn, a whole visit works: sign in, create, comment, find", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(ACCOUNTS.agent.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
  const title = `VPN ${word()}`;
  const n = await createTicket(page, "", title);
  await page.getByLabel("Comment").fill("Restarted the router; still dropping.");
  await page.getByRole("button", { name: "Add comment" }).click();
  await expect(page.getByText("Restarted the router; still dropping.")).toBeVisible();
  for (let i = 0; i < 4; i++) {
    await page.goto(`/tickets?q=${encodeURIComponent(title.split(" ")[1])}`);
    await expect(page.getByRole("link", { name: title })).toBeVisible();
    await page.goto(`/tickets/${n}`);
    await expect(page.getByText("Restarted the router; still dropping.")).toBeVisible();
  }
});

test("mail goes out once, though both processes run the outbox", async ({ browser }) => {
  // Someone new (the shared requester may have had this hour's acknowledgements already).
  const { page, email } = await signUp(browser, A, "Once Only");
  // The desk mails an address nothing but its proof link until the link is followed. Opened on A,
  // where the session was made (the baseURL is nginx over HTTPS, whose session cookie is another).
  await page.goto(`${A}${linkIn(await waitForMail(email, "Confirm your address"), "/confirm-address?token=")}`);
  await page.getByRole("button", { name: "Confirm address" }).click();
  await expect(page.getByRole("status")).toContainText("is confirmed");
  const title = `Acknowledged once ${word()}`;
  await createTicket(page, B, title);
  await waitForMail(email, new RegExp(title));
  // Both workers look every second: time enough for the other to send it again, if it would.
  await page.waitForTimeout(4000);
  const copies = (await mailTo(email)).filter((m) => (m.email.subject ?? "").includes(title));
  expect(copies).toHaveLength(1);
});
