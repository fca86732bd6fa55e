import type { Page } from "@playwright/test";
import { test, expect, unique } from "./fixtures";
import { ACCOUNTS } from "./accounts";
import { openDb, sqlDate, type Db } from "./db";

/**
 * Saved replies (issue 24): staff keep shared replies with placeholders, and insert one into a
 * ticket's comment filled in for that ticket, keeping what was typed: without JavaScript by a round
 * trip, with it at the cursor. Requesters never learn they exist.
 */

let db: Db;
test.beforeAll(() => {
  db = openDb();
});
test.afterAll(async () => {
  await db.close();
});

const comment = (page: Page) => page.getByRole("textbox", { name: "Comment" });

test("an agent saves a reply with placeholders and inserts it on a ticket, keeping what was typed", async ({ as, tickets }) => {
  const u = unique("r");
  const rita = await as("requester");
  const n = await tickets.create(rita, { title: `Printer ${u} jams` });

  const agent = await as("agent");
  await agent.goto("/tickets");
  await agent.getByRole("link", { name: "Saved replies" }).click();
  await expect(agent.getByRole("heading", { level: 1, name: "Saved replies" })).toBeVisible();
  await agent.getByRole("button", { name: "New reply" }).click();

  // An unknown placeholder is an error next to Body; what was typed stays, nothing is saved.
  await agent.getByLabel("Name").fill(`Jam ${u}`);
  await agent.getByLabel("Body").fill("Hi {{customer.name}}");
  await agent.getByRole("button", { name: "Save reply" }).click();
  await expect(agent.getByLabel("Body")).toHaveAttribute("aria-invalid", "true");
  await expect(agent.getByText("Unknown placeholder: {{customer.name}}.", { exact: false }).last()).toBeVisible();
  await expect(agent.getByLabel("Name")).toHaveValue(`Jam ${u}`);

  await agent.getByLabel("Body").fill("Hello {{requester.name}}, about #{{ticket.number}} ({{ticket.title}}): clear the tray.\n— {{agent.name}}");
  await agent.getByRole("button", { name: "Save reply" }).click();
  await expect(agent.getByRole("status").filter({ hasText: `Saved “Jam ${u}”.` })).toBeVisible();
  await expect(agent.getByRole("link", { name: `Jam ${u}` })).toBeVisible();

  // On the ticket: type, tick Internal note, insert; the typed text and the box survive.
  await agent.goto(`/tickets/${n}`);
  await comment(agent).fill("Thanks for waiting.");
  await agent.getByRole("checkbox", { name: "Internal note" }).check();
  await agent.getByRole("combobox", { name: "Saved reply" }).selectOption({ label: `Jam ${u}` });
  await agent.getByRole("button", { name: "Insert reply" }).click();
  const filled = `Hello ${ACCOUNTS.requester.name}, about #${n} (Printer ${u} jams): clear the tray.\n— ${ACCOUNTS.agent.name}`;
  await expect(agent.getByRole("status").filter({ hasText: `Inserted “Jam ${u}”.` })).toBeVisible();
  await expect(comment(agent)).toHaveValue(`Thanks for waiting.\n\n${filled}`);
  await expect(agent.getByRole("checkbox", { name: "Internal note" })).toBeChecked();
  // Inserting added no comment.
  await expect(agent.getByRole("region", { name: "Conversation" }).getByRole("listitem").filter({ hasText: "Thanks for waiting." })).toHaveCount(0);

  await agent.getByRole("checkbox", { name: "Internal note" }).uncheck();
  await agent.getByRole("button", { name: "Add comment" }).click();
  await expect(agent.getByRole("status").filter({ hasText: "Comment added." })).toBeVisible();
  await rita.goto(`/tickets/${n}`);
  const posted = rita.getByRole("region", { name: "Conversation" }).getByRole("listitem").filter({ hasText: "clear the tray" });
  await expect(posted).toContainText("Thanks for waiting.");
  await expect(posted).toContainText(`Hello ${ACCOUNTS.requester.name}, about #${n} (Printer ${u} jams): clear the tray.`);
  await expect(posted).toContainText(`— ${ACCOUNTS.agent.name}`);

  // Renamed, then deleted: gone from the page and from the picker.
  await agent.goto("/saved-replies");
  await agent.getByRole("link", { name: `Jam ${u}` }).click();
  await agent.getByLabel("Name").fill(`Paper jam ${u}`);
  await agent.getByRole("button", { name: "Save reply" }).click();
  await expect(agent.getByRole("status").filter({ hasText: `Saved “Paper jam ${u}”.` })).toBeVisible();
  await agent.getByRole("link", { name: `Paper jam ${u}` }).click();
  await agent.getByRole("button", { name: "Delete reply" }).click();
  await expect(agent.getByRole("status").filter({ hasText: "Saved reply deleted." })).toBeVisible();
  await expect(agent.getByRole("link", { name: `Paper jam ${u}` })).toHaveCount(0);
  await agent.goto(`/tickets/${n}`);
  await expect(agent.getByRole("combobox", { name: "Saved reply" }).getByRole("option", { name: `Paper jam ${u}` })).toHaveCount(0);
});

test("a requester gets 404 for saved replies and no picker on their ticket", async ({ as, tickets }) => {
  const rita = await as("requester");
  await tickets.create(rita, { title: `Quiet ${unique()}` });
  await expect(rita.getByRole("link", { name: "Saved replies" })).toHaveCount(0);
  await expect(rita.getByRole("combobox", { name: "Saved reply" })).toHaveCount(0);
  await expect(rita.getByRole("button", { name: "Insert reply" })).toHaveCount(0);
  await expect(rita.getByRole("textbox", { name: "Comment" })).toBeVisible();
  for (const path of ["/saved-replies", "/saved-replies/new", "/saved-replies/1"]) {
    const response = await rita.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(rita.getByRole("heading", { name: "Saved replies" })).toHaveCount(0);
  }
});

test("with many replies, a search narrows the picker and the reply goes in at the cursor", async ({ as, tickets, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "the search box and the cursor are JavaScript's (without it, every reply is listed)");
  const u = unique("m");
  const agentId = (await db.get<{ id: string }>(`SELECT "id" FROM "user" WHERE "email" = ?`, ACCOUNTS.agent.email))!.id;
  const now = sqlDate(new Date());
  for (let i = 0; i < 12; i++) {
    const name = i === 7 ? `Refund ${u}` : `Filler ${u} ${String(i).padStart(2, "0")}`;
    await db.run(
      `INSERT INTO "saved_reply" ("name", "nameKey", "body", "createdById", "updatedById", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?)`,
      name, name.toLowerCase(), i === 7 ? "Refunded for #{{ticket.number}}." : `Filler ${i}`, agentId, agentId, now, now,
    );
  }
  const rita = await as("requester");
  const n = await tickets.create(rita, { title: `Refund ${u}` });
  const agent = await as("agent");
  await agent.goto(`/tickets/${n}`);
  await comment(agent).fill("Dear Rita,\nBest, Alan");
  // The cursor after the first line.
  await comment(agent).evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(10, 10));
  const search = agent.getByRole("searchbox", { name: "Find a saved reply" });
  await search.fill(`refund ${u}`);
  const picker = agent.getByRole("combobox", { name: "Saved reply" });
  await expect(picker.getByRole("option")).toHaveText(["Choose a reply…", `Refund ${u}`]);
  await expect(picker).toHaveValue(/\d+/);
  await search.press("Enter");
  await expect(comment(agent)).toHaveValue(`Dear Rita,\n\nRefunded for #${n}.\n\nBest, Alan`);
  // Enter inserted; it did not add the comment.
  await expect(agent.getByRole("region", { name: "Conversation" }).getByRole("listitem").filter({ hasText: "Dear Rita" })).toHaveCount(0);
});
