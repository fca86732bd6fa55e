import { chromium } from "@playwright/test";
const base = "http://localhost:3300";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--disable-background-networking"] });
for (const [name, vp, js] of [["desk", { width: 1280, height: 860 }, true], ["phone", { width: 390, height: 844 }, false], ["phone-open", { width: 390, height: 844 }, true]]) {
  const ctx = await browser.newContext({ viewport: vp, javaScriptEnabled: js });
  const page = await ctx.newPage();
  await page.goto(base + "/sign-in");
  await page.getByLabel("Email").fill(process.env.EMAIL);
  await page.getByLabel("Password").fill(process.env.PASS);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/tickets/);
  await page.goto(base + "/tickets?q=the&status=Open&priority=High");
  if (name === "phone-open") await page.locator("summary").click();
  await page.screenshot({ path: `/tmp/exp/${name}.png`, fullPage: false });
  await ctx.close();
}
await browser.close();
