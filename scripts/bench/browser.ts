/**
 * What a person's page view costs the server: Chromium (JavaScript on, prefetching as Next.js
 * does it) opens the list, waits 3 s, opens a ticket from it, waits, and goes back. Every request
 * to a dynamic route is counted (documents, RSC payloads, prefetches, server actions; not
 * /_next/static files), and the time from the click to the ticket's heading is measured.
 */
import fs from "node:fs";
import { chromium, type Page } from "@playwright/test";

export type BrowserCost = {
  /** Dynamic requests from loading /tickets until 3 s after its load event. */
  listRequests: string[];
  /** Dynamic requests from clicking a ticket's title until 3 s after its heading shows. */
  ticketRequests: string[];
  /** Milliseconds from the click to the ticket's heading: straight away, and after resting on the link. */
  clickToHeadingMs: number;
  hoverThenClickToHeadingMs: number;
  /** Dynamic requests caused by going back to the list. */
  backRequests: string[];
};

const WINDOW_MS = 3_000;

function executablePath(): string | undefined {
  try {
    const own = chromium.executablePath();
    if (own && fs.existsSync(own)) return undefined;
  } catch {
    /* not installed */
  }
  return fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined;
}

export async function browserCost(base: string, cookie: string): Promise<BrowserCost> {
  const browser = await chromium.launch({
    executablePath: executablePath(),
    args: ["--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const [name, ...value] = cookie.split("=");
    await context.addCookies([{ name, value: value.join("="), url: base }]);
    const page = await context.newPage();
    let log: string[] = [];
    page.on("request", (r) => {
      const u = new URL(r.url());
      if (u.origin !== new URL(base).origin || u.pathname.startsWith("/_next/static") || u.pathname === "/favicon.ico") return;
      const h = r.headers();
      const kind = h["next-router-prefetch"] ? "prefetch" : h["next-action"] ? "action" : h.rsc ? "rsc" : r.resourceType();
      log.push(`${r.method()} ${u.pathname}${u.search} (${kind})`);
    });
    const take = () => {
      const out = log;
      log = [];
      return out;
    };

    await page.goto(`${base}/tickets`, { waitUntil: "load" });
    await page.waitForTimeout(WINDOW_MS);
    const listRequests = take();

    const open = async (hover: boolean) => {
      const link = page.locator("table.tickets tbody a").nth(hover ? 1 : 0);
      const title = (await link.textContent())?.trim() ?? "";
      if (hover) {
        await link.hover();
        await page.waitForTimeout(250); // a person's pointer rests on a link before the click
      }
      const t0 = performance.now();
      await link.click();
      await heading(page, title);
      return performance.now() - t0;
    };
    const clickToHeadingMs = await open(false);
    await page.waitForTimeout(WINDOW_MS);
    const ticketRequests = take();
    await page.goBack();
    await heading(page, "Tickets");
    await page.waitForTimeout(WINDOW_MS);
    const backRequests = take();
    const hoverThenClickToHeadingMs = await open(true);
    return { listRequests, ticketRequests, clickToHeadingMs, hoverThenClickToHeadingMs, backRequests };
  } finally {
    await browser.close();
  }
}

async function heading(page: Page, text: string) {
  await page.getByRole("heading", { level: 1, name: text, exact: true }).waitFor({ timeout: 30_000 });
}
