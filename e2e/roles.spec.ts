import type { Browser, Page } from "@playwright/test";
import { test, expect, unique } from "./fixtures";
import { ACCOUNTS } from "./accounts";
import { openDb } from "./db";

/**
 * Who sees and changes what: requesters are confined to their own tickets (and the server says
 * so, not only the page), admins manage roles, and the last admin stays an admin.
 */

/** The form's alert (Next.js also keeps an alert of its own, announcing each new page's title). */
const alertOf = (page: Page) => page.getByRole("alert").and(page.locator(":not(#__next-route-announcer__)"));

/** Signs up a fresh requester in its own context; the page stays signed in. */
async function freshRequester(browser: Browser, javaScriptEnabled: boolean) {
  const account = {
    name: `Fresh ${unique("n")}`,
    email: `${unique("role")}@example.test`,
    password: `pw-${unique("p")}-long`,
  };
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(account.name);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Tickets" })).toBeVisible();
  return { ...account, page, context };
}

async function search(page: Page, words: string) {
  await page.goto("/tickets");
  await page.getByLabel("Search").fill(words);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]q=${words}`));
}

/** Expects the value shown next to a term in the ticket's details ("Status" → "Open"), icons aside. */
async function expectDetail(page: Page, term: string, value: string) {
  const dd = page.getByRole("complementary", { name: "Details" }).locator(`dt:text-is("${term}") + dd`);
  await expect(dd, `${term} is ${value}`).toHaveText(new RegExp(`^\\W*${value}$`));
}

// Every test here signs in several people; the shared test machine can be slow.
test.describe.configure({ timeout: 60_000 });

test.describe("requesters", () => {
  test("cannot list or find someone else's ticket", async ({ as, tickets }) => {
    const word = unique("otto");
    const otto = await as("other");
    await tickets.create(otto, { title: `Otto's private ${word}`, description: `Only for Otto ${word}` });

    const rita = await as("requester");
    await search(rita, word);
    await expect(rita.getByText("Showing 0 of 0 tickets")).toBeVisible();
    await expect(rita.getByRole("link", { name: new RegExp(word) })).toHaveCount(0);

    // Nor through the CSV export of the same search.
    const csv = await rita.request.get(`/tickets/export?q=${word}`);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).not.toContain(word);

    // Otto, the requester of it, does find it.
    await search(otto, word);
    await expect(otto.getByRole("link", { name: `Otto's private ${word}` })).toBeVisible();
  });

  test("cannot open someone else's ticket: it answers 404, the same page as a missing one", async ({ as, tickets }) => {
    const word = unique("otto");
    const otto = await as("other");
    const number = await tickets.create(otto, { title: `Otto's private ${word}`, description: `Only for Otto ${word}` });

    const rita = await as("requester");
    const missing = await rita.goto("/tickets/999999999");
    expect(missing?.status()).toBe(404);
    await expect(rita.getByRole("heading", { level: 1 })).toHaveText("Ticket not found");
    const missingText = await rita.getByRole("main").innerText();

    const theirs = await rita.goto(`/tickets/${number}`);
    expect(theirs?.status()).toBe(404);
    await expect(rita.getByRole("heading", { level: 1 })).toHaveText("Ticket not found");
    await expect(rita.getByText(word)).toHaveCount(0);
    expect(await rita.getByRole("main").innerText()).toBe(missingText);
  });

  test("see no agent form on their own ticket", async ({ as, tickets }) => {
    const rita = await as("requester");
    await tickets.create(rita, { title: `Rita's own ${unique()}` });
    await expect(rita.getByRole("button", { name: "Close ticket" })).toBeVisible();
    await expect(rita.getByRole("button", { name: "Save changes" })).toHaveCount(0);
    await expect(rita.getByRole("combobox", { name: "Assignee" })).toHaveCount(0);
    await expect(rita.getByRole("combobox", { name: "Status" })).toHaveCount(0);
    await expect(rita.getByRole("combobox", { name: "Priority" })).toHaveCount(0);
    await expect(rita.getByRole("checkbox", { name: "Internal note" })).toHaveCount(0);
  });

  test("a forged status change is refused by the server", async ({ as, tickets }) => {
    const rita = await as("requester");
    const number = await tickets.create(rita, { title: `Forgery ${unique()}` });
    await expectDetail(rita, "Status", "Open");

    const form = rita.locator("form").filter({ has: rita.getByRole("button", { name: "Close ticket" }) });
    await expect(form).toBeVisible();
    await form.evaluate((f) => {
      const input = f.querySelector<HTMLInputElement>('input[name="status"]');
      if (!input) throw new Error("no status input");
      input.value = "In progress";
    });
    await Promise.all([
      rita.waitForResponse((r) => r.request().method() === "POST"),
      form.getByRole("button", { name: "Close ticket" }).click(),
    ]);
    await expect(alertOf(rita)).toHaveText(/may not|cannot|not allowed/i);

    await rita.goto(`/tickets/${number}`);
    await expectDetail(rita, "Status", "Open");
    await expect(rita.getByRole("region", { name: "Conversation" })).not.toContainText("In progress");

    // Nor may they slip a priority into the close form.
    await form.evaluate((f) => {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = "priority";
      input.value = "Urgent";
      f.append(input);
    });
    await Promise.all([
      rita.waitForResponse((r) => r.request().method() === "POST"),
      form.getByRole("button", { name: "Close ticket" }).click(),
    ]);
    await expect(alertOf(rita)).toHaveText(/may not|cannot|not allowed/i);
    await rita.goto(`/tickets/${number}`);
    await expectDetail(rita, "Status", "Open");
    await expectDetail(rita, "Priority", "Medium");

    // The real form still works: closing is theirs to do.
    await rita.getByRole("button", { name: "Close ticket" }).click();
    await expectDetail(rita, "Status", "Closed");
    await expect(rita.getByRole("button", { name: "Reopen ticket" })).toBeVisible();
  });
});

test.describe("admins", () => {
  test("/admin/users lists everyone with a Role select and a Save role button", async ({ as }) => {
    const ada = await as("admin");
    const res = await ada.goto("/admin/users");
    expect(res?.status()).toBe(200);
    await expect(ada.getByRole("heading", { name: "Users" })).toBeVisible();
    for (const [role, account] of Object.entries(ACCOUNTS)) {
      // Everyone is a page or more by now: each is found by searching.
      await ada.getByLabel("Search people").fill(account.email);
      await ada.getByRole("button", { name: "Search", exact: true }).click();
      await expect(ada).toHaveURL(/q=/);
      const table = ada.getByRole("table");
      await expect(table.getByRole("columnheader", { name: "Role" })).toBeVisible();
      const row = table.getByRole("row").filter({ hasText: account.email });
      await expect(row).toHaveCount(1);
      const select = row.getByLabel("Role");
      await expect(select).toBeVisible();
      const expected = role === "admin" ? "admin" : role === "agent" ? "agent" : "requester";
      await expect(select).toHaveValue(expected);
      await expect(row.getByRole("button", { name: "Save role" })).toBeVisible();
    }
  });

  for (const role of ["agent", "requester"] as const) {
    test(`/admin/users answers 404 to an ${role}`, async ({ as }) => {
      const page = await as(role);
      await page.goto("/tickets");
      await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
      const res = await page.goto("/admin/users");
      expect(res?.status()).toBe(404);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
      await expect(page.getByRole("button", { name: "Save role" })).toHaveCount(0);
      await expect(page.getByText(ACCOUNTS.admin.email)).toHaveCount(0);
    });
  }

  test("the last admin cannot be demoted", async ({ as }) => {
    const ada = await as("admin");
    // This only holds while Ada is the only active admin; never try it otherwise (it would demote her).
    const db = openDb();
    const admins = await db.get<{ n: number }>(`SELECT count(*) AS "n" FROM "user" WHERE "role" = 'admin' AND "deactivatedAt" IS NULL`);
    await db.close();
    expect(Number(admins?.n), "Ada must be the only admin for this test").toBe(1);
    await ada.goto(`/admin/users?q=${encodeURIComponent(ACCOUNTS.admin.email)}`);

    const row = ada.getByRole("row").filter({ hasText: ACCOUNTS.admin.email });
    await row.getByLabel("Role").selectOption("requester");
    await Promise.all([
      ada.waitForResponse((r) => r.request().method() === "POST"),
      row.getByRole("button", { name: "Save role" }).click(),
    ]);
    const refusedRow = ada.getByRole("row").filter({ hasText: ACCOUNTS.admin.email });
    await expect(refusedRow.getByRole("alert")).toContainText("last admin");
    await expect(refusedRow.getByLabel("Role")).toHaveAttribute("aria-invalid", "true");

    await ada.goto(`/admin/users?q=${encodeURIComponent(ACCOUNTS.admin.email)}`);
    await expect(ada.getByRole("row").filter({ hasText: ACCOUNTS.admin.email }).getByLabel("Role")).toHaveValue("admin");
    await expect(ada.getByRole("link", { name: "Users" })).toBeVisible();
  });

  test("promoting a requester to agent lets them see and work every ticket", async ({ as, tickets, browser, javaScriptEnabled }) => {
    const word = unique("promo");
    const otto = await as("other");
    const title = `Otto needs help ${word}`;
    const number = await tickets.create(otto, { title });

    const fresh = await freshRequester(browser, javaScriptEnabled);
    try {
      await search(fresh.page, word);
      await expect(fresh.page.getByText("Showing 0 of 0 tickets")).toBeVisible();
      expect((await fresh.page.goto(`/tickets/${number}`))?.status()).toBe(404);

      const ada = await as("admin");
      await ada.goto(`/admin/users?q=${encodeURIComponent(fresh.email)}`);
      const row = ada.getByRole("row").filter({ hasText: fresh.email });
      await expect(row.getByLabel("Role")).toHaveValue("requester");
      await row.getByLabel("Role").selectOption("agent");
      await row.getByRole("button", { name: "Save role" }).click();
      await expect(ada.getByRole("row").filter({ hasText: fresh.email }).getByRole("status")).toContainText("now an agent");

      await search(fresh.page, word);
      await expect(fresh.page.getByRole("link", { name: title })).toBeVisible();
      await fresh.page.getByRole("link", { name: title }).click();
      await expect(fresh.page.getByRole("heading", { level: 1, name: title })).toBeVisible();
      await expect(fresh.page.getByRole("button", { name: "Save changes" })).toBeVisible();
      await expect(fresh.page.getByRole("combobox", { name: "Assignee" })).toBeVisible();

      // And the change is theirs to make now.
      await fresh.page.getByRole("combobox", { name: "Status" }).selectOption("In progress");
      await fresh.page.getByRole("button", { name: "Save changes" }).click();
      await expectDetail(fresh.page, "Status", "In progress");
    } finally {
      await fresh.context.close();
    }
  });
});
