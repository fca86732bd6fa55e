/**
 * Dovecot and the capturing SMTP server as one long-running helper, for Playwright: the browser
 * tests run in other processes, so captured mail is handed over as files.
 *
 *   npx tsx tests/mail/servers.ts [--capture-dir DIR] [--imap-port N] [--smtp-port N]
 *
 * Prints one JSON line when both are up: {"imapUrl": …, "smtpUrl": …, "captureDir": …}.
 * Each accepted message becomes DIR/0001.eml (the raw message) beside 0001.json (its envelope,
 * which has the Bcc recipients no header shows). Fixed ports let playwright.config.ts put the URLs
 * into Triage's environment before anything starts. SIGTERM or SIGINT stops both servers and
 * removes Dovecot's temp folder: give Playwright's webServer `gracefulShutdown: { signal:
 * "SIGTERM", timeout: 5000 }`. (Its default, SIGKILL to the process group, still ends Dovecot,
 * which runs in the foreground in that group, but leaves the temp folder behind.)
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { startDovecot } from "./dovecot";
import { startSmtp } from "./smtp";

async function main() {
  const { values } = parseArgs({
    options: {
      "capture-dir": { type: "string", default: path.resolve(".tmp/mail-capture") },
      "imap-port": { type: "string" },
      "smtp-port": { type: "string" },
    },
  });
  const dir = path.resolve(values["capture-dir"]!);
  fs.mkdirSync(dir, { recursive: true });
  // Numbering starts again at 1: files from an earlier run would be taken for this run's mail.
  for (const f of fs.readdirSync(dir)) if (/^\d+\.(eml|json)$/.test(f)) fs.rmSync(path.join(dir, f));

  let seq = 0;
  const smtp = await startSmtp({
    port: values["smtp-port"] ? Number(values["smtp-port"]) : undefined,
    onMessage(m) {
      const name = String(++seq).padStart(4, "0");
      // The .eml appears last and whole (rename is atomic), so a reader polling for it never
      // sees half a message or a message without its envelope.
      fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ from: m.from, to: m.to, user: m.user }));
      fs.writeFileSync(path.join(dir, `${name}.eml.tmp`), m.raw);
      fs.renameSync(path.join(dir, `${name}.eml.tmp`), path.join(dir, `${name}.eml`));
    },
  });
  const imap = await startDovecot({ port: values["imap-port"] ? Number(values["imap-port"]) : undefined }).catch(
    async (e) => {
      await smtp.stop();
      throw e;
    },
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.all([imap.stop(), smtp.stop()]);
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  console.log(JSON.stringify({ imapUrl: imap.url, smtpUrl: smtp.url, captureDir: dir }));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
