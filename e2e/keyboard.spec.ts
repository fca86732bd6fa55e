import type { Browser, Page } from "@playwright/test";
import { test, expect, unique } from "./fixtures";

/**
 * Keyboard shortcuts (issue 24): j and k move a visible focus along the list and Enter opens the
 * ticket, "/" goes to Search (where a "j" is just typed), c opens New ticket, ? lists them all in
 * a dialog that Escape closes, giving focus back. Each person can turn them off at /settings (a
 * box saved by the form's one button, with JavaScript or without), and then no key does anything.
 */

const dialogOf = (page: Page) => page.getByRole("dialog", { name: "Keyboard shortcuts" });
/**
 * The page has hydrated and listens: the "Shortcuts" button at its foot is drawn only then (a key
 * pressed earlier would reach a page that has no listener yet).
 */
const listening = (page: Page) => expect(page.getByRole("button", { name: "Shortcuts" })).toBeVisible();
const isFocusVisible = (page: Page) => page.evaluate(() => document.activeElement?.matches(":focus-visible") ?? false);

/** A new requester of the test's own: turning their shortcuts off touches no shared account. */
async function newPerson(browser: Browser, javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Kim Keys");
  await page.getByLabel("Email").fill(`${unique("keys")}@example.test`);
  await page.getByLabel("Password").fill(`pw-${unique("p")}-long`);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible({ timeout: 20_000 });
  return page;
}

test("j and k move a visible focus along the list and Enter opens the ticket; / goes to Search, where j is typed; ? lists the shortcuts; c opens New ticket", async ({ as, tickets, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "the shortcuts are JavaScript; without it the page has none, and needs none");
  const alan = await as("agent");
  const word = unique("keys");
  const older = await tickets.create(alan, { title: `${word} older` });
  const newer = await tickets.create(alan, { title: `${word} newer` });
  expect(newer).toBeGreaterThan(older);
  await alan.goto(`/tickets?q=${word}&sort=number&dir=desc`);
  const newerLink = alan.getByRole("link", { name: `${word} newer` });
  const olderLink = alan.getByRole("link", { name: `${word} older` });
  await expect(olderLink).toBeVisible();
  await listening(alan);

  // From nowhere, j starts at the first row; it stops at the last; k goes back.
  await alan.keyboard.press("j");
  await expect(newerLink).toBeFocused();
  expect(await isFocusVisible(alan), "the focus ring shows").toBe(true);
  await alan.keyboard.press("j");
  await expect(olderLink).toBeFocused();
  await alan.keyboard.press("j");
  await expect(olderLink).toBeFocused();
  await alan.keyboard.press("k");
  await expect(newerLink).toBeFocused();

  // ? lists the shortcuts, agents' "a" too; Escape closes it and focus is where it was.
  await alan.keyboard.press("?");
  const dialog = dialogOf(alan);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("heading", { name: "Keyboard shortcuts" })).toBeVisible();
  for (const text of ["Move to the next ticket in the list", "Search tickets", "Create a new ticket", "Assign the ticket you are reading to yourself"]) {
    await expect(dialog.getByText(text)).toBeVisible();
  }
  // Keys belong to the dialog while it is open.
  await alan.keyboard.press("j");
  await expect(dialog).toBeVisible();
  await alan.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(newerLink).toBeFocused();

  await alan.keyboard.press("j");
  await expect(olderLink).toBeFocused();
  await alan.keyboard.press("Enter");
  await expect(alan).toHaveURL(new RegExp(`/tickets/${older}$`));
  await expect(alan.getByRole("heading", { name: `${word} older`, level: 1 })).toBeVisible();

  // "/" on a page without Search goes to the list with its Search box in focus; there a "j" is typed.
  await alan.keyboard.press("/");
  await expect(alan).toHaveURL(/\/tickets$/);
  const search = alan.getByRole("searchbox", { name: "Search" });
  await expect(search).toBeFocused();
  await alan.keyboard.type("j");
  await expect(search).toHaveValue("j");
  await expect(search).toBeFocused();

  // Out of the field, c opens a new ticket.
  await alan.getByRole("heading", { name: "Tickets", level: 1 }).click();
  await alan.keyboard.press("c");
  await expect(alan.getByRole("heading", { name: "New ticket", level: 1 })).toBeVisible();
  await expect(alan).toHaveURL(/\/tickets\/new$/);
});

test("Settings turns the shortcuts off and on with Save settings, and off means no key does anything", async ({ browser, javaScriptEnabled }) => {
  const kim = await newPerson(browser, javaScriptEnabled);
  try {
    if (javaScriptEnabled) {
      // On by default; a requester's list has no "a".
      await listening(kim);
      await kim.keyboard.press("?");
      await expect(dialogOf(kim)).toBeVisible();
      await expect(dialogOf(kim).getByText("Create a new ticket")).toBeVisible();
      await expect(dialogOf(kim).getByText("Assign the ticket you are reading to yourself")).toHaveCount(0);
      await dialogOf(kim).getByRole("button", { name: "Close" }).click();
      await expect(dialogOf(kim)).toHaveCount(0);
    }

    await kim.goto("/settings");
    const box = kim.getByRole("checkbox", { name: "Keyboard shortcuts" });
    await expect(box).toBeChecked();
    await box.uncheck();
    await kim.getByRole("button", { name: "Save settings" }).click();
    await expect(kim.getByRole("status").filter({ hasText: "Your settings are saved." })).toBeVisible();
    await expect(box).not.toBeChecked();
    await kim.reload();
    await expect(kim.getByRole("checkbox", { name: "Keyboard shortcuts" })).not.toBeChecked();

    if (javaScriptEnabled) {
      await kim.goto("/tickets");
      // Hydrated (the hint that would say so is gone with the shortcuts).
      await kim.waitForLoadState("networkidle");
      await kim.getByRole("heading", { name: "Tickets", level: 1 }).click();
      await kim.keyboard.press("?");
      await kim.keyboard.press("c");
      // Nothing opened and nothing moved: give a listener, if there were one, time to act.
      await kim.waitForTimeout(300);
      await expect(dialogOf(kim)).toHaveCount(0);
      await expect(kim).toHaveURL(/\/tickets$/);
      await expect(kim.getByRole("button", { name: "Shortcuts" })).toHaveCount(0);
    }

    // And on again.
    await kim.goto("/settings");
    await kim.getByRole("checkbox", { name: "Keyboard shortcuts" }).check();
    await kim.getByRole("button", { name: "Save settings" }).click();
    await expect(kim.getByRole("status").filter({ hasText: "Your settings are saved." })).toBeVisible();
    await kim.reload();
    await expect(kim.getByRole("checkbox", { name: "Keyboard shortcuts" })).toBeChecked();
    if (javaScriptEnabled) {
      await listening(kim);
      await kim.getByRole("heading", { name: "Settings", level: 1 }).click();
      await kim.keyboard.press("?");
      await expect(dialogOf(kim)).toBeVisible();
    }
  } finally {
    await kim.context().close();
  }
});
