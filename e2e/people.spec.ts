import type { Browser, Page } from "@playwright/test";
import { test, expect, unique } from "./fixtures";
import { openDb } from "./db";
import { ON_POSTGRES, PORT } from "./env";
import { freshServer } from "./fresh-server";

/**
 * People administration as an admin does it (issue 23): find someone among many, invite a person,
 * deactivate and reactivate, read the audit log; and who may sign up, on a desk of its own (the
 * setting is the whole desk's, and every other spec signs people up).
 */

async function signUp(browser: Browser, javaScriptEnabled: boolean, baseURL?: string) {
  const account = { name: `Person ${unique("n")}`, email: `${unique("ppl")}@example.test`, password: `pw-${unique("p")}-long` };
  const context = await browser.newContext(baseURL ? { javaScriptEnabled, baseURL } : { javaScriptEnabled });
  const page = await context.newPage();
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(account.name);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Tickets" })).toBeVisible();
  return { ...account, page, context };
}

async function findPerson(page: Page, email: string) {
  await page.goto("/admin/users");
  await page.getByLabel("Search people").fill(email);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page.getByText(/^Showing 1–1 of 1 person$/)).toBeVisible();
  return page.getByRole("row").filter({ hasText: email });
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test.describe("people administration", () => {
  test("an admin invites an agent, who sets a password through the mailed link and works tickets", async ({ as, browser, javaScriptEnabled }) => {
    const ada = await as("admin");
    const email = `${unique("invitee")}@example.test`;
    await ada.goto("/admin/users");
    const form = ada.getByRole("form", { name: "Invite person" });
    await form.getByLabel("Email").fill("not an address");
    await form.getByRole("button", { name: "Send invitation" }).click();
    await expect(form.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByText("Enter an email address like name@example.com.")).toBeVisible();

    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Role").selectOption("agent");
    await form.getByRole("button", { name: "Send invitation" }).click();
    await expect(form.getByRole("status")).toContainText(`An invitation for ${email} as an agent is on its way`);

    // Inviting the same address again while it has no password sends a new link.
    await form.getByLabel("Email").fill(email);
    await form.getByRole("button", { name: "Send invitation" }).click();
    await expect(form.getByRole("status")).toContainText("A new invitation");

    const db = openDb();
    // The newest invitation: a new one ends the earlier link.
    const mail = await db.get<{ text: string }>(`SELECT "text" FROM "outbound_mail" WHERE "toAddress" = ? AND "kind" = 'invitation' ORDER BY "id" DESC`, email);
    await db.close();
    const link = /https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+/.exec(mail?.text ?? "")?.[0];
    expect(link, "the invitation mail carries a set-password link").toBeTruthy();

    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    try {
      const url = new URL(link!);
      await page.goto(url.pathname + url.search);
      await page.getByLabel("New password").fill("an invited password");
      await page.getByRole("button", { name: "Set password" }).click();
      await expect(page).toHaveURL(/\/sign-in/);
      await signIn(page, email, "an invited password");
      await expect(page.getByRole("heading", { name: "Tickets" })).toBeVisible();
      await expect(page.getByRole("link", { name: "New ticket" })).toBeVisible();

      const row = await findPerson(ada, email);
      await expect(row.getByLabel("Role")).toHaveValue("agent");
      await expect(row).not.toContainText("No password yet");
    } finally {
      await context.close();
    }
  });

  test("an admin deactivates a person: signed out at once, refused at sign-in, back after reactivation; the audit log says so", async ({ as, browser, javaScriptEnabled }) => {
    const person = await signUp(browser, javaScriptEnabled);
    try {
      const ada = await as("admin");
      let row = await findPerson(ada, person.email);
      await row.getByRole("button", { name: "Deactivate" }).click();
      row = ada.getByRole("row").filter({ hasText: person.email });
      await expect(row.getByRole("status")).toContainText(`${person.name} is deactivated and signed out everywhere.`);
      await expect(row.getByRole("button", { name: "Reactivate" })).toBeVisible();
      await expect(row).toContainText("Deactivated");

      // Their open page is signed out on the next request, and their password no longer works.
      await person.page.goto("/tickets");
      await expect(person.page).toHaveURL(/\/sign-in/);
      await signIn(person.page, person.email, person.password);
      await expect(person.page.getByText("This account is deactivated. Ask an admin of this help desk to reactivate it.")).toBeVisible();

      await ada.goto("/admin/audit");
      await expect(ada.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
      await ada.getByLabel("Action").selectOption({ label: "Person deactivated" });
      await ada.getByRole("button", { name: "Apply filters" }).click();
      await expect(ada).toHaveURL(/action=deactivated/);
      const entry = ada.getByRole("row").filter({ hasText: person.email });
      await expect(entry).toContainText("Person deactivated");
      await expect(entry).toContainText(`${person.name} <${person.email}>`);
      await expect(ada.getByRole("row").filter({ hasText: "Role changed" })).toHaveCount(0);

      row = await findPerson(ada, person.email);
      await row.getByRole("button", { name: "Reactivate" }).click();
      await expect(ada.getByRole("row").filter({ hasText: person.email }).getByRole("status")).toContainText("is active again");
      await signIn(person.page, person.email, person.password);
      await expect(person.page.getByRole("heading", { name: "Tickets" })).toBeVisible();
    } finally {
      await person.context.close();
    }
  });

  test("nobody may deactivate themselves: the admin's own row has no button", async ({ as }) => {
    const ada = await as("admin");
    const { ACCOUNTS } = await import("./accounts");
    const row = await findPerson(ada, ACCOUNTS.admin.email);
    await expect(row).toContainText("(you)");
    await expect(row.getByRole("button", { name: "Deactivate" })).toHaveCount(0);
  });

  test("the users page pages and searches without counting everyone on one page", async ({ as }) => {
    const ada = await as("admin");
    await ada.goto("/admin/users?q=%25");
    await expect(ada.getByText("Nobody matches “%”.")).toBeVisible();
    await ada.goto("/admin/users?page=abc&show=nonsense");
    await expect(ada.getByText(/^Showing 1–\d+ of [\d,]+ (people|person)$/)).toBeVisible();
  });
});

test.describe("who may sign up (a desk of its own)", () => {
  test.skip(ON_POSTGRES, "a fresh SQLite desk; the setting's rule is tested on both databases in tests/integration");

  test("an admin closes sign-up, limits it to a domain, and the audit log records each change", async ({ browser, javaScriptEnabled }, testInfo) => {
    const server = await freshServer(PORT + (testInfo.project.name === "nojs" ? 9 : 8));
    try {
      // The first account of a new desk is its admin, whatever the setting.
      const admin = await signUp(browser, javaScriptEnabled, server.url);
      const page = admin.page;
      await page.goto("/admin/sign-up");
      await expect(page.getByRole("heading", { level: 1, name: "Sign-up" })).toBeVisible();
      await expect(page.getByLabel("Who may sign up")).toHaveValue("anyone");

      await page.getByLabel("Who may sign up").selectOption({ label: "Only these domains" });
      await page.getByLabel("Allowed domains").fill("example.test, not a domain");
      await page.getByRole("button", { name: "Save" }).click();
      await expect(page.getByLabel("Allowed domains")).toHaveAttribute("aria-invalid", "true");
      await expect(page.getByText("“not” is not a domain.")).toBeVisible();
      await expect(page.getByLabel("Allowed domains")).toHaveValue("example.test, not a domain");

      await page.getByLabel("Allowed domains").fill("@Corp.Example, corp.example");
      await page.getByRole("button", { name: "Save" }).click();
      await expect(page.getByRole("status")).toHaveText("Sign-up settings saved.");
      await page.goto("/admin/sign-up");
      await expect(page.getByLabel("Who may sign up")).toHaveValue("domains");
      await expect(page.getByLabel("Allowed domains")).toHaveValue("corp.example");

      const visitor = await browser.newContext({ javaScriptEnabled, baseURL: server.url });
      const v = await visitor.newPage();
      await v.goto("/sign-up");
      await expect(v.getByText("Accounts here are for addresses at corp.example.")).toBeVisible();
      await v.getByLabel("Name").fill("Out Sider");
      await v.getByLabel("Email").fill("out@example.test");
      await v.getByLabel("Password").fill("a long enough password");
      await v.getByRole("button", { name: "Create account" }).click();
      await expect(v.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
      await expect(v.getByText("New accounts here are only for addresses at corp.example.").first()).toBeVisible();
      await v.getByLabel("Email").fill("in@corp.example");
      await v.getByLabel("Password").fill("a long enough password");
      await v.getByRole("button", { name: "Create account" }).click();
      await expect(v.getByRole("heading", { name: "Tickets" })).toBeVisible();
      await visitor.close();

      await page.getByLabel("Who may sign up").selectOption({ label: "Nobody" });
      await page.getByRole("button", { name: "Save" }).click();
      await expect(page.getByRole("status")).toHaveText("Sign-up settings saved.");
      const closed = await browser.newContext({ javaScriptEnabled, baseURL: server.url });
      const c = await closed.newPage();
      await c.goto("/sign-up");
      await expect(c.getByText("New accounts are not open here. Ask an admin for an invitation.")).toBeVisible();
      await expect(c.getByRole("button", { name: "Create account" })).toHaveCount(0);
      await closed.close();

      await page.getByRole("link", { name: "Audit log" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
      const rows = page.getByRole("row").filter({ hasText: "Sign-up settings changed" });
      await expect(rows).toHaveCount(2);
      await expect(rows.first()).toContainText("Only these domains \u2192 Nobody");
      await expect(rows.nth(1)).toContainText("allowed domains: none \u2192 corp.example");
      await admin.context.close();
    } finally {
      await server.stop();
    }
  });
});
