import type { Page } from "@playwright/test";
import { expect, test, unique } from "./fixtures";

/**
 * Tags (issue 24): an agent tags tickets on their pages, sees the chips in the list and filters it
 * by "Tags" (several = all of them); an admin renames and merges tags on /admin/tags; a requester
 * never sees a tag anywhere. Each run's tags and titles are its own words (the server is shared).
 */

/** The list's Tags filter (a combobox while the desk has tags to suggest, a textbox before). */
const tagFilter = (page: Page) => page.getByRole("search", { name: "Filter tickets" }).getByLabel("Tags");

const savedMessage = (page: Page) => page.getByRole("complementary", { name: "Details" }).getByRole("status");

async function setTags(page: Page, number: number, tags: string) {
  await page.goto(`/tickets/${number}`);
  await page.getByRole("textbox", { name: "Tags" }).fill(tags);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(savedMessage(page)).toContainText("Tags changed");
}

test("an agent tags tickets, sees the chips in the list and filters by two tags; an admin renames and merges; a requester sees none of it", async ({ as, tickets }) => {
  // One story across three people and a dozen pages: more than the default 30 s on a busy machine.
  test.setTimeout(90_000);
  const word = unique("tg");
  const [red, blue] = [`${word}-red`, `${word}-blue`];
  const requester = await as("requester");
  const both = await tickets.create(requester, { title: `${word} both tags` });
  const one = await tickets.create(requester, { title: `${word} one tag` });

  const agent = await as("agent");
  await setTags(agent, both, `${red.toUpperCase()}, ${blue}`);
  await expect(agent.getByRole("list", { name: "Tagged" })).toHaveText(`${blue}${red}`);
  await setTags(agent, one, red);

  // The chips beside each title, in the list.
  await agent.goto(`/tickets?q=${word}`);
  const rows = agent.locator("table.tickets tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: `${word} both tags` }).getByRole("list", { name: "Tagged" }).getByRole("listitem")).toHaveText([blue, red]);
  await expect(rows.filter({ hasText: `${word} one tag` }).getByRole("listitem")).toHaveText([red]);

  // The filter: typed, several = all of them, kept in the URL and in the field.
  await agent.goto("/tickets");
  await tagFilter(agent).fill(`${red}, ${blue}`);
  await agent.getByRole("button", { name: "Apply filters" }).click();
  // The form's one field in the URL, as typed; links the list makes spell each tag on its own.
  await expect(agent).toHaveURL(/[?&]tags=[^&]*-red%2C\+[^&]*-blue/);
  await expect(agent.getByRole("status").filter({ hasText: "Showing" })).toHaveText("Showing 1–1 of 1 tickets");
  await expect(agent.locator("table.tickets tbody tr")).toHaveCount(1);
  await expect(agent.locator("table.tickets tbody tr")).toContainText(`${word} both tags`);
  await expect(tagFilter(agent)).toHaveValue(`${red}, ${blue}`);
  await agent.goto(`/tickets?tags=${red}&tags=${blue}&sort=title`);
  await expect(agent.locator("table.tickets tbody tr")).toHaveCount(1);
  await agent.goto(`/tickets?tags=${red}`);
  await expect(agent.locator("table.tickets tbody tr")).toHaveCount(2);

  // The admin renames one tag, then merges it into the other.
  const admin = await as("admin");
  await admin.goto(`/admin/tags?q=${word}`);
  await expect(admin.getByRole("heading", { name: "Tags", level: 1 })).toBeVisible();
  const renameBlue = admin.getByRole("form", { name: `Rename ${blue}` });
  await renameBlue.getByRole("textbox", { name: "New name" }).fill(`${word}-navy`);
  await renameBlue.getByRole("button", { name: "Rename" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Renamed" })).toHaveText(`Renamed ${blue} to ${word}-navy.`);
  const renameNavy = admin.getByRole("form", { name: `Rename ${word}-navy` });
  await renameNavy.getByRole("textbox", { name: "New name" }).fill(red);
  await renameNavy.getByRole("button", { name: "Rename" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Merged" })).toHaveText(`Merged ${word}-navy into ${red}: 2 tickets`);
  await expect(admin.getByRole("form", { name: /^Rename / })).toHaveCount(1);

  await agent.goto(`/tickets/${both}`);
  await expect(agent.getByRole("list", { name: "Tagged" })).toHaveText(red);

  // The requester: no tag on their ticket's page or in their list, and a URL with tags is ignored.
  await requester.goto(`/tickets/${both}`);
  await expect(requester.getByRole("heading", { name: `${word} both tags` })).toBeVisible();
  await expect(requester.getByText(red)).toHaveCount(0);
  await expect(requester.getByText("Tags", { exact: true })).toHaveCount(0);
  await requester.goto(`/tickets?q=${word}&tags=${red}&tags=nothing-like-it`);
  await expect(requester.locator("table.tickets tbody tr")).toHaveCount(2);
  await expect(tagFilter(requester)).toHaveCount(0);
  await expect(requester.getByText(red)).toHaveCount(0);
  await expect(requester.getByRole("list", { name: "Tagged" })).toHaveCount(0);
  const csv = await (await requester.request.get(`/tickets/export?q=${word}&tags=${red}`)).text();
  expect(csv.split("\r\n")[0]).toBe("Number,Title,Status,Priority,Requester,Assignee,Created,Updated");
  expect(csv).not.toContain(red);
});
