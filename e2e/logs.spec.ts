import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { MAIL_FROM, ON_POSTGRES, PORT, SMTP_PORT } from "./env";
import { freshServer } from "./fresh-server";
import { linkIn, waitForMail } from "./mail";

/**
 * The log (issue 23), as an operator reads it: a Triage of its own with TRIAGE_LOG_FORMAT=json and
 * mail going out (the e2e SMTP capture), used by a person in a browser through every step that
 * handles a secret: sign up, confirm the address, sign in, search, create a ticket, comment, ask
 * for a reset link and follow it. Then every line it printed must be JSON, every response's
 * X-Request-Id must name its request's line, and nothing typed or handed out (passwords, cookies,
 * link tokens, a ticket's words, the search, the address) may be anywhere in what it printed.
 */

type Line = { time: string; level: string; msg: string; requestId?: string; [field: string]: unknown };

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
}

test("every line is JSON, names its request, and holds no password, cookie, token, ticket text or address", async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== "js" || ON_POSTGRES, "what the process prints: once, on SQLite");
  test.setTimeout(120_000);
  const server = await freshServer(PORT + 7, {
    TRIAGE_LOG_FORMAT: "json",
    // Mail out, so that the outbox's lines are there too (no mailbox: it is the e2e server's).
    TRIAGE_MAIL_WORKERS: "on",
    TRIAGE_SMTP_URL: `smtp://triage:secret@127.0.0.1:${SMTP_PORT}`,
    TRIAGE_MAIL_FROM: `Triage Help <${MAIL_FROM}>`,
  });
  try {
    const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const secrets: Record<string, string> = {
      email: `logs-${stamp}@example.test`,
      password: `first-pass-${stamp}`,
      newPassword: `second-pass-${stamp}`,
      title: `Printer title ${stamp}`,
      description: `Private description ${stamp}`,
      comment: `Private comment ${stamp}`,
      search: `searchword${stamp}`,
      filesToken: `filestoken${stamp}.c2lnbmF0dXJl`,
    };
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    /** Every response the browser got from the server: its id, and what its line must say. */
    const answers: Array<{ id: string | undefined; method: string; path: string; status: number }> = [];
    page.on("response", (r) => {
      const url = new URL(r.url());
      if (url.origin !== server.url) return;
      answers.push({ id: r.headers()["x-request-id"], method: r.request().method(), path: url.pathname, status: r.status() });
    });
    const cookies = async () => {
      for (const c of await context.cookies()) if (c.value.length >= 16) secrets[`cookie ${c.name}`] = c.value;
    };

    // Sign up, with an X-Forwarded-For this server does not believe: the app warns (once) while
    // answering, and that warning must name the request.
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill("Logan Lines");
    await page.getByLabel("Email").fill(secrets.email);
    await page.getByLabel("Password").fill(secrets.password);
    await page.setExtraHTTPHeaders({ "x-forwarded-for": "203.0.113.77" });
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible({ timeout: 20_000 });
    await page.setExtraHTTPHeaders({});
    await cookies();

    // The address's proof, through its link.
    const proof = linkIn(await waitForMail(secrets.email, "Confirm your address"), "/confirm-address?token=");
    secrets.proofToken = new URL(proof, server.url).searchParams.get("token")!;
    await page.goto(proof);
    await page.getByRole("button", { name: "Confirm address" }).click();
    await expect(page.getByRole("status")).toContainText("is confirmed");

    // Out and in again; a search; a ticket; a comment.
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await signIn(page, secrets.email, secrets.password);
    await cookies();
    await page.goto(`/tickets?q=${secrets.search}`);
    await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible();
    await page.goto("/tickets/new");
    await page.getByLabel("Title").fill(secrets.title);
    await page.getByLabel("Description").fill(secrets.description);
    await page.getByRole("button", { name: "Create ticket" }).click();
    await expect(page.getByRole("status").filter({ hasText: /Ticket #\d+ created/ })).toBeVisible();
    await page.getByLabel("Comment").fill(secrets.comment);
    await page.getByRole("button", { name: "Add comment" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Comment added." })).toBeVisible();

    // A reset link, asked for and followed; then in with the new password.
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto("/forgot-password");
    await page.getByLabel("Email").fill(secrets.email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByRole("status")).toContainText("If an account uses that address");
    const reset = linkIn(await waitForMail(secrets.email, "Reset your Triage password"), "/reset-password?token=");
    secrets.resetToken = new URL(reset, server.url).searchParams.get("token")!;
    await page.goto(reset);
    await page.getByLabel("New password").fill(secrets.newPassword);
    await page.getByRole("button", { name: "Set password" }).click();
    await expect(page.getByRole("status")).toHaveText("Your new password is set. Sign in with it.");
    await signIn(page, secrets.email, secrets.newPassword);
    await cookies();

    // A link from mail to a file (made up: its token is what must not show), and a client that
    // names its own request id, which is not taken.
    expect((await page.request.get(`/files/${secrets.filesToken}`)).status()).toBe(404);
    const chosen = await page.request.get("/healthz", { headers: { "x-request-id": "chosen-by-the-client" } });
    expect(chosen.headers()["x-request-id"]).toMatch(/^[A-Za-z0-9_-]{16}$/);
    await context.close();

    // Every response had an id, and its request's line names it, with what the browser saw.
    const parse = (text: string): Line[] => text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Line);
    const requests = () => parse(server.stdout()).filter((l) => typeof l.status === "number");
    expect(answers.length).toBeGreaterThan(20);
    for (const a of answers) expect(a.id, `${a.method} ${a.path}`).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const lineOf = (a: (typeof answers)[number]) => requests().find((l) => l.requestId === a.id && l.method === a.method);
    await expect.poll(() => answers.filter((a) => !lineOf(a)).map((a) => `${a.method} ${a.path}`), { timeout: 10_000 }).toEqual([]);
    for (const a of answers) {
      const line = lineOf(a)!;
      expect(line).toMatchObject({ level: "info", method: a.method, status: a.status });
      // This machine, by the connection: the X-Forwarded-For of the sign-up is not believed.
      expect(["127.0.0.1", "::1"]).toContain(line.client);
      expect(line.path).toBe(a.path.startsWith("/files/") ? "/files/:token" : a.path);
      expect(line.ms).toEqual(expect.any(Number));
      expect(line.bytes).toEqual(expect.any(Number));
      expect(new Date(line.time).toISOString()).toBe(line.time);
    }
    expect(requests().find((l) => l.requestId === chosen.headers()["x-request-id"])).toMatchObject({ path: "/healthz", status: 200 });
    // The create's post redirected to its ticket: the page Next.js fetched from itself for it is
    // logged under the post's id.
    const create = answers.find((a) => a.method === "POST" && a.path === "/tickets/new")!;
    expect(requests().filter((l) => l.requestId === create.id).map((l) => `${l.method} ${l.path}`)).toEqual([
      expect.stringMatching(/^GET \/tickets\/\d+$/),
      "POST /tickets/new",
    ]);
    expect(requests().some((l) => l.path === "/files/:token" && l.status === 404)).toBe(true);
    expect(requests().filter((l) => l.path === "/reset-password").length).toBeGreaterThan(0);

    // The app's warning, written while a sign-up post was answered, names that post.
    const warned = parse(server.stderr()).find((l) => /X-Forwarded-For from .* is ignored/.test(l.msg));
    expect(warned).toMatchObject({ level: "warn" });
    expect(requests().filter((l) => l.requestId === warned!.requestId).map((l) => `${l.method} ${l.path}`)).toContain("POST /sign-up");

    // One line per message the outbox sent: its id and kind. The worker is woken by requests, but
    // its lines are no request's.
    await expect.poll(() => parse(server.stdout()).filter((l) => l.job === "outbox" && l.status === "sent").map((l) => l.kind)).toEqual(
      expect.arrayContaining(["address_proof", "password_reset"]),
    );
    for (const line of parse(server.stdout()).filter((l) => l.job)) {
      expect(line).toMatchObject({ job: "outbox", id: expect.any(Number), attempts: 1, ms: expect.any(Number) });
      expect(line.requestId).toBeUndefined();
    }

    // Stopped, it says so in JSON too. Then: every line of both streams is JSON, and no secret is
    // anywhere in them (as typed, or as a URL or a form would encode it).
    const exited = new Promise((r) => server.child.once("exit", r));
    server.child.kill("SIGTERM");
    await exited;
    expect(parse(server.stdout()).some((l) => /SIGTERM: finishing the requests in flight/.test(l.msg))).toBe(true);
    for (const [name, text] of [["stdout", server.stdout()], ["stderr", server.stderr()]]) {
      for (const line of text.split("\n").filter(Boolean)) {
        expect(() => JSON.parse(line), `${name}: ${line}`).not.toThrow();
        expect(JSON.parse(line), `${name}: ${line}`).toMatchObject({ time: expect.any(String), level: expect.any(String), msg: expect.any(String) });
      }
    }
    const everything = server.output();
    for (const [name, value] of Object.entries(secrets)) {
      for (const form of new Set([value, encodeURIComponent(value), value.replace(/ /g, "+")])) {
        expect(everything.includes(form), `${name} (${form}) is in the log`).toBe(false);
      }
    }
  } finally {
    await server.stop();
    fs.writeFileSync(testInfo.outputPath("server.log"), server.output());
  }
});
