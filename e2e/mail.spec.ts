import type { Browser, Page } from "@playwright/test";
import { expect, test, unique } from "./fixtures";
import Database from "better-sqlite3";
import pg from "pg";
import { DATABASE_URL, DB_FILE, MAIL_FROM, ON_POSTGRES } from "./env";
import { deliver, header, linkIn, mailTo, waitForMail } from "./mail";
import { rawMessage } from "../tests/mail/messages";

// Each test waits for real mail both ways (the outbox and the mailbox poll once a second), and now
// first for the proof link every new web account gets: more than the default 30 s on a busy machine.
test.describe.configure({ timeout: 90_000 });

/**
 * Mail as people meet it, against real servers: Triage sends through an SMTP server that keeps
 * every message, and reads a Dovecot mailbox that the tests deliver into. JavaScript on and off.
 */

const PASSWORD = "a long enough password";

/** When the outbox will next try a message (by subject), read from the e2e server's database. */
async function nextAttemptOf(subject: string): Promise<string> {
  if (ON_POSTGRES) {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      const r = await client.query(`SELECT "nextAttemptAt"::text AS "at" FROM "outbound_mail" WHERE "subject" = $1`, [subject]);
      return String(r.rows[0]?.at);
    } finally {
      await client.end();
    }
  }
  const db = new Database(DB_FILE, { readonly: true });
  try {
    return String((db.prepare(`SELECT "nextAttemptAt" FROM "outbound_mail" WHERE "subject" = ?`).get(subject) as { nextAttemptAt: unknown }).nextAttemptAt);
  } finally {
    db.close();
  }
}

/** Marks an address proven in the e2e server's database (for one whose mail the SMTP server refuses). */
async function markProven(email: string) {
  if (ON_POSTGRES) {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      await client.query(`UPDATE "user" SET "emailVerified" = true WHERE "email" = $1`, [email]);
    } finally {
      await client.end();
    }
    return;
  }
  const db = new Database(DB_FILE);
  try {
    db.prepare(`UPDATE "user" SET "emailVerified" = 1 WHERE "email" = ?`).run(email);
  } finally {
    db.close();
  }
}

/**
 * A new person signed up in their own browser context (each test its own, so no limits are
 * shared), who then proves the address through the link mailed on sign-up (until then the desk
 * mails it nothing else). An address whose mail is refused is marked proven instead.
 */
async function newPerson(browser: Browser, javaScriptEnabled: boolean, name: string, domain = "example.test") {
  const email = `${unique("p")}@${domain}`;
  const page = await (await browser.newContext({ javaScriptEnabled })).newPage();
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
  if (domain === "reject.invalid") await markProven(email);
  else {
    await page.goto(linkIn(await waitForMail(email, "Confirm your address"), "/confirm-address?token="));
    await page.getByRole("button", { name: "Confirm address" }).click();
    await expect(page.getByRole("status")).toContainText("is confirmed");
    await page.goto("/tickets");
  }
  return { page, email };
}

async function anonymous(browser: Browser, javaScriptEnabled: boolean): Promise<Page> {
  return (await browser.newContext({ javaScriptEnabled })).newPage();
}

/**
 * Opens `path` until `text` shows: the mailbox is polled every second. (Not page.reload(): after
 * a form post without JavaScript, a reload would post the form again.)
 */
async function untilShown(page: Page, path: string, text: string) {
  await expect(async () => {
    await page.goto(path);
    await expect(page.getByText(text)).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 20_000 });
}

test("an agent's comment reaches the requester's inbox, and their reply from there becomes a comment", async ({ browser, javaScriptEnabled, as, tickets }) => {
  const mia = await newPerson(browser, javaScriptEnabled, "Mia Mail");
  const title = `Wi-Fi drops ${unique()}`;
  const n = await tickets.create(mia.page, { title, description: "Every ten minutes." });
  const ack = await waitForMail(mia.email, `Received: [#${n}] ${title}`);
  expect(ack.email.text).toContain(`/tickets/${n}`);

  const agent = await as("agent");
  await agent.goto(`/tickets/${n}`);
  await agent.getByLabel("Comment").fill("Please forget the network and join it again.");
  await agent.getByRole("button", { name: "Add comment" }).click();
  await expect(agent.getByText("Please forget the network and join it again.")).toBeVisible();

  const reply = await waitForMail(mia.email, `Re: [#${n}] ${title}`);
  expect(reply.email.from?.address).toBe(MAIL_FROM);
  expect(reply.email.text).toContain("Alan Agent");
  expect(reply.email.text).toContain("Please forget the network and join it again.");
  expect(reply.email.html).toContain("Please forget the network and join it again.");
  expect(reply.email.inReplyTo).toBe(ack.email.messageId);
  expect(reply.email.references).toContain(ack.email.messageId!);
  expect(header(reply, "auto-submitted")).toBe("auto-generated");
  expect(header(reply, "x-auto-response-suppress")).toBe("All");

  // Mia answers from her mail client, quoting the message as Gmail does.
  await deliver(
    rawMessage({
      from: `Mia Mail <${mia.email}>`,
      to: `Triage Help <${MAIL_FROM}>`,
      subject: `Re: ${reply.email.subject}`,
      inReplyTo: reply.email.messageId!,
      references: `${ack.email.messageId} ${reply.email.messageId}`,
      body: `That worked, thank you!\n\nOn Mon, 30 Nov 2026 at 10:02, Triage Help <${MAIL_FROM}> wrote:\n> Please forget the network and join it again.`,
    }),
  );
  await untilShown(agent, `/tickets/${n}`, "That worked, thank you!");
  const conversation = agent.getByRole("region", { name: "Conversation" });
  // Her reply, by her (the time line also names her on its "created this ticket" event).
  await expect(conversation.getByRole("listitem").filter({ hasText: "That worked, thank you!" })).toContainText("Mia Mail");
  await expect(conversation.getByText("On Mon, 30 Nov 2026")).toHaveCount(0);
  await mia.page.context().close();
});

test("a message from a new address opens a ticket; its sender sets a password from the acknowledgement and signs in", async ({ browser, javaScriptEnabled }) => {
  const email = `${unique("new")}@customer.example`;
  const subject = `Invoice total is wrong ${unique()}`;
  await deliver(rawMessage({ from: `Nora Newcomer <${email}>`, to: MAIL_FROM, subject, body: "The discount is counted twice." }));
  const ack = await waitForMail(email, new RegExp(`^Received: \\[#\\d+\\] ${subject}$`));
  const page = await anonymous(browser, javaScriptEnabled);
  await page.goto(linkIn(ack, "/reset-password?token="));
  await page.getByLabel("New password").fill(PASSWORD);
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByRole("status")).toHaveText("Your new password is set. Sign in with it.");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: subject }).click();
  await expect(page.getByRole("heading", { name: subject, level: 1 })).toBeVisible();
  await expect(page.getByText("The discount is counted twice.")).toBeVisible();
  await page.context().close();
});

test("forgot password: the same answer for any address; the emailed link sets a new password once", async ({ browser, javaScriptEnabled }) => {
  const { page: owner, email } = await newPerson(browser, javaScriptEnabled, "Fay Forgetful");
  await owner.context().close();
  const page = await anonymous(browser, javaScriptEnabled);
  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  const answers: string[] = [];
  for (const address of [`${unique("nobody")}@example.test`, email]) {
    await page.goto("/forgot-password");
    await page.getByLabel("Email").fill(address);
    await page.getByRole("button", { name: "Send reset link" }).click();
    const status = page.getByRole("status");
    await expect(status).toContainText("If an account uses that address");
    answers.push((await status.textContent()) ?? "");
  }
  expect(answers[0]).toBe(answers[1]);

  const mail = await waitForMail(email, "Reset your Triage password");
  const link = linkIn(mail, "/reset-password?token=");
  await page.goto(link);
  await page.getByLabel("New password").fill("short");
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByLabel("New password")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("New password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByRole("status")).toHaveText("Your new password is set. Sign in with it.");

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Invalid email or password" })).toBeVisible();
  await page.getByLabel("Password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();

  // The link worked once.
  const again = await anonymous(browser, javaScriptEnabled);
  await again.goto(link);
  await again.getByLabel("New password").fill("yet another passphrase");
  await again.getByRole("button", { name: "Set password" }).click();
  await expect(again.getByRole("alert").filter({ hasText: "expired or has already been used" })).toBeVisible();
  await page.context().close();
  await again.context().close();
});

test("settings: a person turns a kind of mail off and picks a time zone; both hold", async ({ browser, javaScriptEnabled, as, tickets }) => {
  const { page, email } = await newPerson(browser, javaScriptEnabled, "Sam Settings");
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await expect(page.getByLabel("The team replies on my ticket")).toBeChecked();
  // A requester is never assigned tickets: no such choice for them.
  await expect(page.getByLabel("A ticket is assigned to me")).toHaveCount(0);
  await page.getByLabel("The team replies on my ticket").uncheck();
  await page.getByLabel("Time zone").selectOption("Asia/Tokyo");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status")).toHaveText("Your settings are saved.");
  await page.goto("/settings");
  await expect(page.getByLabel("The team replies on my ticket")).not.toBeChecked();
  await expect(page.getByLabel("My ticket is resolved")).toBeChecked();
  await expect(page.getByLabel("Time zone")).toHaveValue("Asia/Tokyo");

  const title = `Settings ${unique()}`;
  const n = await tickets.create(page, { title });
  await expect(page.getByText("(Asia/Tokyo)").first()).toBeVisible();
  const ack = await waitForMail(email, `Received: [#${n}] ${title}`);
  expect(ack.email.text).toContain("(Asia/Tokyo)");

  const agent = await as("agent");
  await agent.goto(`/tickets/${n}`);
  await agent.getByLabel("Comment").fill("A reply Sam chose not to hear about.");
  await agent.getByRole("button", { name: "Add comment" }).click();
  await expect(agent.getByText("A reply Sam chose not to hear about.")).toBeVisible();
  await agent.getByLabel("Status").selectOption("Resolved");
  await agent.getByRole("button", { name: "Save changes" }).click();
  // Mail goes out in order: once the Resolved notice is here, a reply notice would be too.
  await waitForMail(email, `Resolved: [#${n}] ${title}`);
  expect((await mailTo(email)).map((m) => m.email.subject)).toEqual(["Confirm your address", `Received: [#${n}] ${title}`, `Resolved: [#${n}] ${title}`]);
  await page.context().close();
});

test("mail the server refuses is shown failed to admins, on the ticket to agents, and can be retried", async ({ browser, javaScriptEnabled, as, tickets }) => {
  const { page } = await newPerson(browser, javaScriptEnabled, "Rex Refused", "reject.invalid");
  const title = `Bounced ${unique()}`;
  const n = await tickets.create(page, { title });
  await page.context().close();

  const admin = await as("admin");
  await admin.goto("/admin/mail");
  const row = admin.getByRole("row").filter({ hasText: `Received: [#${n}] ${title}` });
  const failed = () =>
    expect(async () => {
      await admin.goto("/admin/mail");
      await expect(row.getByText("Failed")).toBeVisible({ timeout: 500 });
    }).toPass({ timeout: 20_000 });
  await failed();
  await expect(row.getByRole("cell", { name: /550/ })).toBeVisible();
  const triedAt = () => nextAttemptOf(`Received: [#${n}] ${title}`);
  const before = await triedAt();
  await row.getByRole("button", { name: "Retry" }).click();
  // Queued again, due at once: the worker tries it within a second.
  await expect.poll(triedAt).not.toBe(before);
  // One message, tried again: not a second copy.
  await expect(admin.getByRole("row").filter({ hasText: `Received: [#${n}] ${title}` })).toHaveCount(1);
  // Refused again by the same server, it comes back as failed.
  await failed();

  const agent = await as("agent");
  await agent.goto(`/tickets/${n}`);
  await expect(agent.getByText(/Mail to the requester \(.*@reject\.invalid\) could not be delivered: 550/)).toBeVisible();
});

test("an out-of-office reply to a notification adds nothing to the ticket", async ({ browser, javaScriptEnabled, as, tickets }) => {
  const mia = await newPerson(browser, javaScriptEnabled, "Otto Office");
  const title = `Away ${unique()}`;
  const n = await tickets.create(mia.page, { title });
  const ack = await waitForMail(mia.email, `Received: [#${n}] ${title}`);
  await deliver(
    rawMessage({
      from: mia.email,
      subject: `Automatic reply: ${ack.email.subject}`,
      inReplyTo: ack.email.messageId!,
      headers: { "Auto-Submitted": "auto-replied" },
      body: "I am out of the office until Monday.",
    }),
  );
  // A real reply after it proves the poller has read past the auto-reply.
  await deliver(rawMessage({ from: mia.email, subject: `Re: ${ack.email.subject}`, inReplyTo: ack.email.messageId!, body: "Back early after all." }));
  await untilShown(mia.page, `/tickets/${n}`, "Back early after all.");
  await expect(mia.page.getByText("out of the office")).toHaveCount(0);
  const admin = await as("admin");
  await admin.goto("/admin/mail");
  await expect(admin.getByRole("row").filter({ hasText: `Automatic reply: ${ack.email.subject}` }).getByText("Ignored")).toBeVisible();
  await mia.page.context().close();
});

/** A 1x1 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

test("a mailed screenshot and PDF show on the ticket: the image as a preview, the PDF a download, neither for another requester", async ({ as }) => {
  const email = `${unique("files")}@customer.example`;
  const subject = `Error on screen ${unique()}`;
  await deliver(
    rawMessage({
      from: `Fay Files <${email}>`,
      to: MAIL_FROM,
      subject,
      body: "The screenshot and the report are attached.",
      files: [
        { name: "screen.png", type: "image/png", bytes: PNG },
        // Claims to be a PNG; its bytes say PDF, and that is what it is served as: a download.
        { name: "report.pdf", type: "image/png", bytes: Buffer.from("%PDF-1.4\n% a report\n") },
      ],
    }),
  );
  const ack = await waitForMail(email, new RegExp(`^Received: \\[#\\d+\\] ${subject}$`));
  const n = Number(/\[#(\d+)\]/.exec(ack.email.subject ?? "")![1]);

  const agent = await as("agent");
  await agent.goto(`/tickets/${n}`);
  const files = agent.getByRole("list", { name: "Attachments" });
  await expect(files.getByRole("link")).toHaveText(["screen.png", "report.pdf"]);
  await expect(files).toContainText(/\d+ bytes/);
  // The preview is the image itself, served inline by the download route (the CSP allows it).
  const preview = files.getByRole("link", { name: "screen.png" }).locator("img");
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);

  const pdfHref = (await files.getByRole("link", { name: "report.pdf" }).getAttribute("href"))!;
  const pdf = await agent.request.get(pdfHref);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect(pdf.headers()["content-disposition"]).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
  expect(pdf.headers()["x-content-type-options"]).toBe("nosniff");
  expect((await pdf.body()).toString()).toBe("%PDF-1.4\n% a report\n");
  const png = await agent.request.get((await files.getByRole("link", { name: "screen.png" }).getAttribute("href"))!, { headers: { Range: "bytes=0-7" } });
  expect(png.status()).toBe(206);
  expect(png.headers()["content-disposition"]).toMatch(/^inline; /);
  expect([...(await png.body())]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  // Another requester: the same 404 as an attachment that does not exist.
  const stranger = await as("requester");
  const refused = await stranger.request.get(pdfHref);
  expect(refused.status()).toBe(404);
  const missing = await stranger.request.get(`/tickets/${n}/attachments/2147483647`);
  expect(missing.status()).toBe(404);
  expect(await refused.text()).toBe(await missing.text());
  // Forged places: the same 404, never an error.
  for (const forged of [`${n}/attachments/0`, `${n}/attachments/-1`, `${n}/attachments/1e20`, `${n}/attachments/abc`, `abc/attachments/1`, `99999999999/attachments/1`]) {
    expect((await agent.request.get(`/tickets/${forged}`)).status(), forged).toBe(404);
  }
});
