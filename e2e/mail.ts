import fs from "node:fs";
import path from "node:path";
import { ImapFlow } from "imapflow";
import PostalMime, { type Email } from "postal-mime";
import { IMAP_PORT, MAIL_CAPTURE_DIR } from "./env";

/**
 * The test's side of the mail servers started by playwright.config.ts: what Triage sent (files
 * the SMTP capture writes) and what people send in (APPEND into Dovecot, as delivery would).
 */

export type Sent = { to: string[]; email: Email; raw: string };

const parsed = new Map<string, Sent>();

async function allSent(): Promise<Sent[]> {
  const dir = path.resolve(MAIL_CAPTURE_DIR);
  if (!fs.existsSync(dir)) return [];
  const out: Sent[] = [];
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".eml")).sort()) {
    let m = parsed.get(f);
    if (!m) {
      const raw = fs.readFileSync(path.join(dir, f), "utf8");
      const envelope = JSON.parse(fs.readFileSync(path.join(dir, f.replace(/\.eml$/, ".json")), "utf8")) as { to: string[] };
      m = { to: envelope.to, email: await PostalMime.parse(raw), raw };
      parsed.set(f, m);
    }
    out.push(m);
  }
  return out;
}

/** Every message sent to `to` so far, oldest first. */
export async function mailTo(to: string): Promise<Sent[]> {
  return (await allSent()).filter((m) => m.to.includes(to.toLowerCase()));
}

/** The first message to `to` whose subject matches, once it has arrived. */
export async function waitForMail(to: string, subject: RegExp | string, timeoutMs = 20_000): Promise<Sent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = (await mailTo(to)).find((s) => (typeof subject === "string" ? s.email.subject === subject : subject.test(s.email.subject ?? "")));
    if (m) return m;
    if (Date.now() > deadline) {
      const got = (await mailTo(to)).map((s) => s.email.subject);
      throw new Error(`No mail to ${to} with subject ${subject} within ${timeoutMs} ms (got: ${JSON.stringify(got)})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const header = (m: Sent, name: string) => m.email.headers.find((h) => h.key === name)?.value;

/** Delivers a message into the support mailbox. */
export async function deliver(raw: string): Promise<void> {
  const client = new ImapFlow({ host: "127.0.0.1", port: IMAP_PORT, secure: false, auth: { user: "support", pass: "support-pass" }, logger: false });
  await client.connect();
  try {
    await client.append("INBOX", raw);
  } finally {
    await client.logout();
  }
}

/** The link in a message's text that starts with `path`, as a path on this site. */
export function linkIn(m: Sent, pathPrefix: string): string {
  const match = new RegExp(`https?://[^\\s/]+(${pathPrefix.replace(/[?]/g, "\\?")}[^\\s]*)`).exec(m.email.text ?? "");
  if (!match) throw new Error(`No ${pathPrefix} link in: ${m.email.text}`);
  return match[1];
}
