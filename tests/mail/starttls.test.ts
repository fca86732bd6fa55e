import net from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SMTPServer } from "smtp-server";

/**
 * A stock SMTP server offers STARTTLS with a self-signed certificate (smtp-server's defaults, a
 * fresh Postfix). With smtp:// Triage takes the upgrade without checking the certificate, as
 * servers do between themselves, instead of never delivering.
 */

let server: SMTPServer;
const received: string[] = [];

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      stream.resume();
      stream.on("end", () => {
        received.push(`${session.secure ? "tls" : "plain"}:${session.envelope.rcptTo.map((r) => r.address).join(",")}`);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as net.AddressInfo).port;
  process.env.TRIAGE_SMTP_URL = `smtp://127.0.0.1:${port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it("delivers over STARTTLS to a server with a self-signed certificate", async () => {
  const { smtpTransport } = await import("@/lib/mail/outbox");
  const transport = smtpTransport()!;
  await transport.sendMail({ from: "help@example.com", to: "rita@example.com", subject: "Hi", text: "Hello." });
  expect(received).toEqual(["tls:rita@example.com"]);
});
