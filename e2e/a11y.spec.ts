import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "@playwright/test";
import { test, expect, unique } from "./fixtures";

/**
 * Automated accessibility checks (axe-core, WCAG 2.x A and AA) on every kind of page, in its
 * plain and its error states, in light and dark colour schemes (dark with JavaScript on only: the
 * colours do not depend on it), plus visible keyboard focus.
 *
 * axe runs in the page, so it needs JavaScript. Without JavaScript the scan is of the very DOM that
 * the no-JavaScript browser got: its HTML is served, scripts removed, to a scanning page at the
 * same address (so the same stylesheets apply).
 */

/** The form's alert (Next.js also keeps an alert of its own, announcing each new page's title). */
const alertOf = (page: Page) => page.getByRole("alert").and(page.locator(":not(#__next-route-announcer__)"));

// Each scan runs axe twice (light and dark); a test scans several states.
test.describe.configure({ timeout: 180_000 });

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

type Violation = Awaited<ReturnType<AxeBuilder["analyze"]>>["violations"][number];

function describe(violations: Violation[]): string {
  return violations
    .map((v) =>
      [
        `${v.id} (${v.impact}): ${v.help} <${v.helpUrl}>`,
        ...v.nodes.slice(0, 5).map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.replace(/\n/g, " / ")}`),
      ].join("\n"),
    )
    .join("\n");
}

/** A page where axe can run, showing what `page` shows. */
async function scannable(page: Page, browser: Browser, javaScriptEnabled: boolean) {
  if (javaScriptEnabled) return { target: page, close: async () => {} };
  const url = page.url();
  const html = (await page.content())
    .replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, "")
    .replace(/<link\b[^>]*rel="(?:preload|modulepreload)"[^>]*as="script"[^>]*>/gi, "");
  const context = await browser.newContext({ javaScriptEnabled: true });
  await context.route((u) => u.href === url, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
  const target = await context.newPage();
  await target.goto(url);
  return { target, close: () => context.close() };
}

async function expectNoViolations(page: Page, browser: Browser, javaScriptEnabled: boolean, what: string) {
  const { target, close } = await scannable(page, browser, javaScriptEnabled);
  try {
    const found: string[] = [];
    // Colours are CSS, the same with JavaScript on or off: the dark scheme is checked once, with it on.
    for (const colorScheme of javaScriptEnabled ? (["light", "dark"] as const) : (["light"] as const)) {
      await target.emulateMedia({ colorScheme });
      const { violations } = await new AxeBuilder({ page: target }).withTags(TAGS).analyze();
      if (violations.length) found.push(`[${what}, ${colorScheme}]\n${describe(violations)}`);
    }
    expect(found, found.join("\n\n")).toEqual([]);
  } finally {
    await close();
  }
}

test.describe("axe finds no violations", () => {
  test("/sign-in, plain and with errors", async ({ page, browser, javaScriptEnabled }) => {
    await page.goto("/sign-in");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await expectNoViolations(page, browser, javaScriptEnabled, "/sign-in");

    // An empty form is refused before it counts as an attempt.
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await expectNoViolations(page, browser, javaScriptEnabled, "/sign-in with errors");
  });

  test("/sign-up, plain and with errors", async ({ page, browser, javaScriptEnabled }) => {
    await page.goto("/sign-up");
    await expect(page.getByRole("heading", { name: "Create an account" })).toBeVisible();
    await expectNoViolations(page, browser, javaScriptEnabled, "/sign-up");

    await page.getByLabel("Name").fill("Axe Person");
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
    await expectNoViolations(page, browser, javaScriptEnabled, "/sign-up with errors");
  });

  test("/tickets with tickets, for an admin and for a requester", async ({ as, tickets, browser, javaScriptEnabled }) => {
    const ada = await as("admin");
    const word = unique("axe");
    await tickets.create(ada, { title: `Printer on fire ${word}`, priority: "Urgent" });
    await tickets.create(ada, { title: `Cannot log in ${word}`, priority: "Low" });
    await ada.goto("/tickets");
    await expect(ada.getByRole("link", { name: `Printer on fire ${word}` })).toBeVisible();
    await expectNoViolations(ada, browser, javaScriptEnabled, "/tickets as admin");

    await ada.goto(`/tickets?q=${word}&sort=priority`);
    await expect(ada.getByRole("link", { name: `Cannot log in ${word}` })).toBeVisible();
    await expectNoViolations(ada, browser, javaScriptEnabled, "/tickets filtered and sorted");

    await ada.goto(`/tickets?q=${unique("nothing")}`);
    await expect(ada.getByText("Showing 0 of 0 tickets")).toBeVisible();
    await expectNoViolations(ada, browser, javaScriptEnabled, "/tickets with no match");

    const rita = await as("requester");
    await tickets.create(rita, { title: `Rita's ticket ${word}` });
    await rita.goto("/tickets");
    await expect(rita.getByRole("heading", { name: "Tickets" })).toBeVisible();
    await expectNoViolations(rita, browser, javaScriptEnabled, "/tickets as requester");
  });

  test("/tickets with a bulk change's report, an error, and saved views open", async ({ as, tickets, browser, javaScriptEnabled }) => {
    const agent = await as("agent");
    const word = unique("axebulk");
    const a = await tickets.create(agent, { title: `Bulk one ${word}` });
    await tickets.create(agent, { title: `Bulk two ${word}` });
    await agent.goto(`/tickets?q=${word}`);
    await agent.getByRole("button", { name: "Apply to selected" }).click();
    await expect(alertOf(agent)).toHaveText("Select at least one ticket.");
    await expectNoViolations(agent, browser, javaScriptEnabled, "/tickets with a bulk error");

    await agent.getByRole("checkbox", { name: `Select ticket #${a}`, exact: true }).check();
    await agent.getByLabel("Mark as").selectOption("Waiting");
    await agent.getByRole("button", { name: "Apply to selected" }).click();
    await expect(agent.getByRole("status").filter({ hasText: /^Changed/ })).toHaveText(`Changed 1 ticket: #${a}.`);
    await agent.getByText("Save or delete views").click();
    await agent.getByLabel("View name").fill(`Axe ${word}`);
    await agent.getByRole("button", { name: "Save view" }).click();
    await expect(agent.getByRole("navigation", { name: "Quick views" }).getByRole("link", { name: new RegExp(`^Axe ${word}`) })).toBeVisible();
    // Open after a save (so that its answer shows); opened again if not.
    if ((await agent.locator("details.views-panel").getAttribute("open")) === null) await agent.getByText("Save or delete views").click();
    await expectNoViolations(agent, browser, javaScriptEnabled, "/tickets with a saved view and the views panel open");
    await agent.getByRole("listitem").filter({ hasText: `Axe ${word}` }).getByRole("button", { name: "Delete view" }).click();
  });

  test("/tickets/new, plain and after a failed submit", async ({ as, browser, javaScriptEnabled }) => {
    const rita = await as("requester");
    await rita.goto("/tickets/new");
    await expect(rita.getByRole("heading", { name: "New ticket" })).toBeVisible();
    await expectNoViolations(rita, browser, javaScriptEnabled, "/tickets/new");

    await rita.getByRole("button", { name: "Create ticket" }).click();
    await expect(rita.getByLabel("Title")).toHaveAttribute("aria-invalid", "true");
    await expect(rita.getByLabel("Description")).toHaveAttribute("aria-invalid", "true");
    await expect(alertOf(rita)).toBeVisible();
    await expectNoViolations(rita, browser, javaScriptEnabled, "/tickets/new with errors");
  });

  test("a ticket page, as an agent (with its form and history) and as its requester", async ({ as, tickets, browser, javaScriptEnabled }) => {
    const rita = await as("requester");
    const number = await tickets.create(rita, {
      title: `Screen flickers ${unique()}`,
      description: "It flickers <b>a lot</b>.\n\nSecond paragraph.",
      priority: "High",
    });
    await expectNoViolations(rita, browser, javaScriptEnabled, "ticket page as requester, just created");

    const alan = await as("agent");
    await alan.goto(`/tickets/${number}`);
    await expect(alan.getByRole("button", { name: "Save changes" })).toBeVisible();
    await expectNoViolations(alan, browser, javaScriptEnabled, "ticket page as agent");

    await alan.getByRole("combobox", { name: "Status" }).selectOption("Waiting");
    await alan.getByRole("button", { name: "Save changes" }).click();
    await expect(alan.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    await expectNoViolations(alan, browser, javaScriptEnabled, "ticket page as agent, after saving");

    // The conversation, with a public comment and an internal note.
    await alan.getByLabel("Comment").fill("Which monitor is it?\nModel and cable, please.");
    await alan.getByRole("button", { name: "Add comment" }).click();
    await expect(alan.getByText("Which monitor is it?")).toBeVisible();
    await alan.getByLabel("Comment").fill("Probably the HDMI cable again.");
    await alan.getByRole("checkbox", { name: "Internal note" }).check();
    await alan.getByRole("button", { name: "Add comment" }).click();
    await expect(alan.getByText("Probably the HDMI cable again.")).toBeVisible();
    await expectNoViolations(alan, browser, javaScriptEnabled, "ticket page as agent, with comments");

    // An empty comment comes back with its error.
    await alan.getByRole("button", { name: "Add comment" }).click();
    await expect(alan.getByLabel("Comment")).toHaveAttribute("aria-invalid", "true");
    await expectNoViolations(alan, browser, javaScriptEnabled, "ticket page as agent, comment error");
  });

  test("a merged duplicate and its target, and a refused merge, as an agent", async ({ as, tickets, browser, javaScriptEnabled }) => {
    const rita = await as("requester");
    const target = await tickets.create(rita, { title: `Merge target ${unique()}` });
    const dup = await tickets.create(rita, { title: `Merge duplicate ${unique()}`, description: "The same problem, again." });
    const alan = await as("agent");
    await alan.goto(`/tickets/${dup}`);
    await alan.getByLabel("Merge into").fill("not a number");
    await alan.getByRole("button", { name: "Merge", exact: true }).click();
    await expect(alan.getByLabel("Merge into")).toHaveAttribute("aria-invalid", "true");
    await expectNoViolations(alan, browser, javaScriptEnabled, "ticket page, a refused merge");
    await alan.getByLabel("Merge into").fill(String(target));
    await alan.getByRole("button", { name: "Merge", exact: true }).click();
    await expect(alan.getByRole("status").filter({ hasText: `Ticket #${dup} merged into this ticket` })).toBeVisible();
    await expectNoViolations(alan, browser, javaScriptEnabled, "the target of a merge, with its copied entries");
    await alan.goto(`/tickets/${dup}`);
    await expect(alan.getByText(`Merged into #${target}`)).toBeVisible();
    await expectNoViolations(alan, browser, javaScriptEnabled, "a merged duplicate");
  });

  test("/admin/users as admin", async ({ as, browser, javaScriptEnabled }) => {
    const ada = await as("admin");
    await ada.goto("/admin/users");
    await expect(ada.getByRole("heading", { name: "Users" })).toBeVisible();
    await expectNoViolations(ada, browser, javaScriptEnabled, "/admin/users");
    // An invitation refused, with its error beside the field.
    const invite = ada.getByRole("form", { name: "Invite person" });
    await invite.getByLabel("Email").fill("not an address");
    await invite.getByRole("button", { name: "Send invitation" }).click();
    await expect(invite.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await expectNoViolations(ada, browser, javaScriptEnabled, "/admin/users, invitation error");
  });

  test("/admin/sign-up and /admin/audit as admin", async ({ as, browser, javaScriptEnabled }) => {
    const ada = await as("admin");
    await ada.goto("/admin/sign-up");
    await expect(ada.getByRole("heading", { name: "Sign-up", level: 1 })).toBeVisible();
    await expectNoViolations(ada, browser, javaScriptEnabled, "/admin/sign-up");
    // A list that is not domains comes back with its error (nothing is saved).
    await ada.getByLabel("Allowed domains").fill("not a domain");
    await ada.getByRole("button", { name: "Save" }).click();
    await expect(ada.getByLabel("Allowed domains")).toHaveAttribute("aria-invalid", "true");
    await expectNoViolations(ada, browser, javaScriptEnabled, "/admin/sign-up, error");
    await ada.goto("/admin/audit");
    await expect(ada.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
    await expectNoViolations(ada, browser, javaScriptEnabled, "/admin/audit");
  });

  test("/saved-replies, its form with an error, and a ticket's saved-reply picker", async ({ as, tickets, browser, javaScriptEnabled }) => {
    const alan = await as("agent");
    const name = `Greeting ${unique()}`;
    await alan.goto("/saved-replies/new");
    await expect(alan.getByRole("heading", { name: "New saved reply", level: 1 })).toBeVisible();
    // A name but an unknown placeholder: the body's error beside it.
    await alan.getByLabel("Name").fill(name);
    await alan.getByLabel("Body").fill("Hi {{customer}}");
    await alan.getByRole("button", { name: "Save reply" }).click();
    await expect(alan.getByLabel("Body")).toHaveAttribute("aria-invalid", "true");
    await expectNoViolations(alan, browser, javaScriptEnabled, "/saved-replies/new, error");
    await alan.getByLabel("Body").fill("Hi {{requester.name}}, thanks for #{{ticket.number}}.");
    await alan.getByRole("button", { name: "Save reply" }).click();
    await expect(alan.getByRole("heading", { name: "Saved replies", level: 1 })).toBeVisible();
    await expectNoViolations(alan, browser, javaScriptEnabled, "/saved-replies");

    const rita = await as("requester");
    const number = await tickets.create(rita, { title: `Picker ${unique()}` });
    await alan.goto(`/tickets/${number}`);
    await alan.getByRole("combobox", { name: "Saved reply" }).selectOption({ label: name });
    await alan.getByRole("button", { name: "Insert reply" }).click();
    await expect(alan.getByLabel("Comment")).toHaveValue(/thanks for #\d+/);
    await expectNoViolations(alan, browser, javaScriptEnabled, "ticket page with a reply inserted");
  });

  test("the list filtered by tags, with chips, and /admin/tags plain and with an error", async ({ as, tickets, browser, javaScriptEnabled }) => {
    const ada = await as("admin");
    const word = unique("axetag");
    const number = await tickets.create(ada, { title: `${word} tagged` });
    await ada.getByRole("textbox", { name: "Tags" }).fill(`${word}-one, ${word}-two`);
    await ada.getByRole("button", { name: "Save changes" }).click();
    await expect(ada.getByRole("complementary", { name: "Details" }).getByRole("status")).toContainText("Tags changed");
    await ada.goto(`/tickets?tags=${word}-one&tags=${word}-two`);
    await expect(ada.getByRole("link", { name: `${word} tagged` })).toBeVisible();
    await expect(ada.getByRole("row").filter({ hasText: String(number) }).getByRole("listitem")).toHaveCount(2);
    await expectNoViolations(ada, browser, javaScriptEnabled, "/tickets?tags=…");
    await ada.goto(`/admin/tags?q=${word}`);
    await expect(ada.getByRole("heading", { name: "Tags", level: 1 })).toBeVisible();
    await expectNoViolations(ada, browser, javaScriptEnabled, "/admin/tags");
    const form = ada.getByRole("form", { name: `Rename ${word}-one` });
    await form.getByRole("textbox", { name: "New name" }).fill("not a tag!");
    await form.getByRole("button", { name: "Rename" }).click();
    await expect(ada.getByRole("form", { name: `Rename ${word}-one` }).getByRole("textbox", { name: "New name" })).toHaveAttribute("aria-invalid", "true");
    await expectNoViolations(ada, browser, javaScriptEnabled, "/admin/tags, error");
  });

  test("/admin/mail and /settings", async ({ as, browser, javaScriptEnabled }) => {
    const ada = await as("admin");
    await ada.goto("/admin/mail");
    await expect(ada.getByRole("heading", { name: "Mail", level: 1 })).toBeVisible();
    await expectNoViolations(ada, browser, javaScriptEnabled, "/admin/mail");
    const rita = await as("requester");
    await rita.goto("/settings");
    await expect(rita.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
    await expectNoViolations(rita, browser, javaScriptEnabled, "/settings");
  });

  test("the dialog Keyboard shortcuts, open over the list", async ({ as, browser, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, "the shortcuts and their dialog are JavaScript");
    const alan = await as("agent");
    await alan.goto("/tickets");
    // The button at the page's foot is drawn once the page listens for keys.
    await expect(alan.getByRole("button", { name: "Shortcuts" })).toBeVisible();
    await alan.keyboard.press("?");
    await expect(alan.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
    await expectNoViolations(alan, browser, javaScriptEnabled, "the dialog Keyboard shortcuts");
  });

  test("/forgot-password and /reset-password", async ({ page, browser, javaScriptEnabled }) => {
    await page.goto("/forgot-password");
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await expectNoViolations(page, browser, javaScriptEnabled, "/forgot-password with errors");
    await page.goto("/reset-password?token=not-a-real-token");
    await page.getByLabel("New password").fill("short");
    await page.getByRole("button", { name: "Set password" }).click();
    await expect(page.getByLabel("New password")).toHaveAttribute("aria-invalid", "true");
    await expectNoViolations(page, browser, javaScriptEnabled, "/reset-password with errors");
  });

  test("the page-not-found page", async ({ as, browser, javaScriptEnabled }) => {
    const rita = await as("requester");
    await rita.goto("/no-such-page");
    await expect(rita.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expectNoViolations(rita, browser, javaScriptEnabled, "page not found");
  });

  test("the ticket-not-found page", async ({ as, browser, javaScriptEnabled }) => {
    const rita = await as("requester");
    await rita.goto("/tickets/999999999");
    await expect(rita.getByRole("heading", { name: "Ticket not found" })).toBeVisible();
    await expectNoViolations(rita, browser, javaScriptEnabled, "ticket not found");
  });
});

test.describe("keyboard focus", () => {
  /** Tabs through the page and checks that every focused element shows where focus is. */
  async function tabThrough(page: Page, steps: number) {
    const seen: string[] = [];
    for (let i = 0; i < steps; i++) {
      await page.keyboard.press("Tab");
      const f = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return null;
        const s = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
        const ring = s.boxShadow !== "none";
        return {
          what: `${el.tagName.toLowerCase()} "${(el.getAttribute("aria-label") ?? el.textContent ?? (el as HTMLInputElement).name ?? "").trim().slice(0, 30)}"`,
          indicated: outline || ring,
          onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0,
        };
      });
      if (!f) break;
      seen.push(f.what);
      expect(f.indicated, `${f.what} shows no focus indicator`).toBe(true);
      expect(f.onScreen, `${f.what} is focused off screen`).toBe(true);
    }
    expect(seen.length).toBeGreaterThan(2);
    return seen;
  }

  test("the skip link comes first and every focused control is visibly marked", async ({ page, as }) => {
    await page.goto("/sign-in");
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
    await page.goto("/sign-in");
    await tabThrough(page, 6);

    const ada = await as("admin");
    await ada.goto("/tickets");
    await tabThrough(ada, 14);
  });
});
