import { expect, test as setup } from "@playwright/test";
import { ACCOUNTS, PASSWORD } from "./accounts";

/**
 * Creates the shared accounts through the UI, as people would: the first sign-up on the empty
 * database becomes admin; the admin then makes Alan an agent. Each session is saved for reuse.
 */
setup("create accounts and sign in once per role", async ({ browser }) => {
  // Four sign-ups (each hashes a password), a role change and four sign-ins: 20 s on a quiet
  // machine, more on a busy one, and every other test waits on it.
  setup.setTimeout(90_000);
  for (const key of ["admin", "agent", "requester", "other"] as const) {
    const a = ACCOUNTS[key];
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill(a.name);
    await page.getByLabel("Email").fill(a.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { name: "Tickets" })).toBeVisible();
    await context.storageState({ path: a.file });
    await context.close();
  }

  const context = await browser.newContext({ storageState: ACCOUNTS.admin.file });
  const page = await context.newPage();
  await page.goto(`/admin/users?q=${encodeURIComponent(ACCOUNTS.agent.email)}`);
  const row = page.getByRole("row").filter({ hasText: ACCOUNTS.agent.email });
  await row.getByLabel("Role", { exact: true }).selectOption("agent");
  await row.getByRole("button", { name: "Save role" }).click();
  await expect(row.getByRole("status")).toContainText("now an agent");
  await context.close();
});
