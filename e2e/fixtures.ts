import { test as base, expect, type Browser, type Page } from "@playwright/test";
import { ACCOUNTS, type RoleName } from "./accounts";

export { expect };

/** A page signed in as one of the shared accounts, honouring the project's JavaScript setting. */
async function pageAs(browser: Browser, role: RoleName, javaScriptEnabled: boolean, viewport: { width: number; height: number } | null): Promise<Page> {
  const context = await browser.newContext({ storageState: ACCOUNTS[role].file, javaScriptEnabled, ...(viewport ? { viewport } : {}) });
  return context.newPage();
}

type Fixtures = {
  /** Open a page as another role: `const agent = await as("agent")`. */
  as: (role: RoleName) => Promise<Page>;
  tickets: {
    /** Creates a ticket through the form and returns its number. */
    create: (page: Page, input: { title: string; description?: string; priority?: string }) => Promise<number>;
  };
};

export const test = base.extend<Fixtures>({
  as: async ({ browser, javaScriptEnabled, viewport }, use) => {
    const pages: Page[] = [];
    await use(async (role) => {
      const p = await pageAs(browser, role, javaScriptEnabled, viewport);
      pages.push(p);
      return p;
    });
    for (const p of pages) await p.context().close();
  },
  tickets: async ({}, use) => {
    await use({
      async create(page, { title, description = "Steps to reproduce:\n1. Open it\n2. It breaks", priority = "Medium" }) {
        await page.goto("/tickets/new");
        await page.getByLabel("Title").fill(title);
        await page.getByLabel("Description").fill(description);
        await page.getByLabel("Priority").selectOption(priority);
        await page.getByRole("button", { name: "Create ticket" }).click();
        await expect(page.getByRole("status").filter({ hasText: /Ticket #\d+ created/ })).toBeVisible();
        const m = /\/tickets\/(\d+)/.exec(page.url());
        if (!m) throw new Error(`not on a ticket page: ${page.url()}`);
        return Number(m[1]);
      },
    });
  },
});

/** A unique word for this test run, so searches and filters find only this test's tickets. */
export const unique = (prefix = "t") => `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
