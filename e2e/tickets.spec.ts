import type { Locator, Page } from "@playwright/test";
import { test, expect, unique } from "./fixtures";
import { ACCOUNTS } from "./accounts";
import { openDb } from "./db";

/**
 * The ticket desk: creating a ticket, what its page shows, invalid input, agents' edits, conflicting
 * edits, unknown ticket numbers and the list. Every test makes its own tickets with a unique word
 * and finds them by searching for it, because other tests share the database.
 */

const COLUMNS = ["#", "Title", "Status", "Priority", "Requester", "Assignee", "Updated"] as const;
const SHOWING = /^Showing \d[\d,]*–\d[\d,]* of \d[\d,]* tickets$/;

/** A pill's text: a decorative (aria-hidden) icon, then the word. */
const pill = (word: string) => new RegExp(`^[^A-Za-z]*${word}$`);

/** The value shown for a term in the ticket's Details (a <dl>). */
const detail = (page: Page, term: string): Locator =>
  page
    .getByRole("complementary", { name: "Details" })
    .locator(`xpath=.//dt[normalize-space()="${term}"]/following-sibling::dd[1]`);

/** The history events on the conversation's one timeline (between its comments). */
const history = (page: Page) => page.getByRole("region", { name: "Conversation" }).locator("li.event");

/** The list's rows, searched for a word (table body rows only). */
async function search(page: Page, q: string, extra = "") {
  const response = await page.goto(`/tickets?q=${encodeURIComponent(q)}${extra}`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
  return page.locator("table tbody tr");
}

/** A cell of a row by its column header. */
// Staff's rows start with a "Select ticket #N" cell (bulk changes), which is no column of COLUMNS.
const cell = (row: Locator, column: (typeof COLUMNS)[number]) => row.locator("td:not(.col-select)").nth(COLUMNS.indexOf(column));

async function expectNothingFound(page: Page, word: string) {
  const rows = await search(page, word);
  await expect(page.getByText("Showing 0 of 0 tickets", { exact: true })).toBeVisible();
  await expect(rows).toHaveCount(0);
}

/** The field is marked invalid and described by an element whose text is the error. */
async function expectFieldError(page: Page, label: string, message: string) {
  const field = page.getByLabel(label, { exact: true });
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toHaveAccessibleDescription(new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  const ids = ((await field.getAttribute("aria-describedby")) ?? "").split(/\s+/).filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  expect(texts.map((t) => t?.trim())).toContain(message);
  // next to the field: inside the same field wrapper, and visible
  const error = page.locator(`[id="${ids.find((_, i) => texts[i]?.trim() === message)}"]`);
  await expect(error).toBeVisible();
}

async function saveChanges(page: Page, changes: { status?: string; priority?: string; assignee?: string }) {
  if (changes.status) await page.getByLabel("Status", { exact: true }).selectOption(changes.status);
  if (changes.priority) await page.getByLabel("Priority", { exact: true }).selectOption(changes.priority);
  if (changes.assignee) await page.getByLabel("Assignee", { exact: true }).selectOption({ label: changes.assignee });
  await page.getByRole("button", { name: "Save changes" }).click();
}

/** The outcome of "Save changes", shown with the form in the ticket's Details. */
const savedMessage = (page: Page) => page.getByRole("complementary", { name: "Details" }).getByRole("status");

test.describe("creating a ticket", () => {
  test("lands on the new ticket's page, which shows what was typed", async ({ as }) => {
    const page = await as("requester");
    const word = unique("new");
    const title = `Printer on floor 3 jams ${word}`;
    const description = `First line <b>x</b>\nSecond line & "quotes"\n\n  indented ${word}`;

    await page.goto("/tickets/new");
    await expect(page.getByRole("heading", { name: "New ticket", level: 1 })).toBeVisible();
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Description").fill(description);
    await page.getByLabel("Priority").selectOption("High");
    await page.getByRole("button", { name: "Create ticket" }).click();

    const created = page.getByRole("status").filter({ hasText: /^Ticket #\d+ created$/ });
    await expect(created).toBeVisible();
    await expect(page).toHaveURL(/\/tickets\/\d+/);
    const number = Number(/\/tickets\/(\d+)/.exec(page.url())![1]);
    await expect(created).toHaveText(`Ticket #${number} created`);

    await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
    await expect(page.getByText(`#${number}`, { exact: true })).toBeVisible();
    await expect(detail(page, "Status")).toHaveText(pill("Open"));
    await expect(detail(page, "Priority")).toHaveText(pill("High"));
    await expect(detail(page, "Requester")).toHaveText(ACCOUNTS.requester.name);
    await expect(detail(page, "Assignee")).toHaveText("Unassigned");

    // The description exactly as typed: line breaks kept, markup shown as text.
    const body = page.getByRole("region", { name: "Description" });
    await expect(body).toContainText("First line <b>x</b>");
    const text = await body.locator(".description").evaluate((el) => ({
      content: el.textContent,
      rendered: (el as HTMLElement).innerText,
      bold: el.querySelectorAll("b").length,
    }));
    expect(text.content).toBe(description);
    expect(text.rendered).toContain("First line <b>x</b>\nSecond line");
    expect(text.bold).toBe(0);
    await expect(page.locator("main b")).toHaveCount(0);

    await expect(history(page).first()).toContainText(`${ACCOUNTS.requester.name} created this ticket`);
  });

  test("Priority defaults to Medium", async ({ as }) => {
    const page = await as("requester");
    await page.goto("/tickets/new");
    await expect(page.getByLabel("Priority")).toHaveValue("Medium");
    await expect(page.getByLabel("Priority").locator("option:checked")).toHaveText("Medium");
    await expect(page.getByLabel("Title")).toHaveValue("");
    await expect(page.getByLabel("Description")).toHaveValue("");
  });

  test("the ticket page shows timestamps as <time> with ISO dateTime", async ({ as, tickets }) => {
    const page = await as("requester");
    const before = Date.now();
    await tickets.create(page, { title: `Timestamps ${unique()}` });
    const times = page.locator("time[datetime]");
    expect(await times.count()).toBeGreaterThanOrEqual(2);
    for (const value of await times.evaluateAll((els) => els.map((e) => e.getAttribute("datetime") ?? ""))) {
      expect(value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      const at = Date.parse(value);
      expect(Math.abs(at - before)).toBeLessThan(5 * 60_000);
    }
    await expect(detail(page, "Created").locator("time")).toHaveAttribute("datetime", /^\d{4}-\d{2}-\d{2}T/);
    await expect(detail(page, "Updated").locator("time")).toHaveAttribute("datetime", /^\d{4}-\d{2}-\d{2}T/);
  });
});

test.describe("invalid input comes back with the problem next to its field", () => {
  test("an empty title", async ({ as }) => {
    const page = await as("requester");
    const word = unique("empty");
    await page.goto("/tickets/new");
    await page.getByLabel("Description").fill(`Nothing here ${word}\nsecond line`);
    await page.getByLabel("Priority").selectOption("Urgent");
    await page.getByRole("button", { name: "Create ticket" }).click();

    await expectFieldError(page, "Title", "Enter a title.");
    await expect(page).toHaveURL(/\/tickets\/new/);
    await expect(page.getByLabel("Description")).toHaveValue(`Nothing here ${word}\nsecond line`);
    await expect(page.getByLabel("Priority")).toHaveValue("Urgent");
    await expect(page.getByLabel("Description")).not.toHaveAttribute("aria-invalid", "true");

    await expectNothingFound(page, word);
  });

  test("a title of only spaces", async ({ as }) => {
    const page = await as("requester");
    const word = unique("spaces");
    await page.goto("/tickets/new");
    await page.getByLabel("Title").fill("     ");
    await page.getByLabel("Description").fill(`Spaces only ${word}`);
    await page.getByRole("button", { name: "Create ticket" }).click();

    await expectFieldError(page, "Title", "Enter a title.");
    await expect(page.getByLabel("Description")).toHaveValue(`Spaces only ${word}`);
    await expectNothingFound(page, word);
  });

  test("a title over 200 characters", async ({ as }) => {
    const page = await as("requester");
    const word = unique("long");
    const title = `${word} ${"x".repeat(201 - word.length - 1)}`;
    expect(title).toHaveLength(201);
    await page.goto("/tickets/new");
    const field = page.getByLabel("Title");
    await field.evaluate((el) => el.removeAttribute("maxlength"));
    await field.fill(title);
    await expect(field).toHaveValue(title);
    await page.getByLabel("Description").fill(`Too long a title ${word}`);
    await page.getByRole("button", { name: "Create ticket" }).click();

    await expectFieldError(page, "Title", "Keep the title to 200 characters or fewer.");
    await expect(page.getByLabel("Title")).toHaveValue(title);
    await expect(page.getByLabel("Description")).toHaveValue(`Too long a title ${word}`);
    await expectNothingFound(page, word);
  });

  test("an empty description", async ({ as }) => {
    const page = await as("requester");
    const word = unique("nodesc");
    await page.goto("/tickets/new");
    await page.getByLabel("Title").fill(`No description ${word}`);
    await page.getByLabel("Priority").selectOption("Low");
    await page.getByRole("button", { name: "Create ticket" }).click();

    await expectFieldError(page, "Description", "Enter a description.");
    await expect(page.getByLabel("Title")).toHaveValue(`No description ${word}`);
    await expect(page.getByLabel("Title")).not.toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Priority")).toHaveValue("Low");
    await expectNothingFound(page, word);
  });

  test("a forged priority", async ({ as }) => {
    const page = await as("requester");
    const word = unique("forged");
    await page.goto("/tickets/new");
    await page.getByLabel("Title").fill(`Forged priority ${word}`);
    await page.getByLabel("Description").fill(`Sent a priority that is not offered ${word}`);
    const priority = page.getByLabel("Priority");
    await priority.evaluate((el) => {
      const option = document.createElement("option");
      option.value = "Bogus";
      option.textContent = "Bogus";
      el.appendChild(option);
    });
    await priority.selectOption("Bogus");
    await page.getByRole("button", { name: "Create ticket" }).click();

    await expectFieldError(page, "Priority", "Choose Low, Medium, High or Urgent.");
    await expect(page.getByLabel("Title")).toHaveValue(`Forged priority ${word}`);
    await expectNothingFound(page, word);
  });
});

test.describe("agents work a ticket", () => {
  // Several page loads and saves from two or three signed-in pages each.
  test.describe.configure({ timeout: 60_000 });

  test("one save changes status and priority, and History says who changed what", async ({ as, tickets }) => {
    const page = await as("requester");
    const title = `Status and priority ${unique()}`;
    const number = await tickets.create(page, { title, priority: "Low" });

    const agent = await as("agent");
    await agent.goto(`/tickets/${number}`);
    await expect(agent.getByLabel("Status", { exact: true })).toHaveValue("Open");
    await saveChanges(agent, { status: "In progress", priority: "Urgent" });

    await expect(savedMessage(agent)).toContainText("Status changed from Open to In progress");
    await expect(savedMessage(agent)).toContainText("Priority changed from Low to Urgent");
    await expect(detail(agent, "Status")).toHaveText(pill("In progress"));
    await expect(detail(agent, "Priority")).toHaveText(pill("Urgent"));
    await expect(history(agent).filter({ hasText: "changed status from Open to In progress" })).toContainText(
      ACCOUNTS.agent.name,
    );
    await expect(history(agent).filter({ hasText: "changed priority from Low to Urgent" })).toContainText(
      ACCOUNTS.agent.name,
    );
    await expect(detail(agent, "Resolved")).toHaveCount(0);

    // The requester sees the same, from a fresh load.
    await page.goto(`/tickets/${number}`);
    await expect(detail(page, "Status")).toHaveText(pill("In progress"));
    await expect(detail(page, "Priority")).toHaveText(pill("Urgent"));
    await expect(history(page)).toHaveCount(3);
  });

  test("resolving sets a Resolved time; reopening clears it", async ({ as, tickets }) => {
    const agent = await as("agent");
    const number = await tickets.create(agent, { title: `Resolve me ${unique()}` });
    await expect(detail(agent, "Resolved")).toHaveCount(0);

    await saveChanges(agent, { status: "Resolved" });
    await expect(savedMessage(agent)).toContainText("Status changed from Open to Resolved");
    await expect(detail(agent, "Status")).toHaveText(pill("Resolved"));
    await expect(detail(agent, "Resolved").locator("time")).toHaveAttribute("datetime", /^\d{4}-\d{2}-\d{2}T/);

    await agent.goto(`/tickets/${number}`);
    await expect(detail(agent, "Resolved")).toBeVisible();
    await saveChanges(agent, { status: "Open" });
    await expect(savedMessage(agent)).toContainText("Status changed from Resolved to Open");
    await expect(detail(agent, "Status")).toHaveText(pill("Open"));
    await expect(detail(agent, "Resolved")).toHaveCount(0);
    await expect(history(agent).filter({ hasText: "changed status from Resolved to Open" })).toContainText(
      ACCOUNTS.agent.name,
    );

    await agent.goto(`/tickets/${number}`);
    await expect(detail(agent, "Resolved")).toHaveCount(0);
  });

  test("assigning a ticket shows the assignee on the ticket and in the list", async ({ as, tickets }) => {
    const requester = await as("requester");
    const word = unique("assign");
    const number = await tickets.create(requester, { title: `Assign me ${word}` });

    const agent = await as("agent");
    await agent.goto(`/tickets/${number}`);
    await expect(agent.getByLabel("Assignee", { exact: true })).toHaveValue("");
    await saveChanges(agent, { assignee: ACCOUNTS.agent.name });
    await expect(savedMessage(agent)).toContainText(`Assignee changed from Unassigned to ${ACCOUNTS.agent.name}`);
    await expect(detail(agent, "Assignee")).toHaveText(ACCOUNTS.agent.name);
    await expect(history(agent).filter({ hasText: `changed assignee from Unassigned to ${ACCOUNTS.agent.name}` })).toHaveCount(1);

    const rows = await search(agent, word);
    await expect(rows).toHaveCount(1);
    await expect(cell(rows.first(), "#")).toHaveText(String(number));
    await expect(cell(rows.first(), "Assignee")).toHaveText(ACCOUNTS.agent.name);
    await expect(cell(rows.first(), "Requester")).toHaveText(ACCOUNTS.requester.name);
  });

  test("the Assignee picker offers active staff only; a ticket's deactivated assignee stays its assignee, marked", async ({ as, tickets }) => {
    const word = unique("staff");
    const dora = { id: `dora-${word}`, name: `Dora Departing ${word}`, email: `dora-${word}@example.test` };
    const pete = { id: `pete-${word}`, name: `Pete Present ${word}`, email: `pete-${word}@example.test` };
    const rhea = { id: `rhea-${word}`, name: `Rhea Requester ${word}`, email: `rhea-${word}@example.test` };
    const db = openDb();
    const now = new Date();
    for (const [p, role] of [[dora, "agent"], [pete, "admin"], [rhea, "requester"]] as const) {
      await db.run(`INSERT INTO "user" ("id", "name", "email", "role", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?)`, p.id, p.name, p.email, role, now, now);
    }
    try {
      const agent = await as("agent");
      const first = await tickets.create(agent, { title: `Dora's ${word}` });
      const second = await tickets.create(agent, { title: `Not Dora's ${word}` });
      await agent.goto(`/tickets/${first}`);
      // Agents and admins, never a requester.
      const options = agent.getByLabel("Assignee", { exact: true }).locator("option");
      await expect(options.filter({ hasText: rhea.name })).toHaveCount(0);
      await expect(options.filter({ hasText: pete.name })).toHaveCount(1);
      await saveChanges(agent, { assignee: dora.name });
      await expect(savedMessage(agent)).toContainText(`Assignee changed from Unassigned to ${dora.name}`);

      // Dora is deactivated (the admins' page does this; here, as it stores it).
      await db.run(`UPDATE "user" SET "deactivatedAt" = ? WHERE "id" = ?`, new Date(), dora.id);
      await agent.goto(`/tickets/${first}`);
      await expect(detail(agent, "Assignee")).toHaveText(`${dora.name} (deactivated)`);
      const picker = agent.getByLabel("Assignee", { exact: true });
      await expect(picker).toHaveValue(dora.id);
      await expect(picker.locator("option:checked")).toHaveText(`${dora.name} (deactivated)`);
      // Saving something else keeps her.
      await saveChanges(agent, { status: "Waiting" });
      await expect(savedMessage(agent)).toHaveText("Saved. Status changed from Open to Waiting.");
      await expect(detail(agent, "Assignee")).toHaveText(`${dora.name} (deactivated)`);

      // She is offered on no other ticket.
      await agent.goto(`/tickets/${second}`);
      await expect(agent.getByLabel("Assignee", { exact: true }).locator("option").filter({ hasText: dora.name })).toHaveCount(0);
      await expect(agent.getByLabel("Assignee", { exact: true }).locator("option").filter({ hasText: pete.name })).toHaveCount(1);

      // Handed on to Pete, and then no longer offered there either.
      await agent.goto(`/tickets/${first}`);
      await saveChanges(agent, { assignee: pete.name });
      await expect(savedMessage(agent)).toContainText(`Assignee changed from ${dora.name} to ${pete.name}`);
      await agent.goto(`/tickets/${first}`);
      await expect(agent.getByLabel("Assignee", { exact: true }).locator("option").filter({ hasText: dora.name })).toHaveCount(0);
    } finally {
      await db.run(`UPDATE "user" SET "deactivatedAt" = ? WHERE "id" IN (?, ?)`, new Date(), dora.id, pete.id);
      await db.close();
    }
  });

  test("a stale save is refused, says what changed, and keeps what was chosen", async ({ as, tickets }) => {
    const agent = await as("agent");
    const number = await tickets.create(agent, { title: `Conflict ${unique()}`, priority: "Medium" });

    const first = await as("agent");
    const second = await as("agent");
    await first.goto(`/tickets/${number}`);
    await second.goto(`/tickets/${number}`);

    await saveChanges(first, { status: "Waiting" });
    await expect(savedMessage(first)).toContainText("Status changed from Open to Waiting");

    await saveChanges(second, { priority: "High" });
    const refusal = second.getByRole("complementary", { name: "Details" }).getByRole("alert");
    await expect(refusal).toContainText("Status changed from Open to Waiting");
    await expect(refusal).toContainText(/not saved/i);
    await expect(second.getByLabel("Priority", { exact: true })).toHaveValue("High");
    await expect(second.getByLabel("Status", { exact: true })).toHaveValue("Open");
    await expect(detail(second, "Status")).toHaveText(pill("Waiting"));

    // The ticket is as the first save left it.
    await agent.goto(`/tickets/${number}`);
    await expect(detail(agent, "Status")).toHaveText(pill("Waiting"));
    await expect(detail(agent, "Priority")).toHaveText(pill("Medium"));
    await expect(history(agent).filter({ hasText: "changed priority" })).toHaveCount(0);

    // Saving again applies the kept choice.
    await second.getByLabel("Status", { exact: true }).selectOption("Waiting");
    await expect(second.getByLabel("Priority", { exact: true })).toHaveValue("High");
    await second.getByRole("button", { name: "Save changes" }).click();
    await expect(savedMessage(second)).toContainText("Priority changed from Medium to High");
    await expect(detail(second, "Priority")).toHaveText(pill("High"));
    await expect(detail(second, "Status")).toHaveText(pill("Waiting"));

    await agent.goto(`/tickets/${number}`);
    await expect(detail(agent, "Priority")).toHaveText(pill("High"));
    await expect(history(agent).filter({ hasText: "changed priority from Medium to High" })).toHaveCount(1);
  });
});

test.describe("unknown or malformed ticket numbers", () => {
  for (const path of ["/tickets/abc", "/tickets/-1", "/tickets/1.5", "/tickets/99999999999999999999", "/tickets/0", "/tickets/999999999"]) {
    test(`${path} answers 404 with a helpful page`, async ({ as }) => {
      const page = await as("agent");
      const response = await page.goto(path);
      expect(response?.status()).toBe(404);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^(Ticket not found|Page not found)$/);
      await expect(page.getByRole("link", { name: /ticket list/i })).toBeVisible();
    });
  }
});

test.describe("the ticket list", () => {
  test("has its heading, columns, links and summary line", async ({ as, tickets }) => {
    const page = await as("requester");
    const word = unique("list");
    const title = `Listed ticket ${word}`;
    const number = await tickets.create(page, { title, priority: "Urgent" });

    const rows = await search(page, word);
    await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
    const headers = page.getByRole("columnheader");
    await expect(headers).toHaveText([...COLUMNS]);
    for (const name of COLUMNS) await expect(page.getByRole("columnheader", { name, exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: "New ticket" })).toHaveAttribute("href", "/tickets/new");
    await expect(page.getByRole("status").filter({ hasText: /^Showing/ })).toHaveText("Showing 1–1 of 1 tickets");

    await expect(rows).toHaveCount(1);
    const row = rows.first();
    await expect(cell(row, "#")).toHaveText(String(number));
    await expect(cell(row, "Status")).toHaveText(pill("Open"));
    await expect(cell(row, "Priority")).toHaveText(pill("Urgent"));
    await expect(cell(row, "Requester")).toHaveText(ACCOUNTS.requester.name);
    await expect(cell(row, "Updated").locator("time")).toHaveAttribute("datetime", /^\d{4}-\d{2}-\d{2}T/);

    await row.getByRole("link", { name: title }).click();
    await expect(page).toHaveURL(new RegExp(`/tickets/${number}$`));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);

    // The unfiltered list has the summary line too.
    await page.goto("/tickets");
    await expect(page.getByText(SHOWING)).toBeVisible();
    await page.getByRole("link", { name: "New ticket" }).click();
    await expect(page.getByRole("heading", { name: "New ticket", level: 1 })).toBeVisible();
  });

  test("a title opens its ticket in place; with Ctrl (or ⌘) it opens in a new tab and the list stays", async ({ as, tickets, javaScriptEnabled }) => {
    const page = await as("requester");
    const word = unique("tab");
    const title = `Tab ticket ${word}`;
    const number = await tickets.create(page, { title });
    const rows = await search(page, word);
    const link = rows.first().getByRole("link", { name: title });
    await expect(link).toHaveAttribute("href", `/tickets/${number}`);
    if (javaScriptEnabled) {
      // With JavaScript the list opens tickets in place (client-side), so check that the
      // modifier keys still leave the click to the browser.
      const modifier = process.platform === "darwin" ? "Meta" : "Control";
      const [tab] = await Promise.all([page.context().waitForEvent("page"), link.click({ modifiers: [modifier] })]);
      await tab.waitForLoadState();
      await expect(tab).toHaveURL(new RegExp(`/tickets/${number}$`));
      await expect(tab.getByRole("heading", { level: 1 })).toHaveText(title);
      await tab.close();
      await expect(page).toHaveURL(/\/tickets\?/);
      await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
    }
    await link.click();
    await expect(page).toHaveURL(new RegExp(`/tickets/${number}$`));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  });

  test("shows the most recently updated ticket first", async ({ as, tickets }) => {
    const agent = await as("agent");
    const word = unique("order");
    const older = await tickets.create(agent, { title: `Older ticket ${word}` });
    const newer = await tickets.create(agent, { title: `Newer ticket ${word}` });

    const numbers = async () => {
      const rows = await search(agent, word, "&sort=updated");
      await expect(rows).toHaveCount(2);
      return rows.locator("td.col-number").allTextContents();
    };
    expect(await numbers()).toEqual([String(newer), String(older)]);
    await expect(agent.getByRole("columnheader", { name: "Updated" })).toHaveAttribute("aria-sort", "descending");

    // Updating the older ticket moves it to the top.
    await agent.goto(`/tickets/${older}`);
    await saveChanges(agent, { priority: "High" });
    await expect(savedMessage(agent)).toContainText("Priority changed from Medium to High");
    expect(await numbers()).toEqual([String(older), String(newer)]);

    // Without a search, the list is by last update too: clicking "Updated" keeps the same order.
    await agent.goto("/tickets");
    await expect(agent.getByRole("columnheader", { name: "Updated" })).toHaveAttribute("aria-sort", "descending");
  });
});
