import type { Browser, Page } from "@playwright/test";
import { test, expect, unique } from "./fixtures";
import { ACCOUNTS } from "./accounts";

/**
 * Accounts and sessions: sign-up, sign-in, coming back to the page asked for, throttling,
 * sign-out, the session cookie and the security headers. Fresh accounts get unique emails, so
 * that nothing here depends on (or changes) the shared accounts.
 */

/** The form's alert (Next.js also keeps an alert of its own, announcing each new page's title). */
const alertOf = (page: Page) => page.getByRole("alert").and(page.locator(":not(#__next-route-announcer__)"));

// Most tests create an account first; the shared test machine can be slow.
test.describe.configure({ timeout: 60_000 });

const freshEmail = (prefix: string) => `${unique(prefix)}@example.test`;

/**
 * Submits a form with a button and waits until the answer is on the page: without JavaScript a
 * new page; with it, the form re-rendered and reset (the password emptied), so that what is typed
 * next is not wiped by a reset still to come.
 */
async function submit(page: Page, button: string) {
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST"),
    page.getByRole("button", { name: button }).click(),
  ]);
  await expect(page.getByLabel("Password")).toHaveValue("");
  await expect(page.getByRole("button", { name: button })).toBeEnabled();
}

async function fillSignUp(page: Page, a: { name: string; email: string; password: string }) {
  await page.getByLabel("Name").fill(a.name);
  await page.getByLabel("Email").fill(a.email);
  await page.getByLabel("Password").fill(a.password);
}

async function fillSignIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
}

/** Creates an account in a throwaway context (then closed): the caller signs in with it. */
async function createAccount(browser: Browser, javaScriptEnabled: boolean, prefix = "user") {
  const account = { name: `Fresh ${unique("n")}`, email: freshEmail(prefix), password: `pw-${unique("p")}-long` };
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await page.goto("/sign-up");
  await fillSignUp(page, account);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Tickets" })).toBeVisible();
  await context.close();
  return account;
}

test.describe("sign-up", () => {
  test("creates an account, signs in and lands on the tickets", async ({ page }) => {
    const email = freshEmail("signup");
    await page.goto("/sign-up");
    await fillSignUp(page, { name: "Sam Signup", email, password: "a-good-password" });
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/tickets$/);
    await expect(page.getByRole("heading", { name: "Tickets" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    // A new account is a requester, not staff.
    await expect(page.getByText("Sam Signup")).toBeVisible();
    await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
  });

  test("a 9-character password is refused next to the field; name and email are kept; nothing is stored", async ({ page }) => {
    const email = freshEmail("short");
    await page.goto("/sign-up");
    await fillSignUp(page, { name: "Shorty Person", email, password: "123456789" });
    await submit(page, "Create account");

    await expect(page).toHaveURL(/\/sign-up/);
    const password = page.getByLabel("Password");
    await expect(password).toHaveAttribute("aria-invalid", "true");
    const describedBy = (await password.getAttribute("aria-describedby")) ?? "";
    expect(describedBy).not.toBe("");
    const descriptions = await Promise.all(
      describedBy.split(/\s+/).map((id) => page.locator(`[id="${id}"]`).innerText()),
    );
    expect(descriptions.join(" ")).toMatch(/10/);
    await expect(password).toHaveAccessibleDescription(/at least 10 characters/i);
    await expect(page.getByLabel("Name")).toHaveValue("Shorty Person");
    await expect(page.getByLabel("Email")).toHaveValue(email);
    await expect(page.getByLabel("Name")).not.toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Email")).not.toHaveAttribute("aria-invalid", "true");

    // Nothing was stored: the same email can still sign up, with a long enough password.
    await page.getByLabel("Password").fill("1234567890");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { name: "Tickets" })).toBeVisible();
  });

  test("a 129-character password is refused", async ({ page }) => {
    await page.goto("/sign-up");
    // The field stops typing at 128 characters; the server must refuse a longer one all the same.
    await page.getByLabel("Password").evaluate((el) => el.removeAttribute("maxlength"));
    await fillSignUp(page, { name: "Longo", email: freshEmail("long"), password: "x".repeat(129) });
    await expect(page.getByLabel("Password")).toHaveValue("x".repeat(129));
    await submit(page, "Create account");
    await expect(page).toHaveURL(/\/sign-up/);
    await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Password")).toHaveAccessibleDescription(/128/);
    await expect(page.getByLabel("Name")).toHaveValue("Longo");
  });

  test("an email already in use is refused, whatever its case", async ({ page }) => {
    await page.goto("/sign-up");
    await fillSignUp(page, { name: "Impostor", email: ACCOUNTS.admin.email.toUpperCase(), password: "a-good-password" });
    await submit(page, "Create account");
    await expect(page).toHaveURL(/\/sign-up/);
    const email = page.getByLabel("Email");
    await expect(email).toHaveAttribute("aria-invalid", "true");
    await expect(email).toHaveAccessibleDescription(/already exists/i);
    await expect(email).toHaveValue(ACCOUNTS.admin.email.toUpperCase());
    await expect(page.getByLabel("Name")).toHaveValue("Impostor");
    await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
  });

  test("a fresh account's email is taken once used, in mixed case too", async ({ page, browser, javaScriptEnabled }) => {
    const account = await createAccount(browser, javaScriptEnabled, "dup");
    await page.goto("/sign-up");
    const mixed = account.email.replace(/^(.)(.*)@example\.test$/, (_, a: string, b: string) => `${a.toUpperCase()}${b}@Example.TEST`);
    await fillSignUp(page, { name: "Second", email: mixed, password: "another-good-password" });
    await submit(page, "Create account");
    await expect(page).toHaveURL(/\/sign-up/);
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await expect(alertOf(page)).toContainText(/already exists/i);
  });
});

test.describe("sign-in", () => {
  test("an anonymous visit goes to sign-in and comes back to the page asked for", async ({ page, browser, javaScriptEnabled }) => {
    const account = await createAccount(browser, javaScriptEnabled, "next");
    await page.goto("/tickets/new?x=1");
    await expect(page).toHaveURL(/\/sign-in\?next=/);
    expect(new URL(page.url()).searchParams.get("next")).toBe("/tickets/new?x=1");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

    await fillSignIn(page, account.email, account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/tickets\/new\?x=1$/);
    await expect(page.getByRole("heading", { name: "New ticket" })).toBeVisible();
  });

  for (const evil of ["https://evil.example", "//evil.example", "https://evil.example/tickets"]) {
    test(`next=${evil} is ignored: sign-in lands on /tickets`, async ({ page, browser, javaScriptEnabled, baseURL }) => {
      const account = await createAccount(browser, javaScriptEnabled, "evil");
      await page.goto(`/sign-in?next=${encodeURIComponent(evil)}`);
      await fillSignIn(page, account.email, account.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByRole("heading", { name: "Tickets" })).toBeVisible();
      const url = new URL(page.url());
      expect(url.origin).toBe(new URL(baseURL!).origin);
      expect(url.pathname).toBe("/tickets");
    });
  }

  test("/ sends anonymous people to sign-in and signed-in people to the tickets", async ({ page, as }) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

    const rita = await as("requester");
    await rita.goto("/");
    await expect(rita).toHaveURL(/\/tickets$/);
    await expect(rita.getByRole("heading", { name: "Tickets" })).toBeVisible();
  });

  test("an unknown email and a wrong password get the same answer", async ({ page, browser, javaScriptEnabled }) => {
    const account = await createAccount(browser, javaScriptEnabled, "wrong");
    await page.goto("/sign-in");

    await fillSignIn(page, freshEmail("nobody"), "some-password-here");
    await submit(page, "Sign in");
    await expect(alertOf(page)).toHaveText("Invalid email or password");
    await expect(page).toHaveURL(/\/sign-in/);

    await fillSignIn(page, account.email, `${account.password}x`);
    await submit(page, "Sign in");
    await expect(alertOf(page)).toHaveText("Invalid email or password");
    await expect(page.getByLabel("Email")).toHaveValue(account.email);
    await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
  });

  test("after 5 wrong passwords even the right one is refused for a while", async ({ page, browser, javaScriptEnabled }) => {
    const account = await createAccount(browser, javaScriptEnabled, "throttle");
    await page.goto("/sign-in");
    for (let i = 1; i <= 5; i++) {
      await fillSignIn(page, account.email, `wrong-password-${i}`);
      await submit(page, "Sign in");
      // The fifth failure may already announce the lockout.
      await expect(alertOf(page)).toHaveText(i < 5 ? "Invalid email or password" : /Invalid email or password|Too many attempts/);
    }
    await fillSignIn(page, account.email, account.password);
    await submit(page, "Sign in");
    await expect(alertOf(page)).toHaveText(/Too many attempts, try again in \d+ minutes?/);
    await expect(page).toHaveURL(/\/sign-in/);
    await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);

    // Another browser gets the same answer: the lockout is the account's, not the cookie's.
    const context = await browser.newContext({ javaScriptEnabled });
    const other = await context.newPage();
    await other.goto("/sign-in");
    await fillSignIn(other, account.email.toUpperCase(), account.password);
    await submit(other, "Sign in");
    await expect(alertOf(other)).toHaveText(/Too many attempts, try again in \d+ minutes?/);
    await context.close();
  });
});

test.describe("sessions", () => {
  test("every signed-in page has a Sign out button", async ({ as, tickets }) => {
    const ada = await as("admin");
    const number = await tickets.create(ada, { title: `Sign-out check ${unique()}` });
    for (const path of ["/tickets", "/tickets/new", `/tickets/${number}`, "/admin/users"]) {
      await ada.goto(path);
      await expect(ada.getByRole("button", { name: "Sign out" }), path).toBeVisible();
    }
    const rita = await as("requester");
    for (const path of ["/tickets", "/tickets/new"]) {
      await rita.goto(path);
      await expect(rita.getByRole("button", { name: "Sign out" }), path).toBeVisible();
    }
    // Not-found pages too: a signed-in person can still sign out from them.
    for (const path of ["/tickets/999999999", "/admin/users"]) {
      await rita.goto(path);
      await expect(rita.getByRole("heading", { level: 1 }), path).toBeVisible();
      await expect(rita.getByRole("button", { name: "Sign out" }), path).toBeVisible();
    }
  });

  test("an unknown address, signed in, still offers Sign out", async ({ as }) => {
    const rita = await as("requester");
    const res = await rita.goto("/no-such-page");
    expect(res?.status()).toBe(404);
    await expect(rita.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(rita.getByRole("button", { name: "Sign out" })).toBeVisible();
  });

  test("signing out ends the session on the server, not only in the browser", async ({ page, browser, javaScriptEnabled }) => {
    const account = await createAccount(browser, javaScriptEnabled, "signout");
    await page.goto("/sign-in");
    await fillSignIn(page, account.email, account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Tickets" })).toBeVisible();
    const cookies = await page.context().cookies();
    expect(cookies.some((c) => /triage\.session_token$/.test(c.name))).toBe(true);

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

    const replay = await browser.newContext({ javaScriptEnabled });
    await replay.addCookies(cookies);
    const stale = await replay.newPage();
    await stale.goto("/tickets");
    await expect(stale).toHaveURL(/\/sign-in/);
    await expect(stale.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await expect(stale.getByRole("button", { name: "Sign out" })).toHaveCount(0);
    await replay.close();
  });

  test("the session cookie is HttpOnly and SameSite=Lax", async ({ page, browser, javaScriptEnabled }) => {
    const account = await createAccount(browser, javaScriptEnabled, "cookie");
    await page.goto("/sign-in");
    await fillSignIn(page, account.email, account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Tickets" })).toBeVisible();
    const session = (await page.context().cookies()).filter((c) => /triage\.session_token$/.test(c.name));
    expect(session).toHaveLength(1);
    expect(session[0].httpOnly).toBe(true);
    expect(session[0].sameSite).toBe("Lax");
    expect(session[0].path).toBe("/");
  });
});

test.describe("security headers", () => {
  function checkHeaders(headers: Record<string, string>, where: string) {
    const csp = headers["content-security-policy"] ?? "";
    expect(csp, where).toContain("frame-ancestors 'none'");
    const scriptSrc = csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src")) ?? "";
    expect(scriptSrc, where).toMatch(/'nonce-[A-Za-z0-9+/=_-]{16,}'/);
    expect(scriptSrc, where).not.toContain("'unsafe-inline'");
    expect(headers["x-content-type-options"], where).toBe("nosniff");
    expect(headers["referrer-policy"], where).toBe("strict-origin-when-cross-origin");
    return /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
  }

  test("/sign-in and /tickets send CSP with a nonce, nosniff and a strict referrer policy", async ({ page, as, javaScriptEnabled }) => {
    const cspErrors: string[] = [];
    const watch = (p: Page) => p.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    watch(page);
    const signIn = await page.goto("/sign-in");
    expect(signIn?.status()).toBe(200);
    const first = checkHeaders(signIn!.headers(), "/sign-in");
    const again = await page.goto("/sign-in");
    const second = checkHeaders(again!.headers(), "/sign-in again");
    expect(second, "a fresh nonce on every response").not.toBe(first);

    const rita = await as("requester");
    watch(rita);
    const list = await rita.goto("/tickets");
    expect(list?.status()).toBe(200);
    expect(new URL(rita.url()).pathname).toBe("/tickets");
    checkHeaders(list!.headers(), "/tickets");
    // A page the proxy also runs for (a ticket page, here one that is not there), and its 404.
    const missing = await rita.goto("/tickets/999999999");
    expect(missing?.status()).toBe(404);
    checkHeaders(missing!.headers(), "/tickets/999999999 (404)");
    await expect(rita.getByRole("heading", { name: "Ticket not found" })).toBeVisible();
    await rita.goto("/tickets");

    if (javaScriptEnabled) {
      // The app's own scripts carry the nonce, so the policy blocks nothing of ours.
      await rita.getByRole("link", { name: "New ticket" }).click();
      await expect(rita.getByRole("heading", { name: "New ticket" })).toBeVisible();
      expect(cspErrors).toEqual([]);
    }
  });
});
