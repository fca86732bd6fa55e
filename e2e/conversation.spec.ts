import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "@playwright/test";
import { test, expect, unique } from "./fixtures";
import { ACCOUNTS } from "./accounts";
import { openDb, type Db } from "./db";
import { COMMENTS_PAGE } from "../lib/limits";

/**
 * A long conversation, read a page at a time through links that work without JavaScript; and a
 * person adding comments faster than the desk allows. Long conversations are written straight
 * into the e2e server's database (as many comments as an attacker would post, without the wait).
 */

// Signing up, loading a few hundred comments and a dozen page loads take a while on the shared
// test machine.
test.describe.configure({ timeout: 90_000 });

let db: Db;
test.beforeAll(() => {
  db = openDb();
});
test.afterAll(async () => {
  await db.close();
});

const userId = async (email: string) => (await db.get<{ id: string }>(`SELECT "id" FROM "user" WHERE "email" = ?`, email))!.id;

type Seeded = { authorId: string; body: string; internal: boolean; at: Date };

/** Comments written straight into the table, in order, a few hundred per statement. */
async function seed(ticket: number, comments: Seeded[]) {
  for (let i = 0; i < comments.length; i += 200) {
    const chunk = comments.slice(i, i + 200);
    await db.run(
      `INSERT INTO "comment" ("ticketNumber", "authorId", "body", "internal", "createdAt") VALUES ${chunk.map(() => "(?, ?, ?, ?, ?)").join(", ")}`,
      ...chunk.flatMap((c) => [ticket, c.authorId, c.body, c.internal, c.at]),
    );
  }
}

const conversation = (page: Page) => page.getByRole("region", { name: "Conversation" });
/** The comments shown, by their text (each comment's body is its own line). */
const shown = (page: Page, text: RegExp) => conversation(page).getByRole("listitem").filter({ hasText: text });

test.describe("a long conversation", () => {
  const P = COMMENTS_PAGE;
  const TOTAL = 4 * P;
  /** Comment i: every fourth an agent's internal note. */
  const isNote = (i: number) => i % 4 === 3;
  const label = (i: number) => (isNote(i) ? `Paged note ${i}.` : `Paged comment ${i}.`);
  const PUBLIC = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => !isNote(i));

  /** 4 pages' worth of comments on a ticket of Rita's, hours old. Staff page through all, Rita through the public ones. */
  async function longTicket(rita: Page, tickets: { create: (page: Page, input: { title: string }) => Promise<number> }) {
    const n = await tickets.create(rita, { title: `Long conversation ${unique()}` });
    const ritaId = await userId(ACCOUNTS.requester.email);
    const alan = await userId(ACCOUNTS.agent.email);
    const start = Date.now() - 6 * 3600_000;
    await seed(
      n,
      Array.from({ length: TOTAL }, (_, i) => ({ authorId: isNote(i) || i % 2 ? alan : ritaId, body: label(i), internal: isNote(i), at: new Date(start + i * 1000) })),
    );
    return n;
  }

  /** The page shows exactly these comments (by how many, and the first and last). */
  async function showsExactly(page: Page, list: number[]) {
    await expect(shown(page, /Paged (comment|note) \d+\.$/)).toHaveCount(list.length);
    await expect(page.getByText(label(list[0]), { exact: true })).toBeVisible();
    await expect(page.getByText(label(list[list.length - 1]), { exact: true })).toBeVisible();
  }
  const all = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

  test("staff see the latest page and go back and forth by links; the URL holds the place", async ({ as, tickets }) => {
    const n = await longTicket(await as("requester"), tickets);
    const agent = await as("agent");
    await agent.goto(`/tickets/${n}`);
    await showsExactly(agent, all(3 * P, 4 * P));
    await expect(agent.getByText(label(3 * P - 1), { exact: true })).toHaveCount(0);
    await expect(agent.getByRole("link", { name: "Later comments" })).toHaveCount(0);
    await expect(agent.getByLabel("Comment")).toBeVisible();

    await agent.getByRole("link", { name: "Earlier comments" }).click();
    await expect(agent).toHaveURL(new RegExp(`/tickets/${n}\\?before=[\\d.]+#conversation$`));
    await showsExactly(agent, all(2 * P, 3 * P));
    await expect(agent.getByText(label(3 * P), { exact: true })).toHaveCount(0);

    // The place survives a reload (and a link sent to someone else).
    await agent.goto(agent.url());
    await showsExactly(agent, all(2 * P, 3 * P));

    await agent.getByRole("link", { name: "Earlier comments" }).click();
    await showsExactly(agent, all(P, 2 * P));
    await agent.getByRole("link", { name: "Earlier comments" }).click();
    await showsExactly(agent, all(0, P));
    await expect(agent.getByRole("link", { name: "Earlier comments" })).toHaveCount(0);

    await agent.getByRole("link", { name: "Later comments" }).click();
    await expect(agent).toHaveURL(new RegExp(`\\?after=[\\d.]+#conversation$`));
    await showsExactly(agent, all(P, 2 * P));

    await agent.getByRole("link", { name: "Latest comments" }).click();
    await expect(agent).toHaveURL(new RegExp(`/tickets/${n}#conversation$`));
    await showsExactly(agent, all(3 * P, 4 * P));
    await expect(agent.getByRole("link", { name: "Latest comments" })).toHaveCount(0);
  });

  test("the requester pages through the public comments only; internal notes leave no trace", async ({ as, tickets }) => {
    const page = await as("requester");
    const n = await longTicket(page, tickets);
    await page.goto(`/tickets/${n}`);
    await showsExactly(page, PUBLIC.slice(-P));
    await expect(page.getByText(/Paged note/)).toHaveCount(0);
    await expect(page.getByText(label(PUBLIC.at(-P - 1)!), { exact: true })).toHaveCount(0);
    await page.getByRole("link", { name: "Earlier comments" }).click();
    await showsExactly(page, PUBLIC.slice(-2 * P, -P));
    await expect(page.getByText(/Paged note/)).toHaveCount(0);
    await page.getByRole("link", { name: "Earlier comments" }).click();
    await showsExactly(page, PUBLIC.slice(0, -2 * P));
    await expect(page.getByRole("link", { name: "Earlier comments" })).toHaveCount(0);
    // Even a place named by a note's id shows public comments only: those before it.
    const j = 4 * Math.floor(2 * P / 4) + 3;
    const note = (await db.get<{ id: number }>(`SELECT "id" FROM "comment" WHERE "ticketNumber" = ? AND "body" = ?`, n, label(j)))!.id;
    await page.goto(`/tickets/${n}?before=${note}`);
    await showsExactly(page, PUBLIC.filter((i) => i < j).slice(-P));
    await expect(page.getByText(/Paged note/)).toHaveCount(0);
  });

  test("an earlier page, with links both ways, passes axe in light and dark", async ({ as, tickets, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, "axe runs in the page (e2e/a11y.spec.ts scans pages without JavaScript)");
    const n = await longTicket(await as("requester"), tickets);
    const agent = await as("agent");
    await agent.goto(`/tickets/${n}`);
    await agent.getByRole("link", { name: "Earlier comments" }).click();
    await expect(agent.getByRole("link", { name: "Later comments" })).toBeVisible();
    for (const colorScheme of ["light", "dark"] as const) {
      await agent.emulateMedia({ colorScheme });
      const { violations } = await new AxeBuilder({ page: agent }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]).analyze();
      expect(violations.map((v) => `${colorScheme}: ${v.id}: ${v.nodes.map((x) => x.target.join(" ")).join(", ")}`)).toEqual([]);
    }
  });

  test("a malformed place in the URL shows the latest comments, never an error", async ({ as, tickets }) => {
    const page = await as("requester");
    const n = await longTicket(page, tickets);
    for (const query of ["before=abc", "before=-1", "before=0", "before=1e3", "after=99999999999", "before=1&after=2", "before=12&before=13", "before=%7B%22gt%22%3A0%7D", "after="]) {
      const response = await page.goto(`/tickets/${n}?${query}`);
      expect(response?.status(), query).toBe(200);
      await expect(page.getByText(label(PUBLIC.at(-1)!), { exact: true }), query).toBeVisible();
      await expect(page.getByText(label(PUBLIC.at(-P)!), { exact: true }), query).toBeVisible();
    }
  });
});

/** A new person signed up in their own browser context: a limit reached here holds nobody else back. */
async function newPerson(browser: Browser, javaScriptEnabled: boolean) {
  const email = `${unique("flood")}@example.test`;
  const page = await (await browser.newContext({ javaScriptEnabled })).newPage();
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Fran Flood");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
  return { page, email };
}

test("a person past the comments-a-minute limit is told why, and the comment typed is kept", async ({ browser, javaScriptEnabled, tickets }) => {
  const { page, email } = await newPerson(browser, javaScriptEnabled);
  const n = await tickets.create(page, { title: `Flooded ${unique()}` });
  await page.getByLabel("Comment").fill("The first one, through the form.");
  await page.getByRole("button", { name: "Add comment" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Comment added." })).toBeVisible();

  // A flood from this person in the last seconds: more than any limit the e2e server is given.
  const id = await userId(email);
  const now = Date.now();
  await seed(n, Array.from({ length: 1000 }, (_, i) => ({ authorId: id, body: `Flood ${i}`, internal: false, at: new Date(now - 5_000 + i) })));

  await page.goto(`/tickets/${n}`);
  await page.getByLabel("Comment").fill("One more, and it matters.");
  await page.getByRole("button", { name: "Add comment" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "Not added:" });
  await expect(alert).toBeVisible();
  await expect(alert).toHaveText(/^Not added: one person may add [\d,]+ comments a minute\. Try again in \d+ seconds?; your comment is kept below\.$/);
  await expect(page.getByLabel("Comment")).toHaveValue("One more, and it matters.");
  await expect(page.getByLabel("Comment")).not.toHaveAttribute("aria-invalid", "true");
  await expect(conversation(page).getByRole("listitem").filter({ hasText: "One more, and it matters." })).toHaveCount(0);
  expect(await db.get(`SELECT 1 AS "x" FROM "comment" WHERE "ticketNumber" = ? AND "body" = ?`, n, "One more, and it matters.")).toBeUndefined();
  await page.context().close();
});
