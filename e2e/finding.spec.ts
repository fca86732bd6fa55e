import fs from "node:fs";
import Database from "better-sqlite3";
import type { Locator, Page } from "@playwright/test";
import { test, expect, unique } from "./fixtures";
import { ACCOUNTS } from "./accounts";
import { openDb, sqlDate } from "./db";
import { PORT } from "./env";
import { freshServer } from "./fresh-server";

/**
 * Finding tickets: search, filters kept in the URL, sorting, pagination, quick views, the CSV export,
 * and what a requester may find. Each test makes its own tickets with a unique word and narrows the
 * list to it, because other tests share the database.
 */

// These tests make several tickets each through the UI; give them room on a busy machine.
test.describe.configure({ timeout: 60_000 });

const COLUMNS = ["#", "Title", "Status", "Priority", "Requester", "Assignee", "Updated"] as const;
const SHOWING = /^Showing (\d[\d,]*)–(\d[\d,]*) of (\d[\d,]*) tickets$|^Showing 0 of 0 tickets$/;

const rowsOf = (page: Page) => page.locator("table tbody tr");
// Staff's rows start with a "Select ticket #N" cell (bulk changes), which is no column of COLUMNS.
const cell = (row: Locator, column: (typeof COLUMNS)[number]) => row.locator("td:not(.col-select)").nth(COLUMNS.indexOf(column));
const numbersShown = (page: Page) => rowsOf(page).locator("td.col-number").allTextContents();
const summary = (page: Page) => page.getByRole("status").filter({ hasText: /^Showing / });
/** A pill's text: a decorative (aria-hidden) icon, then the word. */
const pill = (word: string) => new RegExp(`^[^A-Za-z]*${word}$`);

async function openList(page: Page, query = "") {
  const response = await page.goto(`/tickets${query}`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
  await expect(summary(page)).toHaveText(SHOWING);
}

/** Fills the filter form as a person would and applies it. */
async function applyFilters(
  page: Page,
  f: { q?: string; status?: string[]; priority?: string[]; assignee?: string; per?: string },
) {
  if (f.q !== undefined) await page.getByLabel("Search").fill(f.q);
  if (f.status) await page.getByLabel("Status", { exact: true }).selectOption(f.status);
  if (f.priority) await page.getByLabel("Priority", { exact: true }).selectOption(f.priority);
  if (f.assignee) await page.getByLabel("Assignee", { exact: true }).selectOption({ label: f.assignee });
  if (f.per) await page.getByLabel("Per page").selectOption(f.per);
  const before = page.url();
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).not.toHaveURL(before);
  await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
}

/** An agent's edit on a ticket page. */
async function saveChanges(page: Page, number: number, changes: { status?: string; priority?: string; assignee?: string }) {
  await page.goto(`/tickets/${number}`);
  if (changes.status) await page.getByLabel("Status", { exact: true }).selectOption(changes.status);
  if (changes.priority) await page.getByLabel("Priority", { exact: true }).selectOption(changes.priority);
  if (changes.assignee) await page.getByLabel("Assignee", { exact: true }).selectOption({ label: changes.assignee });
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("complementary", { name: "Details" }).getByRole("status")).toContainText("Saved.");
}

/** RFC 4180: fields separated by commas, quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === "") {
      quoted = true;
    } else if (c === ",") {
      endField();
    } else if (c === "\r" && text[i + 1] === "\n") {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else {
      field += c;
    }
  }
  if (field !== "" || row.length) {
    endField();
    rows.push(row);
  }
  return rows;
}

/** The export of what the list currently shows, as a person downloads it. */
async function exportCsv(page: Page, javaScriptEnabled: boolean): Promise<string> {
  const link = page.getByRole("link", { name: "Export CSV" });
  const href = await link.getAttribute("href");
  expect(href).toMatch(/^\/tickets\/export/);
  // Through the browser: clicking the link downloads a .csv file.
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^tickets-.*\.csv$/);
  const downloaded = fs.readFileSync((await download.path())!, "utf8");
  // And the same URL fetched with the page's cookies.
  const response = await page.request.get(href!);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/^text\/csv/);
  const fetched = await response.text();
  expect(downloaded, `download and fetch agree (javaScriptEnabled=${javaScriptEnabled})`).toBe(fetched);
  return fetched;
}

test.describe("search", () => {
  test("matches the beginning of a word", async ({ as, tickets }) => {
    const page = await as("requester");
    const word = `${Math.random().toString(36).slice(2, 8).replace(/\d/g, "q")}${Date.now().toString(36)}keyboard`;
    const title = `Sticky ${word} on the laptop`;
    const number = await tickets.create(page, { title, description: "The space bar repeats." });

    await openList(page);
    await applyFilters(page, { q: word.slice(0, 7) });
    await expect(page).toHaveURL(new RegExp(`[?&]q=${word.slice(0, 7)}`));
    await expect(page.getByLabel("Search")).toHaveValue(word.slice(0, 7));
    await expect(page.getByRole("link", { name: title })).toBeVisible();

    // Every word must match: the prefix plus a word of the description, but not plus a missing one.
    await applyFilters(page, { q: `${word.slice(0, 7)} space` });
    await expect(page.getByRole("link", { name: title })).toBeVisible();
    await applyFilters(page, { q: `${word} zzzznotthere` });
    await expect(summary(page)).toHaveText("Showing 0 of 0 tickets");
    await expect(page.getByRole("link", { name: title })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Clear filters" }).first()).toBeVisible();

    // The whole word finds exactly this one.
    await openList(page, `?q=${word}`);
    await expect(summary(page)).toHaveText("Showing 1–1 of 1 tickets");
    expect(await numbersShown(page)).toEqual([String(number)]);
  });

  test("hostile input answers a normal page", async ({ as }) => {
    const page = await as("agent");
    const inputs = [
      '"',
      'say "hello',
      "*",
      "a AND b",
      "NEAR(a b)",
      "OR",
      "((( ]] {",
      "title:x -y ^z",
      "'; DROP TABLE ticket; --",
      "%_%",
      "\u0000nul",
      "x".repeat(5000),
    ];
    for (const q of inputs) {
      const response = await page.goto(`/tickets?q=${encodeURIComponent(q)}`);
      expect(response?.status(), `q=${q.slice(0, 40)}`).toBe(200);
      await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
      await expect(summary(page)).toHaveText(SHOWING);
    }
    // Typed into the box too.
    await page.getByLabel("Search").fill('"unbalanced (AND* NEAR');
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/q=%22unbalanced/);
    await expect(summary(page)).toHaveText(SHOWING);
  });

  test("nonsense in the URL falls back to defaults", async ({ as }) => {
    const page = await as("agent");
    for (const query of [
      "?page=-3&sort=evil&status=Nope&per=7",
      "?page=1e9&dir=sideways&priority=Bogus&assignee=%27",
      "?page=99999999999999999999&per=-1&sort=priority&dir=up",
      "?status=Open&status=Open&status[]=x",
    ]) {
      await openList(page, query);
      await expect(page.getByLabel("Per page")).toHaveValue("50");
    }
    await openList(page, "?page=-3&sort=evil&status=Nope&per=7");
    await expect(page.getByLabel("Status", { exact: true })).toHaveValues([]);
  });
});

test.describe("filters", () => {
  test("live in the URL, survive a reload and narrow the list; Clear filters resets", async ({ as, tickets }) => {
    const agent = await as("agent");
    const word = unique("filt");
    const openHigh = await tickets.create(agent, { title: `Open high ${word}`, priority: "High" });
    const waitingHigh = await tickets.create(agent, { title: `Waiting high ${word}`, priority: "High" });
    const openLow = await tickets.create(agent, { title: `Open low ${word}`, priority: "Low" });
    const progressHigh = await tickets.create(agent, { title: `In progress high ${word}`, priority: "High" });
    await saveChanges(agent, waitingHigh, { status: "Waiting" });
    await saveChanges(agent, progressHigh, { status: "In progress" });

    await openList(agent);
    await applyFilters(agent, { q: word, status: ["Open", "Waiting"], priority: ["High"] });
    await expect(agent).toHaveURL(/[?&]status=Open&status=Waiting(&|$)/);
    await expect(agent).toHaveURL(/[?&]priority=High(&|$)/);
    await expect(agent).toHaveURL(new RegExp(`[?&]q=${word}(&|$)`));

    const check = async () => {
      await expect(summary(agent)).toHaveText("Showing 1–2 of 2 tickets");
      expect((await numbersShown(agent)).sort()).toEqual([String(openHigh), String(waitingHigh)].sort());
      for (const row of await rowsOf(agent).all()) {
        await expect(cell(row, "Status")).toHaveText(/Open$|Waiting$/);
        await expect(cell(row, "Priority")).toHaveText(pill("High"));
      }
      await expect(agent.getByLabel("Search")).toHaveValue(word);
      await expect(agent.getByLabel("Status", { exact: true })).toHaveValues(["Open", "Waiting"]);
      await expect(agent.getByLabel("Priority", { exact: true })).toHaveValues(["High"]);
    };
    await check();
    await agent.reload();
    await check();

    // Only the status filter: three of the four.
    await openList(agent, `?q=${word}&status=Open`);
    expect((await numbersShown(agent)).sort()).toEqual([String(openHigh), String(openLow)].sort());

    await agent.getByRole("link", { name: "Clear filters" }).first().click();
    await expect(agent).toHaveURL(/\/tickets$/);
    await expect(agent.getByLabel("Search")).toHaveValue("");
    await expect(agent.getByLabel("Status", { exact: true })).toHaveValues([]);
    await expect(agent.getByLabel("Priority", { exact: true })).toHaveValues([]);
    await expect(agent.getByRole("link", { name: "Clear filters" })).toHaveCount(0);
  });

  test("the Assignee filter: Me and Unassigned", async ({ as, tickets }) => {
    const agent = await as("agent");
    const word = unique("who");
    const mine = await tickets.create(agent, { title: `Mine ${word}` });
    const nobodys = await tickets.create(agent, { title: `Nobody's ${word}` });
    await saveChanges(agent, mine, { assignee: ACCOUNTS.agent.name });

    await openList(agent, `?q=${word}`);
    await applyFilters(agent, { assignee: "Me" });
    await expect(agent).toHaveURL(/[?&]assignee=me(&|$)/);
    expect(await numbersShown(agent)).toEqual([String(mine)]);
    await applyFilters(agent, { assignee: "Unassigned" });
    expect(await numbersShown(agent)).toEqual([String(nobodys)]);
    await applyFilters(agent, { assignee: ACCOUNTS.agent.name });
    expect(await numbersShown(agent)).toEqual([String(mine)]);
  });
});

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The error a filter field shows, linked to it (aria-describedby, aria-invalid), as a screen reader announces it. */
async function expectFilterError(page: Page, label: string, message: string) {
  const field = page.getByLabel(label, { exact: true });
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toHaveAccessibleDescription(new RegExp(`${escaped(message)}$`));
  await expect(page.getByText(message, { exact: true })).toBeVisible();
}

/** A person's id, as the links from elsewhere carry it. */
async function userId(email: string): Promise<string> {
  const db = openDb();
  try {
    return (await db.get<{ id: string }>(`SELECT "id" FROM "user" WHERE "email" = ?`, email))!.id;
  } finally {
    await db.close();
  }
}

test.describe("people in the filters (issue 23: a Requester typed, not a list of everyone)", () => {
  test("the Requester filter takes a typed email; a link's id shows the email; no one with it says so", async ({ as, tickets, javaScriptEnabled }) => {
    const word = unique("whose");
    const ritas = await tickets.create(await as("requester"), { title: `Rita's ${word}` });
    await tickets.create(await as("other"), { title: `Otto's ${word}` });

    const agent = await as("agent");
    await openList(agent, `?q=${word}`);
    const field = agent.getByLabel("Requester", { exact: true });
    await expect(field).toHaveValue("");
    // Typed in another case: addresses are matched whatever the case.
    await field.fill(ACCOUNTS.requester.email.toUpperCase());
    await applyFilters(agent, {});
    await expect(agent).toHaveURL(new RegExp(`[?&]requester=${encodeURIComponent(ACCOUNTS.requester.email.toUpperCase())}(&|$)`, "i"));
    expect(await numbersShown(agent)).toEqual([String(ritas)]);
    await expect(agent.getByLabel("Requester", { exact: true })).toHaveValue(ACCOUNTS.requester.email);
    await expect(agent.getByLabel("Requester", { exact: true })).not.toHaveAttribute("aria-invalid", "true");

    // The export of that view, the same person.
    const csv = parseCsv(await exportCsv(agent, javaScriptEnabled));
    expect(csv.slice(1).map((r) => [Number(r[0]), r[4]])).toEqual([[ritas, ACCOUNTS.requester.name]]);

    // Links from elsewhere name the requester by id: still the same view, and the field says who.
    await openList(agent, `?q=${word}&requester=${await userId(ACCOUNTS.requester.email)}`);
    expect(await numbersShown(agent)).toEqual([String(ritas)]);
    await expect(agent.getByLabel("Requester", { exact: true })).toHaveValue(ACCOUNTS.requester.email);

    // An address no one has: a message next to the field, what was typed kept, and no tickets.
    const nobody = `nobody-${word}@example.test`;
    await agent.getByLabel("Requester", { exact: true }).fill(nobody);
    await applyFilters(agent, {});
    await expectFilterError(agent, "Requester", `No one has the email ${nobody}.`);
    await expect(agent.getByLabel("Requester", { exact: true })).toHaveValue(nobody);
    await expect(summary(agent)).toHaveText("Showing 0 of 0 tickets");
    await expect(agent.getByText("No tickets match these filters.")).toBeVisible();
  });

  test("with JavaScript, the Requester field suggests people as the agent types", async ({ as, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, "suggestions need JavaScript; without it the typed email is the way (above)");
    const agent = await as("agent");
    await openList(agent);
    const asked: string[] = [];
    agent.on("request", (r) => void (r.url().includes("/people/suggest") && asked.push(r.url())));
    const field = agent.getByRole("combobox", { name: "Requester" });
    await field.pressSequentially("rita req", { delay: 30 });
    const option = agent.locator(`datalist#requester-suggestions option[value="${ACCOUNTS.requester.email}"]`);
    await expect(option).toHaveCount(1);
    await expect(option).toHaveText(ACCOUNTS.requester.name);
    // Debounced: one question for a word typed in one go, not one per key.
    expect(asked.length).toBeLessThanOrEqual(2);
    await field.fill(ACCOUNTS.requester.email);
    await applyFilters(agent, {});
    await expect(agent).toHaveURL(/[?&]requester=/);
    for (const row of await rowsOf(agent).all()) await expect(cell(row, "Requester")).toHaveText(ACCOUNTS.requester.name);
  });

  test("the suggestions answer staff only: a requester, or no one signed in, gets nothing", async ({ as, browser }) => {
    const agent = await as("agent");
    const staff = await agent.request.get(`/people/suggest?q=rita`);
    expect(staff.status()).toBe(200);
    expect(staff.headers()["cache-control"]).toContain("no-store");
    expect((await staff.json()).people).toContainEqual({ email: ACCOUNTS.requester.email, name: ACCOUNTS.requester.name });

    const rita = await as("requester");
    for (const q of ["rita", "a", "agent", "otto@example.test"]) {
      for (const scope of ["requester", "assignee"]) {
        const r = await rita.request.get(`/people/suggest?q=${encodeURIComponent(q)}&for=${scope}`);
        expect(r.status(), `${q} ${scope}`).toBe(404);
        const body = await r.text();
        expect(body).not.toContain("@");
        expect(body).not.toContain(ACCOUNTS.agent.name);
      }
    }
    const stranger = await browser.newContext();
    const anon = await stranger.request.get("/people/suggest?q=rita", { maxRedirects: 0 });
    expect(anon.status()).toBe(307);
    expect(anon.headers().location).toMatch(/^\/sign-in/);
    const forged = await stranger.request.get("/people/suggest?q=rita", { maxRedirects: 0, headers: { cookie: "triage.session_token=forged.value" } });
    expect(forged.status()).toBe(401);
    expect(await forged.text()).toBe("");
    await stranger.close();
  });
});

/**
 * A desk with more agents than a select lists (ASSIGNEE_SELECT_MAX, 200): the Assignee picker and
 * the Assignee filter become a typed email with suggestions. On a server of this test's own, so
 * that the shared desk keeps its selects.
 */
test.describe("a desk with more agents than a select lists", () => {
  test.describe.configure({ timeout: 150_000 });

  test("the Assignee is typed: by email, refused for a deactivated agent or an unknown address, kept for a ticket already theirs", async ({ browser, javaScriptEnabled }, testInfo) => {
    // Ports of its own: + 2 to + 12 are other specs' fresh servers (abuse-accounts, operations, logs, people, rolling-restart).
    const server = await freshServer(PORT + (testInfo.project.name === "nojs" ? 14 : 13));
    const context = await browser.newContext({ javaScriptEnabled, baseURL: server.url });
    try {
      const page = await context.newPage();
      // The first account is the admin.
      await page.goto("/sign-up");
      await page.getByLabel("Name").fill("Fran First");
      await page.getByLabel("Email").fill("fran@big.test");
      await page.getByLabel("Password").fill("a long enough password");
      await page.getByRole("button", { name: "Create account" }).click();
      await expect(page).toHaveURL(/\/tickets/);
      const numbers: number[] = [];
      for (const title of ["Typed assignee", "Kept assignee"]) {
        await page.goto("/tickets/new");
        await page.getByLabel("Title").fill(title);
        await page.getByLabel("Description").fill("On a desk with many agents.");
        await page.getByRole("button", { name: "Create ticket" }).click();
        await expect(page).toHaveURL(/\/tickets\/\d+\?created=1/);
        numbers.push(Number(/\/tickets\/(\d+)/.exec(page.url())![1]));
      }
      const [typed, kept] = numbers;

      // 201 agents, one of them deactivated, and a ticket already with the deactivated one.
      const db = new Database(server.file);
      const now = sqlDate(Date.now());
      const add = db.prepare(`INSERT INTO "user" ("id", "name", "email", "emailVerified", "role", "createdAt", "updatedAt", "deactivatedAt") VALUES (?, ?, ?, 0, 'agent', ?, ?, ?)`);
      db.transaction(() => {
        for (let i = 0; i < 200; i++) add.run(`big-${i}`, `Agent ${String(i).padStart(3, "0")}`, `agent${String(i).padStart(3, "0")}@big.test`, now, now, null);
        add.run("gone", "Gone Agent", "gone@big.test", now, now, now);
      })();
      db.prepare(`UPDATE "ticket" SET "assigneeId" = 'gone', "assigneeName" = 'Gone Agent' WHERE "number" = ?`).run(kept);
      db.close();

      // The ticket page: an email typed, with a hint; refused with the reason next to the field.
      await page.goto(`/tickets/${typed}`);
      const assignee = page.getByLabel("Assignee", { exact: true });
      await expect(assignee).toHaveJSProperty("tagName", "INPUT");
      await expect(assignee).toHaveValue("");
      await expect(assignee).toHaveAccessibleDescription("An agent’s email; empty for Unassigned.");
      const save = async (value: string) => {
        await page.getByLabel("Assignee", { exact: true }).fill(value);
        await page.getByRole("button", { name: "Save changes" }).click();
      };
      const fieldError = async (message: string) => {
        const field = page.getByLabel("Assignee", { exact: true });
        await expect(field).toHaveAttribute("aria-invalid", "true");
        await expect(field).toHaveAccessibleDescription(new RegExp(escaped(message)));
      };
      await save("gone@big.test");
      await fieldError("Gone Agent is deactivated and cannot be assigned tickets.");
      await expect(page.getByLabel("Assignee", { exact: true })).toHaveValue("gone@big.test");
      await save("nobody@big.test");
      await fieldError("No one has the email nobody@big.test.");
      await save("AGENT007@big.test");
      await expect(page.getByRole("complementary", { name: "Details" }).getByRole("status")).toContainText("Assignee changed from Unassigned to Agent 007");
      await page.goto(`/tickets/${typed}`);
      await expect(page.getByLabel("Assignee", { exact: true })).toHaveValue("agent007@big.test");

      if (javaScriptEnabled) {
        // Suggestions: only agents who may be given tickets.
        await page.getByLabel("Assignee", { exact: true }).fill("");
        await page.getByLabel("Assignee", { exact: true }).pressSequentially("agent01", { delay: 30 });
        const options = page.locator("datalist#f-assigneeId-suggestions option");
        await expect(options).toHaveCount(10);
        await expect(options.first()).toHaveAttribute("value", "agent010@big.test");
        await page.getByLabel("Assignee", { exact: true }).fill("");
        await page.getByLabel("Assignee", { exact: true }).pressSequentially("gon", { delay: 30 });
        await expect(page.locator("datalist#f-assigneeId-suggestions option")).toHaveCount(0);
        const asked = await page.request.get("/people/suggest?q=gon&for=assignee");
        expect((await asked.json()).people).toEqual([]);
      }

      // A ticket already with the deactivated agent: shown as theirs, marked, and other changes save.
      await page.goto(`/tickets/${kept}`);
      await expect(page.getByLabel("Assignee", { exact: true })).toHaveValue("gone@big.test");
      await expect(page.getByLabel("Assignee", { exact: true })).toHaveAccessibleDescription(/^Gone Agent \(deactivated\)\./);
      await page.getByLabel("Status", { exact: true }).selectOption("Waiting");
      await page.getByRole("button", { name: "Save changes" }).click();
      await expect(page.getByRole("complementary", { name: "Details" }).getByRole("status")).toHaveText("Saved. Status changed from Open to Waiting.");

      // The list's Assignee filter: typed too, with Me and Unassigned kept.
      await page.goto("/tickets");
      const filter = page.getByLabel("Assignee", { exact: true });
      await expect(filter).toHaveJSProperty("tagName", "INPUT");
      // Me and Unassigned are offered as typed choices, with or without JavaScript.
      const fixed = page.locator("datalist#assignee-suggestions option");
      await expect(fixed).toHaveCount(2);
      await expect(fixed.nth(0)).toHaveAttribute("value", "Me");
      await expect(fixed.nth(1)).toHaveAttribute("value", "Unassigned");
      await filter.fill("agent007@big.test");
      await page.getByRole("button", { name: "Apply filters" }).click();
      await expect(page).toHaveURL(/[?&]assignee=agent007%40big\.test/);
      expect(await numbersShown(page)).toEqual([String(typed)]);
      await expect(page.getByLabel("Assignee", { exact: true })).toHaveValue("agent007@big.test");
      await page.getByLabel("Assignee", { exact: true }).fill("Unassigned");
      await page.getByRole("button", { name: "Apply filters" }).click();
      await expect(page).toHaveURL(/[?&]assignee=Unassigned/);
      await expect(summary(page)).toHaveText("Showing 0 of 0 tickets");
      await expect(page.getByLabel("Assignee", { exact: true })).toHaveValue("Unassigned");
      await page.goto("/tickets?assignee=gone");
      expect(await numbersShown(page)).toEqual([String(kept)]);
      await expect(page.getByLabel("Assignee", { exact: true })).toHaveValue("gone@big.test");
      await page.goto("/tickets?assignee=ghost%40big.test");
      await expectFilterError(page, "Assignee", "No agent has the email ghost@big.test.");
    } finally {
      await context.close();
      await server.stop();
    }
  });
});

test.describe("sorting", () => {
  test("column headers sort, and sort again the other way; priority by urgency", async ({ as, tickets }) => {
    const page = await as("requester");
    const word = unique("sort");
    const n: Record<string, number> = {};
    for (const p of ["Medium", "Urgent", "Low", "High"]) n[p] = await tickets.create(page, { title: `${p} ${word}`, priority: p });

    await openList(page, `?q=${word}`);
    await expect(rowsOf(page)).toHaveCount(4);
    const priorityHeader = page.getByRole("columnheader", { name: "Priority" });
    await expect(priorityHeader).not.toHaveAttribute("aria-sort", /.+/);

    await priorityHeader.getByRole("link", { name: "Priority" }).click();
    await expect(priorityHeader).toHaveAttribute("aria-sort", "descending");
    await expect(page).toHaveURL(/[?&]sort=priority/);
    await expect(page).toHaveURL(new RegExp(`[?&]q=${word}`));
    await expect(rowsOf(page).locator("td.col-priority")).toHaveText([
      pill("Urgent"),
      pill("High"),
      pill("Medium"),
      pill("Low"),
    ]);
    expect(await numbersShown(page)).toEqual([n.Urgent, n.High, n.Medium, n.Low].map(String));

    await page.getByRole("columnheader", { name: "Priority" }).getByRole("link", { name: "Priority" }).click();
    await expect(priorityHeader).toHaveAttribute("aria-sort", "ascending");
    await expect(page).toHaveURL(/[?&]dir=asc/);
    expect(await numbersShown(page)).toEqual([n.Low, n.Medium, n.High, n.Urgent].map(String));
    // The filters are kept while sorting.
    await expect(page.getByLabel("Search")).toHaveValue(word);

    // Another column: by number, newest first, then oldest first.
    await page.getByRole("columnheader", { name: "#" }).getByRole("link").click();
    await expect(page.getByRole("columnheader", { name: "#" })).toHaveAttribute("aria-sort", "descending");
    await expect(page.getByRole("columnheader", { name: "Priority" })).not.toHaveAttribute("aria-sort", /.+/);
    expect(await numbersShown(page)).toEqual([n.High, n.Low, n.Urgent, n.Medium].map(String));
    await page.getByRole("columnheader", { name: "#" }).getByRole("link").click();
    await expect(page.getByRole("columnheader", { name: "#" })).toHaveAttribute("aria-sort", "ascending");
    expect(await numbersShown(page)).toEqual([n.Medium, n.Urgent, n.Low, n.High].map(String));
  });
});

test.describe("pagination", () => {
  test("pages of 25 with Next page and Previous page; past the end shows the last page", async ({ as, tickets }) => {
    const word = unique("page");
    // One ticket through the form; 25 more written beside it into the database (triggers index
    // and count them as they do any ticket): this test is about paging, not creating.
    const page = await as("requester");
    const first = await tickets.create(page, { title: `Page test 0 ${word}` });
    let created: number[] = [];
    const db = openDb();
    try {
      const now = Date.now();
      for (let k = 1; k < 26; k++) {
        await db.run(
          `INSERT INTO "ticket" ("title", "description", "priority", "status", "requesterId", "createdAt", "updatedAt", "version")
           SELECT ?, "description", "priority", "status", "requesterId", ?, ?, 1 FROM "ticket" WHERE "number" = ?`,
          `Page test ${k} ${word}`, new Date(now - k * 1000), new Date(now - k * 1000), first,
        );
      }
      const rows = await db.all<{ number: number }>(`SELECT "number" FROM "ticket" WHERE "title" LIKE ?`, `Page test % ${word}`);
      created = rows.map((r) => Number(r.number));
    } finally {
      await db.close();
    }
    expect(created).toHaveLength(26);

    await openList(page, `?q=${word}`);
    await expect(summary(page)).toHaveText("Showing 1–26 of 26 tickets");
    await expect(page.getByRole("link", { name: "Next page" })).toHaveCount(0);
    await applyFilters(page, { per: "25" });
    await expect(page).toHaveURL(/[?&]per=25(&|$)/);
    await expect(page.getByLabel("Per page")).toHaveValue("25");
    await expect(summary(page)).toHaveText("Showing 1–25 of 26 tickets");
    await expect(rowsOf(page)).toHaveCount(25);
    await expect(page.getByRole("link", { name: "Previous page" })).toHaveCount(0);
    const firstPage = await numbersShown(page);

    await page.getByRole("link", { name: "Next page" }).click();
    await expect(summary(page)).toHaveText("Showing 26–26 of 26 tickets");
    await expect(page).toHaveURL(/[?&]page=2(&|$)/);
    await expect(page).toHaveURL(/[?&]per=25(&|$)/);
    await expect(rowsOf(page)).toHaveCount(1);
    await expect(page.getByRole("link", { name: "Next page" })).toHaveCount(0);
    const secondPage = await numbersShown(page);
    expect([...firstPage, ...secondPage].map(Number).sort((a, b) => a - b)).toEqual(
      [...created].sort((a, b) => a - b),
    );

    await page.getByRole("link", { name: "Previous page" }).click();
    await expect(summary(page)).toHaveText("Showing 1–25 of 26 tickets");
    expect(await numbersShown(page)).toEqual(firstPage);

    await openList(page, `?q=${word}&per=25&page=999999`);
    await expect(summary(page)).toHaveText("Showing 26–26 of 26 tickets");
    expect(await numbersShown(page)).toEqual(secondPage);
    await openList(page, `?q=${word}&page=999999`);
    await expect(summary(page)).toHaveText("Showing 1–26 of 26 tickets");
  });
});

test.describe("quick views", () => {
  test("agents see their counts, and a ticket they take appears under My open tickets", async ({ as, tickets }) => {
    const agent = await as("agent");
    const word = unique("quick");
    const title = `Quick view ${word}`;
    const number = await tickets.create(agent, { title });

    await openList(agent);
    const views = agent.getByRole("navigation", { name: "Quick views" });
    for (const name of ["My open tickets", "Unassigned", "All open"]) {
      await expect(views.getByRole("link", { name: new RegExp(`^${name} \\d[\\d,]*$`) })).toBeVisible();
    }

    // Unassigned, narrowed to this test's word: the new ticket is there.
    await views.getByRole("link", { name: /^Unassigned / }).click();
    await expect(agent).toHaveURL(/[?&]assignee=none/);
    await applyFilters(agent, { q: word });
    await expect(agent.getByRole("link", { name: title })).toBeVisible();

    await saveChanges(agent, number, { assignee: ACCOUNTS.agent.name });

    await openList(agent);
    const mine = agent.getByRole("navigation", { name: "Quick views" }).getByRole("link", { name: /^My open tickets / });
    const count = Number((await mine.textContent())!.replace(/\D/g, ""));
    expect(count).toBeGreaterThanOrEqual(1);
    await mine.click();
    await expect(agent).toHaveURL(/[?&]assignee=me/);
    await expect(agent.getByLabel("Assignee", { exact: true })).toHaveValue("me");
    await expect(agent.getByLabel("Status", { exact: true })).toHaveValues(["Open", "In progress", "Waiting"]);
    await applyFilters(agent, { q: word });
    await expect(summary(agent)).toHaveText("Showing 1–1 of 1 tickets");
    await expect(cell(rowsOf(agent).first(), "Assignee")).toHaveText(ACCOUNTS.agent.name);
    await expect(agent.getByRole("link", { name: title })).toBeVisible();

    // No longer unassigned.
    await openList(agent, `?q=${word}&assignee=none`);
    await expect(summary(agent)).toHaveText("Showing 0 of 0 tickets");

    // Closed tickets leave the open views.
    await saveChanges(agent, number, { status: "Closed" });
    await openList(agent, `?q=${word}&status=Open&status=In+progress&status=Waiting&assignee=me`);
    await expect(summary(agent)).toHaveText("Showing 0 of 0 tickets");
  });
});

test.describe("CSV export", () => {
  test("exports the filtered list, quoted, with formulas neutralised", async ({ as, tickets, javaScriptEnabled }) => {
    const page = await as("requester");
    const word = unique("csv");
    const formula = `=HYPERLINK("http://x","${word}")`;
    const punctuated = `Commas, "quotes" and more ${word}`;
    const a = await tickets.create(page, { title: formula, priority: "Urgent" });
    const b = await tickets.create(page, { title: punctuated, description: `line one\nline two ${word}` });
    const c = await tickets.create(page, { title: `+SUM(1) -2 @x ${word}`, priority: "Low" });

    await openList(page, `?q=${word}`);
    await expect(rowsOf(page)).toHaveCount(3);
    // The title is shown as typed in the list.
    await expect(page.getByRole("link", { name: formula })).toBeVisible();

    const text = await exportCsv(page, javaScriptEnabled);
    expect(text.startsWith("Number,Title,Status,Priority,Requester,Assignee,Created,Updated\r\n")).toBe(true);
    // RFC 4180: quoted because of quotes and commas, quotes doubled, formula prefixed with '.
    expect(text).toContain(`${a},"'=HYPERLINK(""http://x"",""${word}"")",Open,Urgent,${ACCOUNTS.requester.name},,`);
    expect(text).toContain(`${b},"Commas, ""quotes"" and more ${word}",Open,Medium,`);
    expect(text).toContain(`${c},'+SUM(1) -2 @x ${word},Open,Low,`);

    const rows = parseCsv(text);
    expect(rows[0]).toEqual(["Number", "Title", "Status", "Priority", "Requester", "Assignee", "Created", "Updated"]);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toHaveLength(8);
    const byNumber = new Map(rows.slice(1).map((r) => [Number(r[0]), r]));
    expect([...byNumber.keys()].sort((x, y) => x - y)).toEqual([a, b, c].sort((x, y) => x - y));
    expect(byNumber.get(a)![1]).toBe(`'${formula}`);
    expect(byNumber.get(b)![1]).toBe(punctuated);
    expect(byNumber.get(c)![1]).toBe(`'+SUM(1) -2 @x ${word}`);
    for (const r of rows.slice(1)) {
      expect(r[1].startsWith("=")).toBe(false);
      expect(r[4]).toBe(ACCOUNTS.requester.name);
      expect(r[6]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      expect(r[7]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    }

    // The export follows the filters: only the Urgent one.
    await openList(page, `?q=${word}&priority=Urgent`);
    const urgent = parseCsv(await exportCsv(page, javaScriptEnabled));
    expect(urgent.slice(1).map((r) => Number(r[0]))).toEqual([a]);
  });

  test("a field with a line break is quoted", async ({ as, javaScriptEnabled }) => {
    // Titles are single-line inputs; an agent's name has no line break either. What can carry one
    // into the export is checked through the title sent with a line break in it.
    const page = await as("requester");
    const word = unique("nl");
    await page.goto("/tickets/new");
    const title = page.getByLabel("Title");
    // A text input drops line breaks as typed; send one anyway by swapping in a textarea.
    await title.evaluate((el, w) => {
      const area = document.createElement("textarea");
      area.name = el.getAttribute("name") ?? "title";
      area.id = el.id;
      area.value = `first ${w}\nsecond`;
      el.replaceWith(area);
    }, word);
    await page.getByLabel("Description").fill(`Line breaks ${word}`);
    await page.getByRole("button", { name: "Create ticket" }).click();
    await expect(page.getByRole("status").filter({ hasText: /Ticket #\d+ created/ })).toBeVisible();
    const number = Number(/\/tickets\/(\d+)/.exec(page.url())![1]);

    await openList(page, `?q=${word}`);
    const text = await exportCsv(page, javaScriptEnabled);
    const rows = parseCsv(text);
    expect(rows).toHaveLength(2);
    const row = rows[1];
    expect(row[0]).toBe(String(number));
    expect(row).toHaveLength(8);
    expect(row[1]).toMatch(new RegExp(`^first ${word}\\s+second$`));
    // A line break inside a field only ever appears inside quotes.
    if (/[\r\n]/.test(row[1])) expect(text).toContain(`${number},"first ${word}`);
  });
});

test.describe("a requester finds only their own tickets", () => {
  test("someone else's ticket is never shown, exported or opened", async ({ as, tickets, javaScriptEnabled }) => {
    const other = await as("other");
    const word = unique("priv");
    const title = `Otto's private ticket ${word}`;
    const hidden = await tickets.create(other, { title, priority: "Urgent" });

    const rita = await as("requester");
    const own = await tickets.create(rita, { title: `Rita's own ticket ${word}` });

    await openList(rita, `?q=${word}`);
    await expect(summary(rita)).toHaveText("Showing 1–1 of 1 tickets");
    expect(await numbersShown(rita)).toEqual([String(own)]);
    await expect(rita.getByRole("link", { name: title })).toHaveCount(0);
    await expect(rita.getByText(ACCOUNTS.other.name)).toHaveCount(0);

    for (const query of [
      `?q=${word}&status=Open&priority=Urgent`,
      `?q=${word}&assignee=none`,
      `?q=${word}&sort=priority`,
      `?q=${word}&sort=requester&dir=desc`,
    ]) {
      await openList(rita, query);
      await expect(rita.getByRole("link", { name: title })).toHaveCount(0);
    }

    // The quick views count and show only Rita's tickets.
    await openList(rita);
    const views = rita.getByRole("navigation", { name: "Quick views" });
    await expect(views.getByRole("link", { name: /^All open \d/ })).toBeVisible();
    await expect(views.getByRole("link", { name: /^My open tickets/ })).toHaveCount(0);
    await views.getByRole("link", { name: /^All open / }).click();
    await expect(rita).toHaveURL(/status=Open/);
    for (const row of await rowsOf(rita).all()) await expect(cell(row, "Requester")).toHaveText(ACCOUNTS.requester.name);
    await applyFilters(rita, { q: word });
    expect(await numbersShown(rita)).toEqual([String(own)]);

    // The Assignee filter offers no one by name, and there is no Requester filter.
    await expect(rita.getByLabel("Assignee", { exact: true }).locator("option")).toHaveText(["Anyone", "Me", "Unassigned"]);
    await expect(rita.getByLabel("Requester", { exact: true })).toHaveCount(0);

    // The export.
    await openList(rita, `?q=${word}`);
    const csv = await exportCsv(rita, javaScriptEnabled);
    expect(csv).not.toContain("private ticket");
    const rows = parseCsv(csv);
    expect(rows.slice(1).map((r) => Number(r[0]))).toEqual([own]);
    const everything = await rita.request.get("/tickets/export");
    expect(everything.status()).toBe(200);
    for (const row of parseCsv(await everything.text()).slice(1)) expect(row[4]).toBe(ACCOUNTS.requester.name);

    // Otto sees it.
    await openList(other, `?q=${word}`);
    expect(await numbersShown(other)).toEqual([String(hidden)]);

    // Its page answers 404, like a missing ticket.
    const response = await rita.goto(`/tickets/${hidden}`);
    expect(response?.status()).toBe(404);
    await expect(rita.getByRole("heading", { level: 1 })).toHaveText(/^(Ticket not found|Page not found)$/);
    await expect(rita.getByText(title)).toHaveCount(0);
  });

  test("a requester closes and reopens their own ticket but cannot edit it", async ({ as, tickets }) => {
    const rita = await as("requester");
    const number = await tickets.create(rita, { title: `Close me ${unique()}` });
    const details = rita.getByRole("complementary", { name: "Details" });
    const status = details.locator(`xpath=.//dt[normalize-space()="Status"]/following-sibling::dd[1]`);

    await expect(rita.getByRole("button", { name: "Save changes" })).toHaveCount(0);
    await expect(rita.getByRole("combobox", { name: "Status" })).toHaveCount(0);
    await expect(rita.getByRole("combobox", { name: "Priority" })).toHaveCount(0);
    await expect(rita.getByRole("combobox", { name: "Assignee" })).toHaveCount(0);
    await expect(status).toHaveText(pill("Open"));

    await rita.getByRole("button", { name: "Close ticket" }).click();
    await expect(status).toHaveText(pill("Closed"));
    await expect(rita.getByRole("button", { name: "Reopen ticket" })).toBeVisible();
    await expect(rita.getByRole("button", { name: "Close ticket" })).toHaveCount(0);
    await expect(rita.getByRole("region", { name: "Conversation" })).toContainText(
      `${ACCOUNTS.requester.name} changed status from Open to Closed`,
    );

    await rita.goto(`/tickets/${number}`);
    await expect(status).toHaveText(pill("Closed"));
    await rita.getByRole("button", { name: "Reopen ticket" }).click();
    await expect(status).toHaveText(pill("Open"));
    await expect(rita.getByRole("button", { name: "Close ticket" })).toBeVisible();

    // Another requester cannot see it at all.
    const otto = await as("other");
    const response = await otto.goto(`/tickets/${number}`);
    expect(response?.status()).toBe(404);
  });
});
