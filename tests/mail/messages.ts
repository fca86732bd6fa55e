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
};

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
    `Content-Type: ${m.contentType ?? "text/plain; charset=utf-8"}`,
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    "",
    m.body,
  ];
  return lines.join("\r\n").replace(/\r?\n/g, "\r\n");
}
