import type { Locator, Page } from "@playwright/test";
import { expect, test, unique } from "./fixtures";

/**
 * Bulk changes and saved views on the ticket list (issue 24), with JavaScript on and off: rows
 * selected and changed in one request, the report of what changed and what was skipped, "Select
 * all on this page", a conflict skipped, a view saved with its count; requesters get no boxes.
 */

const pill = (word: string) => new RegExp(`^[^A-Za-z]*${word}$`);
const rowOf = (page: Page, title: string): Locator => page.locator("table tbody tr").filter({ has: page.getByRole("link", { name: title, exact: true }) });
const report = (page: Page) => page.getByRole("status").filter({ hasText: /^Changed/ });
/** The form's alert (Next.js keeps an alert of its own, announcing each new page's title). */
const alertOf = (page: Page) => page.getByRole("alert").and(page.locator(":not(#__next-route-announcer__)"));

/** Opens "Save or delete views" unless it is open already (after a save it is). */
async function openViews(page: Page) {
  if ((await page.locator("details.views-panel").getAttribute("open")) === null) await page.getByText("Save or delete views").click();
}

test.describe.configure({ timeout: 60_000 });

async function list(page: Page, query: string) {
  const response = await page.goto(`/tickets${query}`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
}

/** Three tickets of Rita's with a word of their own; their numbers, oldest first. */
async function threeTickets(page: Page, tickets: { create: (p: Page, i: { title: string }) => Promise<number> }, word: string) {
  const out: { number: number; title: string }[] = [];
  for (const i of [1, 2, 3]) {
    const title = `Bulk ${i} ${word}`;
    out.push({ number: await tickets.create(page, { title }), title });
  }
  return out;
}

test.describe("bulk changes", () => {
  test("two rows selected get a new status in one change, and the report says which", async ({ as, tickets }) => {
    const word = unique("bulk");
    const [a, b, c] = await threeTickets(await as("requester"), tickets, word);
    const agent = await as("agent");
    await list(agent, `?q=${word}`);
    await agent.getByRole("checkbox", { name: `Select ticket #${a.number}`, exact: true }).check();
    await agent.getByRole("checkbox", { name: `Select ticket #${c.number}`, exact: true }).check();
    await agent.getByLabel("Mark as").selectOption("Waiting");
    await agent.getByRole("button", { name: "Apply to selected" }).click();
    // Rows in the list's order (most recently updated first).
    await expect(report(agent)).toHaveText(`Changed 2 tickets: #${c.number}, #${a.number}.`);
    await expect(rowOf(agent, a.title).locator("td.col-status")).toHaveText(pill("Waiting"));
    await expect(rowOf(agent, c.title).locator("td.col-status")).toHaveText(pill("Waiting"));
    await expect(rowOf(agent, b.title).locator("td.col-status")).toHaveText(pill("Open"));

    // Each ticket's history has the change, by the agent.
    await agent.goto(`/tickets/${a.number}`);
    const history = agent.getByRole("region", { name: "Conversation" }).getByRole("listitem");
    await expect(history.filter({ hasText: "changed status from Open to Waiting" })).toContainText("Alan Agent");
  });

  test("Select all on this page, and a ticket changed by someone else meanwhile is skipped", async ({ as, tickets, javaScriptEnabled }) => {
    const word = unique("all");
    const [a, b, c] = await threeTickets(await as("requester"), tickets, word);
    const agent = await as("agent");
    await list(agent, `?q=${word}`);

    // Meanwhile an admin changes b.
    const admin = await as("admin");
    await list(admin, `?q=${word}`);
    await admin.getByRole("checkbox", { name: `Select ticket #${b.number}`, exact: true }).check();
    await admin.getByLabel("Prioritise as").selectOption("Low");
    await admin.getByRole("button", { name: "Apply to selected" }).click();
    await expect(report(admin)).toHaveText(`Changed 1 ticket: #${b.number}.`);

    await agent.getByRole("checkbox", { name: "Select all on this page" }).check();
    if (javaScriptEnabled) {
      for (const t of [a, b, c]) await expect(agent.getByRole("checkbox", { name: `Select ticket #${t.number}`, exact: true })).toBeChecked();
      await expect(agent.getByText("3 selected", { exact: true })).toBeVisible();
    }
    await agent.getByLabel("Prioritise as").selectOption("Urgent");
    await agent.getByRole("button", { name: "Apply to selected" }).click();
    await expect(report(agent)).toHaveText(
      `Changed 2 tickets: #${c.number}, #${a.number}. Skipped 1: #${b.number} (changed by someone else since the list was drawn).`,
    );
    await expect(rowOf(agent, a.title).locator("td.col-priority")).toHaveText(pill("Urgent"));
    await expect(rowOf(agent, b.title).locator("td.col-priority")).toHaveText(pill("Low"));
  });

  test("Assign selected to me, and nothing selected is refused", async ({ as, tickets }) => {
    const word = unique("mine");
    const [a] = await threeTickets(await as("requester"), tickets, word);
    const agent = await as("agent");
    await list(agent, `?q=${word}`);
    await agent.getByRole("button", { name: "Apply to selected" }).click();
    await expect(alertOf(agent)).toHaveText("Select at least one ticket.");
    await agent.getByRole("checkbox", { name: `Select ticket #${a.number}`, exact: true }).check();
    await agent.getByRole("button", { name: "Assign selected to me" }).click();
    await expect(report(agent)).toHaveText(`Changed 1 ticket: #${a.number}.`);
    await expect(rowOf(agent, a.title).locator("td.col-person").nth(1)).toHaveText("Alan Agent");
  });

  test("a requester's list has no boxes and no bulk form", async ({ as, tickets }) => {
    const page = await as("requester");
    const word = unique("req");
    await tickets.create(page, { title: `Mine ${word}` });
    await list(page, `?q=${word}`);
    await expect(page.locator("table tbody tr")).toHaveCount(1);
    await expect(page.getByRole("checkbox")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Apply to selected" })).toHaveCount(0);
  });
});

test.describe("saved views", () => {
  test("Save view keeps the filters under a name, beside the quick views with its count; Delete view removes it", async ({ as, tickets }) => {
    const word = unique("view");
    await threeTickets(await as("requester"), tickets, word);
    const agent = await as("agent");
    await list(agent, `?q=${word}&priority=Medium&sort=number&dir=asc`);
    await openViews(agent);
    await agent.getByLabel("View name").fill(`Mine ${word}`);
    await agent.getByRole("button", { name: "Save view" }).click();
    await expect(agent.getByRole("status").filter({ hasText: "saved" })).toHaveText(`View “Mine ${word}” saved.`);
    const views = agent.getByRole("navigation", { name: "Quick views" });
    const link = views.getByRole("link", { name: new RegExp(`^Mine ${word}`) });
    await expect(link).toHaveText(`Mine ${word} 3`);
    await expect(link).toHaveAttribute("href", `/tickets?q=${word}&priority=Medium&sort=number&dir=asc`);

    // Nobody else sees it.
    const other = await as("admin");
    await list(other, "");
    await expect(other.getByRole("navigation", { name: "Quick views" }).getByRole("link", { name: new RegExp(`^Mine ${word}`) })).toHaveCount(0);

    await link.click();
    await expect(agent.getByRole("status").filter({ hasText: /^Showing/ })).toHaveText("Showing 1–3 of 3 tickets");
    await openViews(agent);
    await agent.getByRole("listitem").filter({ hasText: `Mine ${word}` }).getByRole("button", { name: "Delete view" }).click();
    await expect(agent.getByRole("navigation", { name: "Quick views" }).getByRole("link", { name: new RegExp(`^Mine ${word}`) })).toHaveCount(0);
  });
});
