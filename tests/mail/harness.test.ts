/**
 * The mail harness itself: before Triage's mail tests lean on these servers, prove they behave like
 * the real thing, and that they leave nothing running behind them.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ImapFlow } from "imapflow";
import nodemailer, { type SendMailOptions } from "nodemailer";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type Dovecot, isDovecot, processes, startDovecot } from "./dovecot";
import { type Smtp, startSmtp } from "./smtp";

/** Each test stops what it started, even when it fails; the file ends with no Dovecot left. */
const running: Array<Dovecot | Smtp> = [];
const pids: number[] = [];
async function dovecot() {
  const d = await startDovecot();
  running.push(d);
  return d;
}
async function smtp(opts?: Parameters<typeof startSmtp>[0]) {
  const s = await startSmtp(opts);
  running.push(s);
  return s;
}
afterEach(async () => {
  for (const s of running) if ("pid" in s) pids.push(...processes(s.pid));
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
afterAll(() => {
  expect(pids.filter(isDovecot)).toEqual([]);
});

/** Connects the way Triage will: from nothing but the URL. */
function client(url: string) {
  const u = new URL(url);
  return new ImapFlow({
    host: u.hostname,
    port: Number(u.port),
    secure: false,
    auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) },
    logger: false,
  });
}

const RAW = `From: Ada <ada@example.com>
To: support@example.com
Subject: Printer on fire
Message-ID: <fire-1@example.com>
Date: Mon, 30 Nov 2026 09:00:00 +0000

It is on fire again.
`;

describe("Dovecot", () => {
  it("APPENDs into INBOX, and an IMAP client sees the message, unseen, with its UID", async () => {
    const d = await dovecot();
    expect(d.url).toBe(`imap://support:support-pass@127.0.0.1:${d.port}/INBOX`);
    const { uid } = await d.append(RAW);

    const c = client(d.url);
    await c.connect();
    try {
      await c.mailboxOpen("INBOX");
      const m = await c.fetchOne("*", { uid: true, flags: true, envelope: true, source: true });
      expect(m && m.uid).toBe(uid);
      expect(m && m.envelope?.messageId).toBe("<fire-1@example.com>");
      expect(m && [...(m.flags ?? [])]).not.toContain("\\Seen");
      // Stored as delivered over SMTP: CRLF line ends, nothing else changed.
      expect(m && m.source?.toString()).toBe(RAW.replace(/\n/g, "\r\n"));
    } finally {
      await c.logout();
    }
    expect(await d.list()).toEqual([{ uid, flags: [], subject: "Printer on fire" }]);
  });

  it("keeps flags given to APPEND, and numbers many messages in order", async () => {
    const d = await dovecot();
    await d.append(RAW, ["\\Seen"]);
    for (let i = 0; i < 50; i++) await d.append(`From: a@example.com\nSubject: m${i}\n\nbody\n`);
    const all = await d.list();
    expect(all).toHaveLength(51);
    expect(all[0].flags).toEqual(["\\Seen"]);
    expect(all.map((m) => m.uid)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
  });

  it("lets a client create folders and move a message into them", async () => {
    const d = await dovecot();
    const { uid } = await d.append(RAW);
    const c = client(d.url);
    await c.connect();
    try {
      await c.mailboxCreate("Quarantine");
      await c.mailboxCreate("Triage/Processed");
      await c.mailboxOpen("INBOX");
      await c.messageMove(String(uid), "Triage/Processed", { uid: true });
    } finally {
      await c.logout();
    }
    expect(await d.list()).toEqual([]);
    expect(await d.list("Triage/Processed")).toMatchObject([{ subject: "Printer on fire" }]);
    expect(await d.list("Quarantine")).toEqual([]);
  });

  it("refuses a wrong password or another user at once", async () => {
    const d = await dovecot();
    for (const [user, pass] of [["support", "nope"], ["other", d.pass]]) {
      const c = client(`imap://${user}:${pass}@127.0.0.1:${d.port}/INBOX`);
      c.on("error", () => {});
      await expect(c.connect()).rejects.toMatchObject({ authenticationFailed: true });
    }
  });

  it("runs two instances side by side, each with its own mailbox", async () => {
    const [a, b] = await Promise.all([dovecot(), dovecot()]);
    expect(a.port).not.toBe(b.port);
    await a.append(RAW);
    expect(await a.list()).toHaveLength(1);
    expect(await b.list()).toEqual([]);
  });

  it("stops with every process it started", async () => {
    const d = await dovecot();
    await d.list(); // a login starts auth and imap processes
    const tree = processes(d.pid);
    expect(tree.length).toBeGreaterThan(3);
    await d.stop();
    expect(tree.filter(isDovecot)).toEqual([]);
  });
});

describe("SMTP capture", () => {
  const send = (s: Smtp, extra: Partial<SendMailOptions> = {}) =>
    nodemailer.createTransport(s.url).sendMail({
      from: "Triage <triage@example.com>",
      to: "ada@example.com",
      bcc: "audit@example.com",
      subject: "[#42] Printer on fire",
      text: "We are on it.",
      messageId: "<reply-42@triage.example.com>",
      inReplyTo: "<fire-1@example.com>",
      headers: { "Auto-Submitted": "auto-replied" },
      ...extra,
    });

  it("captures a message sent with AUTH, headers and envelope intact", async () => {
    const s = await smtp();
    expect(s.url).toBe(`smtp://user:pass@127.0.0.1:${s.port}`);
    const info = await send(s);
    expect(info.response).toMatch(/^250 /);
    const [m] = await s.waitFor((m) => m.parsed.subject === "[#42] Printer on fire");
    expect(m.from).toBe("triage@example.com");
    expect(m.to).toEqual(["ada@example.com", "audit@example.com"]); // Bcc only in the envelope
    expect(m.user).toBe("user");
    expect(m.parsed.messageId).toBe("<reply-42@triage.example.com>");
    expect(m.parsed.inReplyTo).toBe("<fire-1@example.com>");
    expect(m.parsed.text?.trim()).toBe("We are on it.");
    expect(m.raw).toMatch(/^Auto-Submitted: auto-replied\r$/m);
    expect(m.raw).not.toMatch(/^Bcc:/im);
  });

  it("requires AUTH when it is on, and takes mail without it when off", async () => {
    const s = await smtp();
    const open = s.url.replace("user:pass@", "");
    await expect(nodemailer.createTransport(open).sendMail({ from: "a@example.com", to: "b@example.com", text: "x" })).rejects.toMatchObject({
      responseCode: 530,
    });
    const anon = await smtp({ auth: false });
    expect(anon.url).toBe(`smtp://127.0.0.1:${anon.port}`);
    await nodemailer.createTransport(anon.url).sendMail({ from: "a@example.com", to: "b@example.com", text: "x" });
    expect(anon.messages[0].user).toBeUndefined();
  });

  it("answers 451 while in tempfail, then accepts", async () => {
    const s = await smtp();
    s.mode("tempfail");
    await expect(send(s)).rejects.toMatchObject({ responseCode: 451, response: expect.stringMatching(/^451 4\.3\.0 /) });
    expect(s.messages).toEqual([]);
    s.mode("accept");
    await send(s);
    expect(s.messages).toHaveLength(1);
    expect(s.refused).toEqual([{ from: "triage@example.com", to: ["ada@example.com", "audit@example.com"], code: 451 }]);
  });

  it("fails only the next n messages with failNext", async () => {
    const s = await smtp();
    s.failNext(2);
    await expect(send(s)).rejects.toMatchObject({ responseCode: 451 });
    await expect(send(s)).rejects.toMatchObject({ responseCode: 451 });
    await send(s);
    s.failNext(1, 421);
    await expect(send(s)).rejects.toMatchObject({ responseCode: 421 });
    expect(s.refused.map((r) => r.code)).toEqual([451, 451, 421]);
    expect(s.messages).toHaveLength(1);
  });

  it("rejects with a 5xx the client can read", async () => {
    const s = await smtp();
    s.mode("reject");
    const err = await send(s).catch((e: unknown) => e as { responseCode?: number; response?: string; code?: string });
    expect(err).toMatchObject({ responseCode: 550, code: "EMESSAGE" });
    expect(err.response).toMatch(/^550 5\.7\.1 /);
  });

  it("is down after stop (ECONNREFUSED), and up again after restart", async () => {
    const s = await smtp();
    const pooled = nodemailer.createTransport({ url: s.url, pool: true });
    await pooled.sendMail({ from: "a@example.com", to: "b@example.com", text: "before" });
    await s.stop();
    await expect(send(s)).rejects.toMatchObject({ code: "ESOCKET", message: expect.stringContaining("ECONNREFUSED") });
    // Even the pooled connection left open before the stop is gone.
    await expect(pooled.sendMail({ from: "a@example.com", to: "b@example.com", text: "during" })).rejects.toThrow();
    await s.restart();
    await pooled.sendMail({ from: "a@example.com", to: "b@example.com", text: "after" });
    pooled.close();
    expect(s.messages.map((m) => m.parsed.text?.trim())).toEqual(["before", "after"]);
  });

  it("waitFor names what it did capture when it times out", async () => {
    const s = await smtp();
    await send(s);
    await expect(s.waitFor((m) => m.to.includes("nobody@example.com"), 200)).rejects.toThrow(
      /fewer than 1 matching message\(s\) after 200 ms \(captured: ada@example.com,audit@example.com: \[#42\] Printer on fire\)/,
    );
  });
});

describe("servers.ts, the helper for Playwright", () => {
  it("prints both URLs, writes each message to the capture folder, and stops cleanly on SIGTERM", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "triage-capture-"));
    const child = spawn("node_modules/.bin/tsx", ["tests/mail/servers.ts", "--capture-dir", dir], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const [line] = (await once(child.stdout!, "data")) as [Buffer];
      const { imapUrl, smtpUrl } = JSON.parse(line.toString()) as { imapUrl: string; smtpUrl: string };
      await nodemailer.createTransport(smtpUrl).sendMail({ from: "a@example.com", to: "b@example.com", bcc: "c@example.com", subject: "Hi", text: "x" });
      expect(fs.readdirSync(dir).sort()).toEqual(["0001.eml", "0001.json"]);
      expect(fs.readFileSync(path.join(dir, "0001.eml"), "utf8")).toMatch(/^Subject: Hi\r$/m);
      expect(JSON.parse(fs.readFileSync(path.join(dir, "0001.json"), "utf8"))).toMatchObject({ to: ["b@example.com", "c@example.com"] });

      const c = client(imapUrl);
      await c.connect();
      await c.logout();
      child.kill("SIGTERM");
      expect((await once(child, "exit"))[0]).toBe(0);
      const port = Number(new URL(imapUrl).port);
      await expect(new Promise((ok, fail) => net.connect(port, "127.0.0.1").on("connect", ok).on("error", fail))).rejects.toMatchObject({ code: "ECONNREFUSED" });
    } finally {
      child.kill("SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
