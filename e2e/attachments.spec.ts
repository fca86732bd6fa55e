import fs from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { test, expect, unique } from "./fixtures";
import { ACCOUNTS } from "./accounts";

/**
 * Files attached on the web: with a new ticket and with a comment, several at once, with
 * JavaScript on and off; over the limit, a field error naming the file and the limit, and nothing
 * created; an internal note's file for staff only; an agent removes one, and its place says so.
 */

// Uploads of up to 25 MB, and pages opened as two people: room on a busy machine.
test.describe.configure({ timeout: 60_000 });

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const png = (name: string) => ({ name, mimeType: "image/png", buffer: PNG });
const text = (name: string, body: string) => ({ name, mimeType: "text/plain", buffer: Buffer.from(body) });

const filesOf = (scope: Page | ReturnType<Page["locator"]>) => scope.getByRole("list", { name: "Attachments" });

test("a new ticket with a screenshot and a log: both under the description, the image as a preview, the log a download", async ({ as }) => {
  const rita = await as("requester");
  const title = `Upload ${unique()}`;
  await rita.goto("/tickets/new");
  await expect(rita.getByText("Up to 20 files, 25 MB in all.")).toBeVisible();
  await rita.getByLabel("Title").fill(title);
  await rita.getByLabel("Description").fill("The screen and the log are attached.");
  await rita.getByLabel("Attachments").setInputFiles([png("screen shot.png"), text("printer.log", "paper jam at tray 2\n")]);
  await rita.getByRole("button", { name: "Create ticket" }).click();
  await expect(rita.getByRole("status").filter({ hasText: /Ticket #\d+ created/ })).toBeVisible();

  const files = filesOf(rita);
  await expect(files.getByRole("link")).toHaveText(["screen shot.png", "printer.log"]);
  await expect(files.getByRole("listitem").nth(1)).toContainText("20 bytes");
  await expect.poll(() => files.getByRole("link", { name: "screen shot.png" }).locator("img").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
  const log = await rita.request.get((await files.getByRole("link", { name: "printer.log" }).getAttribute("href"))!);
  expect(log.status()).toBe(200);
  expect(log.headers()["content-disposition"]).toMatch(/^attachment; filename="printer.log"/);
  expect(log.headers()["content-length"]).toBe("20");
  expect(log.headers()["content-security-policy"]).toBe("default-src 'none'; img-src 'self'; sandbox");
  expect(await log.text()).toBe("paper jam at tray 2\n");
  // A requester has no Remove attachment button.
  await expect(rita.getByRole("button", { name: "Remove attachment" })).toHaveCount(0);
});

test("a file over 25 MB is refused next to the field, naming the file and the limit; no ticket is created", async ({ as }) => {
  const rita = await as("requester");
  const title = `Too big ${unique()}`;
  await rita.goto("/tickets/new");
  await rita.getByLabel("Title").fill(title);
  await rita.getByLabel("Description").fill("A video of the problem.");
  // On disk (sparse), so that the browser reads it from there rather than over the test's wire.
  const video = test.info().outputPath("holiday video.mp4");
  fs.mkdirSync(path.dirname(video), { recursive: true });
  fs.writeFileSync(video, "");
  fs.truncateSync(video, 25 * 1024 * 1024 + 1);
  await rita.getByLabel("Attachments").setInputFiles(video);
  await rita.getByRole("button", { name: "Create ticket" }).click();
  const error = "“holiday video.mp4” is over the 25 MB limit for attachments.";
  // 25 MB go up before the answer: room for a busy machine.
  await expect(rita.getByText(error)).toBeVisible({ timeout: 30_000 });
  await expect(rita.getByLabel("Attachments")).toHaveAccessibleDescription(new RegExp(error));
  // What was typed is kept; nothing was created.
  await expect(rita.getByLabel("Title")).toHaveValue(title);
  await rita.goto(`/tickets?q=${encodeURIComponent(title)}`);
  await expect(rita.getByText("No tickets match")).toBeVisible();
});

test("comments carry files; an internal note's file is for staff only; an agent removes a file, and its place and History say who", async ({ as, tickets }) => {
  const rita = await as("requester");
  const n = await tickets.create(rita, { title: `Comment files ${unique()}` });
  await rita.getByLabel("Comment").fill("Here is the error.");
  await rita.getByLabel("Attachments").setInputFiles([png("error.png")]);
  await rita.getByRole("button", { name: "Add comment" }).click();
  await expect(rita.getByText("Comment added.")).toBeVisible();
  const ritasComment = rita.getByRole("listitem").filter({ hasText: "Here is the error." });
  await expect(filesOf(ritasComment).getByRole("link")).toHaveText(["error.png"]);

  const alan = await as("agent");
  await alan.goto(`/tickets/${n}`);
  await alan.getByLabel("Comment").fill("Password was visible; see the note.");
  await alan.getByLabel("Internal note").check();
  await alan.getByLabel("Attachments").setInputFiles([text("notes.txt", "internal")]);
  await alan.getByRole("button", { name: "Add comment" }).click();
  await expect(alan.getByText("Internal note added.")).toBeVisible();
  const noteHref = (await alan.getByRole("link", { name: "notes.txt" }).getAttribute("href"))!;
  // Rita sees neither the note nor its file, and its download is the same 404 as a missing file.
  await rita.goto(`/tickets/${n}`);
  await expect(rita.getByRole("link", { name: "notes.txt" })).toHaveCount(0);
  expect((await rita.request.get(noteHref)).status()).toBe(404);

  // The agent removes Rita's screenshot.
  await alan.goto(`/tickets/${n}`);
  const item = filesOf(alan.getByRole("listitem").filter({ hasText: "Here is the error." })).getByRole("listitem");
  const href = (await item.getByRole("link", { name: "error.png" }).getAttribute("href"))!;
  await item.getByRole("button", { name: "Remove attachment" }).click();
  await expect(item).toContainText(`Removed by ${ACCOUNTS.agent.name}`);
  await expect(item.getByRole("link")).toHaveCount(0);
  await expect(alan.getByRole("region", { name: "Conversation" })).toContainText(`${ACCOUNTS.agent.name} removed the attachment error.png`);
  expect((await alan.request.get(href)).status()).toBe(404);
  await rita.goto(`/tickets/${n}`);
  await expect(filesOf(rita.getByRole("listitem").filter({ hasText: "Here is the error." }))).toContainText(`Removed by ${ACCOUNTS.agent.name}`);
  expect((await rita.request.get(href)).status()).toBe(404);
});
