import type { Page } from "@playwright/test";
import { test, expect, unique } from "./fixtures";
import { ACCOUNTS } from "./accounts";

/**
 * The ticket page's staff actions and its one timeline (issue 24): merging a duplicate into
 * another ticket, "Assign to me", and folding the history away. With JavaScript on and off.
 */

const conversation = (page: Page) => page.getByRole("region", { name: "Conversation" });
const detail = (page: Page, term: string) => page.getByRole("complementary", { name: "Details" }).locator(`dt:text-is("${term}") + dd`);

test("an agent merges Otto's duplicate into Rita's ticket: the target shows it from #N, the duplicate links there and stays closed", async ({ as, tickets }) => {
  const rita = await as("requester");
  const otto = await as("other");
  const target = await tickets.create(rita, { title: `Printer on fire ${unique()}` });
  const dup = await tickets.create(otto, { title: `Printer smoking ${unique()}`, description: "Smoke from the printer on floor 2." });
  await otto.getByLabel("Comment").fill("It smells of toast.");
  await otto.getByRole("button", { name: "Add comment" }).click();
  await expect(conversation(otto).getByText("It smells of toast.")).toBeVisible();

  const agent = await as("agent");
  await agent.goto(`/tickets/${dup}`);
  // A refusal is next to the field, and changes nothing.
  await agent.getByLabel("Merge into").fill(String(dup));
  await agent.getByRole("button", { name: "Merge", exact: true }).click();
  await expect(agent.getByText("A ticket cannot be merged into itself.")).toBeVisible();
  await expect(agent.getByLabel("Merge into")).toHaveAttribute("aria-invalid", "true");
  await expect(detail(agent, "Status")).toContainText("Open");

  await agent.getByLabel("Merge into").fill(`#${target}`);
  await agent.getByRole("button", { name: "Merge", exact: true }).click();
  await expect(agent).toHaveURL(new RegExp(`/tickets/${target}\\?merged=${dup}$`));
  await expect(agent.getByRole("status").filter({ hasText: `Ticket #${dup} merged into this ticket` })).toBeVisible();
  const copied = conversation(agent).getByRole("listitem").filter({ hasText: "Smoke from the printer on floor 2." });
  await expect(copied).toContainText(`Description of #${dup}`);
  await expect(copied).toContainText(ACCOUNTS.other.name);
  await expect(conversation(agent).getByRole("listitem").filter({ hasText: "It smells of toast." })).toContainText(`From #${dup}`);
  await expect(conversation(agent).getByRole("listitem").filter({ hasText: `merged #${dup} into this ticket` })).toContainText(ACCOUNTS.agent.name);

  // The duplicate: closed, with a link to where it went; no ticket form or merge form any more.
  await agent.goto(`/tickets/${dup}`);
  await expect(detail(agent, "Status")).toContainText("Closed");
  await agent.getByRole("link", { name: `#${target}` }).first().click();
  await expect(agent).toHaveURL(new RegExp(`/tickets/${target}$`));
  await agent.goto(`/tickets/${dup}`);
  await expect(agent.getByLabel("Merge into")).toHaveCount(0);
  await expect(agent.getByRole("button", { name: "Save changes" })).toHaveCount(0);

  // Otto may not see Rita's ticket: his says where it went, without a link; what he adds goes there.
  await otto.goto(`/tickets/${dup}`);
  await expect(otto.getByText(`Merged into #${target}: the team answers there`)).toBeVisible();
  await expect(otto.getByRole("link", { name: `#${target}` })).toHaveCount(0);
  await otto.getByLabel("Comment").fill("Any news on the printer?");
  await otto.getByRole("button", { name: "Add comment" }).click();
  await expect(otto.getByRole("status").filter({ hasText: `Added to ticket #${target}` })).toBeVisible();
  await agent.goto(`/tickets/${target}`);
  await expect(conversation(agent).getByRole("listitem").filter({ hasText: "Any news on the printer?" })).toContainText(`From #${dup}`);
});

test("Assign to me sets the assignee from the page; the history says so, and can be folded away and back", async ({ as, tickets }) => {
  const rita = await as("requester");
  const n = await tickets.create(rita, { title: `Assign me ${unique()}` });
  const agent = await as("agent");
  await agent.goto(`/tickets/${n}`);
  await expect(detail(agent, "Assignee")).toHaveText("Unassigned");
  await agent.getByRole("button", { name: "Assign to me" }).click();
  await expect(detail(agent, "Assignee")).toHaveText(ACCOUNTS.agent.name);
  const event = conversation(agent).getByRole("listitem").filter({ hasText: `changed assignee from Unassigned to ${ACCOUNTS.agent.name}` });
  await expect(event).toHaveCount(1);
  await agent.getByLabel("Comment").fill("On it.");
  await agent.getByRole("button", { name: "Add comment" }).click();
  await expect(conversation(agent).getByText("On it.")).toBeVisible();

  // Folded: the comments only; the place is in the URL.
  await agent.getByRole("link", { name: "Hide history" }).click();
  await expect(agent).toHaveURL(/\?history=hide#conversation$/);
  await expect(event).toHaveCount(0);
  await expect(conversation(agent).getByText("On it.")).toBeVisible();
  await agent.getByRole("link", { name: "Show history" }).click();
  await expect(event).toHaveCount(1);

  // Requesters get no staff actions.
  await rita.goto(`/tickets/${n}`);
  await expect(rita.getByRole("button", { name: "Assign to me" })).toHaveCount(0);
  await expect(rita.getByLabel("Merge into")).toHaveCount(0);
});
