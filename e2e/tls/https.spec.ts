import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { ACCOUNTS, PASSWORD } from "../accounts";

/**
 * Triage behind a TLS reverse proxy (nginx and Caddy, configured from README.md's snippets by
 * scripts/e2e-proxy.mjs): accounts, tickets (with a file larger than a proxy takes by default) and
 * a missing ticket's 404, with JavaScript on and off.
 * Sessions made over plain HTTP carry another cookie name, so every test signs in here.
 */

// Each test signs up or in through the proxy first; one uploads 12 MB: room on a busy machine.
test.describe.configure({ timeout: 60_000 });

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function signUp(page: Page) {
  const email = `tls-${unique()}@example.test`;
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Tess Tls");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Tickets" })).toBeVisible();
  return email;
}

async function signIn(page: Page, email: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Tickets" })).toBeVisible();
}

test("sign up, sign out and sign in again over HTTPS, with a Secure session cookie", async ({ page, context, baseURL }) => {
  expect(baseURL).toMatch(/^https:/);
  const email = await signUp(page);
  const cookie = (await context.cookies()).find((c) => c.name.endsWith("triage.session_token"));
  expect(cookie?.name).toBe("__Secure-triage.session_token");
  expect(cookie?.secure).toBe(true);
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await page.goto("/tickets");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Ftickets/);
  await signIn(page, email);
  expect(new URL(page.url()).protocol).toBe("https:");
});

test("create a ticket, comment on it and find it over HTTPS", async ({ page }) => {
  await signUp(page);
  const title = `Printer over TLS ${unique()}`;
  await page.goto("/tickets/new");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Description").fill("Line one\nLine two");
  await page.getByLabel("Priority").selectOption("High");
  await page.getByRole("button", { name: "Create ticket" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Ticket #\d+ created/ })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();

  // With a 12 MB file: the snippets take posts up to 30 MB (25 MB of files and the text).
  const dump = test.info().outputPath("printer.dump");
  fs.mkdirSync(path.dirname(dump), { recursive: true });
  fs.writeFileSync(dump, "");
  fs.truncateSync(dump, 12 * 1024 * 1024);
  await page.getByLabel("Comment").fill("Still broken over HTTPS");
  await page.getByLabel("Attachments").setInputFiles(dump);
  await page.getByRole("button", { name: "Add comment" }).click();
  await expect(page.getByText("Comment added.")).toBeVisible({ timeout: 30_000 });
  await expect(page.locator(".comment-body").filter({ hasText: "Still broken over HTTPS" })).toBeVisible();
  const file = page.getByRole("list", { name: "Attachments" }).getByRole("listitem");
  await expect(file).toContainText("12 MB");
  const download = await page.request.get((await file.getByRole("link", { name: "printer.dump" }).getAttribute("href"))!);
  expect(download.headers()["content-length"]).toBe(String(12 * 1024 * 1024));

  await page.goto(`/tickets?q=${encodeURIComponent(title)}`);
  await expect(page.getByRole("link", { name: title })).toBeVisible();
});

test("an agent saves a change over HTTPS", async ({ page, browser, baseURL }) => {
  await signUp(page);
  await page.goto("/tickets/new");
  const title = `Agent over TLS ${unique()}`;
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Description").fill("Please look");
  await page.getByRole("button", { name: "Create ticket" }).click();
  await expect(page.getByRole("status").filter({ hasText: /created/ })).toBeVisible();
  const url = page.url().replace(/\?.*$/, "");

  const agentContext = await browser.newContext({ baseURL, ignoreHTTPSErrors: true, javaScriptEnabled: test.info().project.use.javaScriptEnabled });
  const agent = await agentContext.newPage();
  await signIn(agent, ACCOUNTS.agent.email);
  await agent.goto(url);
  await agent.getByLabel("Status").selectOption("In progress");
  await agent.getByRole("button", { name: "Save changes" }).click();
  await expect(agent.getByText("Saved. Status changed from Open to In progress.")).toBeVisible();
  await agentContext.close();

  await page.reload();
  await expect(page.getByRole("complementary", { name: "Details" }).getByText("In progress")).toBeVisible();
});

test("a missing ticket and someone else's answer 404 with a real page over HTTPS", async ({ page, browser, baseURL }) => {
  await signUp(page);
  const missing = await page.goto("/tickets/99999999");
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Ticket not found" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

  // Someone else's ticket looks exactly the same.
  const otherContext = await browser.newContext({ baseURL, ignoreHTTPSErrors: true });
  const other = await otherContext.newPage();
  await signUp(other);
  await other.goto("/tickets/new");
  await other.getByLabel("Title").fill("Private matter");
  await other.getByLabel("Description").fill("Not for Tess");
  await other.getByRole("button", { name: "Create ticket" }).click();
  await expect(other.getByRole("status").filter({ hasText: /created/ })).toBeVisible();
  const theirs = new URL(other.url()).pathname;
  await otherContext.close();

  const hidden = await page.goto(theirs);
  expect(hidden?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Ticket not found" })).toBeVisible();
  await expect(page.getByText("Private matter")).toHaveCount(0);
  const admin = await page.goto("/admin/users");
  expect(admin?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
});
