/**
 * Raw RFC 5322 messages for tests, written the way mail clients write them: CRLF line ends,
 * folded headers left alone, a Date and a Message-ID unless the test says otherwise.
 */
export type MessageSpec = {
  from: string;
  to?: string;
  subject: string;
  body: string;
  messageId?: string | null;
  inReplyTo?: string;
  references?: string;
  headers?: Record<string, string>;
  contentType?: string;
  /** Files: the message becomes multipart/mixed, the body its text part, each file a base64 part. */
  files?: MessageFile[];
};

/** A file in a message; `inlineId` makes it an inline part with that Content-ID (a `cid:` image). */
export type MessageFile = { name: string; type: string; bytes: Uint8Array; inlineId?: string };

let counter = 0;

export function rawMessage(m: MessageSpec): string {
  counter++;
  const id = m.messageId === undefined ? `<test-${Date.now()}-${counter}-${Math.random().toString(36).slice(2)}@client.example>` : m.messageId;
  const lines = [
    `From: ${m.from}`,
    `To: ${m.to ?? "Help Desk <help@example.com>"}`,
    `Subject: ${m.subject}`,
    `Date: ${new Date().toUTCString()}`,
    ...(id ? [`Message-ID: ${id}`] : []),
    ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`] : []),
    ...(m.references ? [`References: ${m.references}`] : []),
    "MIME-Version: 1.0",
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    ...(m.files?.length ? multipart(m, `part-${id ?? counter}`.replace(/[^\w.-]/g, "")) : [`Content-Type: ${m.contentType ?? "text/plain; charset=utf-8"}`, "", m.body]),
  ];
  return lines.join("\r\n").replace(/\r?\n/g, "\r\n");
}

function multipart(m: MessageSpec, boundary: string): string[] {
  const lines = [`Content-Type: multipart/mixed; boundary="${boundary}"`, "", `--${boundary}`, `Content-Type: ${m.contentType ?? "text/plain; charset=utf-8"}`, "", m.body];
  for (const f of m.files ?? []) {
    lines.push(
      `--${boundary}`,
      `Content-Type: ${f.type}; name="${f.name}"`,
      "Content-Transfer-Encoding: base64",
      `Content-Disposition: ${f.inlineId ? "inline" : "attachment"}; filename="${f.name}"`,
      ...(f.inlineId ? [`Content-ID: <${f.inlineId}>`] : []),
      "",
      Buffer.from(f.bytes).toString("base64").replace(/.{76}/g, "$&\n"),
    );
  }
  lines.push(`--${boundary}--`, "");
  return lines;
}
