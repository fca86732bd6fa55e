/**
 * A real SMTP server (the `smtp-server` package) that keeps what Triage sends, for integration and
 * end-to-end tests of outgoing mail. Its answers can be changed while a test runs, to prove that
 * Triage retries a temporary failure (4xx), gives up on a permanent one (5xx), and survives the
 * server being down altogether.
 *
 * Plain SMTP on 127.0.0.1 only: no TLS, so AUTH is allowed in the clear, as on a local relay.
 */
import type net from "node:net";
import PostalMime, { type Email } from "postal-mime";
import { SMTPServer } from "smtp-server";

export type Captured = {
  /** The envelope (MAIL FROM / RCPT TO), which may differ from the From/To/Cc headers (Bcc). */
  from: string;
  to: string[];
  /** The user the client authenticated as, if it did. */
  user?: string;
  raw: string;
  parsed: Email;
};

export type Refused = { from: string; to: string[]; code: number };

export type SmtpMode = "accept" | "tempfail" | "reject";

export type SmtpOptions = {
  /** A fixed port, for a process that must know it in advance (Playwright's config); default any free one. */
  port?: number;
  /** Require AUTH (PLAIN or LOGIN) before MAIL FROM; any name and password will do. Default true. */
  auth?: boolean;
  /** The credentials written into `url`. */
  user?: string;
  pass?: string;
  /** Called for every accepted message, after it is in `messages`. */
  onMessage?: (m: Captured) => void;
};

export type Smtp = {
  /** smtp://user:pass@127.0.0.1:PORT (without credentials when auth is off) */
  url: string;
  port: number;
  /** Every accepted message, oldest first; the same array for the server's whole life. */
  messages: Captured[];
  /** Every message answered with a 4xx or 5xx, so a test can count Triage's attempts. */
  refused: Refused[];
  /** How to answer each message at the end of DATA: 250, 451, or 550. */
  mode(m: SmtpMode): void;
  /** Answer the next `n` messages with `code` (a 4xx by default), then go back to `mode`. */
  failNext(n: number, code?: number): void;
  /** Resolves with the captured messages matching `predicate`, once there are `count` of them. */
  waitFor(predicate?: (m: Captured) => boolean, timeoutMs?: number, count?: number): Promise<Captured[]>;
  /** Closes the port (a client then gets ECONNREFUSED) and drops open connections with a 421. */
  stop(): Promise<void>;
  /** Listens again on the same port, with the same messages and mode: the server is back. */
  restart(): Promise<void>;
};

const ANSWERS: Record<number, string> = {
  451: "4.3.0 Temporarily unable to accept the message, try again later",
  550: "5.7.1 Message refused",
};

export async function startSmtp(opts: SmtpOptions = {}): Promise<Smtp> {
  const { auth = true, user = "user", pass = "pass" } = opts;
  const messages: Captured[] = [];
  const refused: Refused[] = [];
  const waiters = new Set<() => void>();
  let mode: SmtpMode = "accept";
  let failing = { left: 0, code: 451 };

  /**
   * What to answer now: a code to refuse with, or null to accept. Recipients at reject.invalid
   * are always refused (550) and at tempfail.invalid always deferred (451): end-to-end tests in
   * another process choose a failure by the address they give a person.
   */
  function verdict(to: string[]): number | null {
    if (to.some((a) => a.toLowerCase().endsWith("@reject.invalid"))) return 550;
    if (to.some((a) => a.toLowerCase().endsWith("@tempfail.invalid"))) return 451;
    if (failing.left > 0) {
      failing.left--;
      return failing.code;
    }
    return mode === "tempfail" ? 451 : mode === "reject" ? 550 : null;
  }

  function create() {
    return new SMTPServer({
      secure: false,
      banner: "Triage test SMTP",
      logger: false,
      // Without a certificate STARTTLS could only fail; a client that sees no offer does not try.
      disabledCommands: auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
      authMethods: ["PLAIN", "LOGIN"],
      allowInsecureAuth: true,
      authOptional: !auth,
      // A stopped server must look down at once, not after the default 30 s of grace.
      closeTimeout: 1,
      onAuth(a, _session, callback) {
        callback(null, { user: a.username });
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
          const to = session.envelope.rcptTo.map((r) => r.address);
          const code = verdict(to);
          if (code !== null) {
            refused.push({ from, to, code });
            return callback(Object.assign(new Error(ANSWERS[code] ?? "Refused by the test harness"), { responseCode: code }));
          }
          const buf = Buffer.concat(chunks);
          PostalMime.parse(buf).then((parsed) => {
            const m: Captured = { from, to, user: session.user, raw: buf.toString("utf8"), parsed };
            messages.push(m);
            opts.onMessage?.(m);
            for (const w of waiters) w();
            callback(null, "2.0.0 Queued");
          }, callback);
        });
      },
    });
  }

  let server = create();
  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(p, "127.0.0.1", () => resolve((server.server.address() as net.AddressInfo).port));
    });
  const port = await listen(opts.port ?? 0);
  let running = true;

  return {
    url: auth ? `smtp://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}` : `smtp://127.0.0.1:${port}`,
    port,
    messages,
    refused,
    mode(m) {
      mode = m;
    },
    failNext(n, code = 451) {
      failing = { left: n, code };
    },
    waitFor(predicate = () => true, timeoutMs = 5000, count = 1) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hits = messages.filter(predicate);
          if (hits.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hits);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const seen = messages.map((m) => `${m.to.join(",")}: ${m.parsed.subject ?? ""}`).join("; ") || "none";
          reject(new Error(`waitFor: fewer than ${count} matching message(s) after ${timeoutMs} ms (captured: ${seen})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (!running) return;
      running = false;
      await new Promise<void>((r) => server.close(() => r()));
    },
    async restart() {
      if (running) return;
      server = create();
      await listen(port);
      running = true;
    },
  };
}
