/**
 * The words of every message Triage sends: subject, plain text and HTML, written when the change
 * happens (so a message says what was true then). Pure: no database, no network.
 */

import { replyMarker } from "./inbound/token";
import { escapeHtml, oneLine, withArticle } from "../text";
import { formatBytes } from "../files/names";

/** A title or subject inside a line of mail: one line, trimmed. */
const line = (s: string) => oneLine(s).trim();

export type Recipient = { name: string; timeZone: string | null };
export type TicketFacts = { number: number; title: string };

export type Composed = { subject: string; text: string; html: string };

/** Everything in a message that links back: the site and the signed reply reference. */
export type MailContext = { publicUrl: string; replyRef: string | null };

export function ticketUrl(ctx: MailContext, n: number) {
  return `${ctx.publicUrl}/tickets/${n}`;
}

/** "[#123] Title": the number in brackets is what threads a reply when nothing else does. */
export function ticketSubject(t: TicketFacts, prefix = "") {
  return `${prefix}[#${t.number}] ${line(t.title)}`;
}


const formatters = new Map<string, Intl.DateTimeFormat>();

/** A time as the recipient reads it: in their zone, named. (A formatter is made once per zone.) */
export function formatWhen(d: Date, timeZone: string | null) {
  const zone = timeZone ?? "UTC";
  let f = formatters.get(zone);
  if (!f) formatters.set(zone, (f = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: zone })));
  return `${f.format(d)} ${zone === "UTC" ? "UTC" : `(${zone})`}`;
}

/** A file in mail: its name and size, and a link that opens it for this recipient (lib/files/links.ts). */
export type MailedFile = { name: string; size: number; href: string };

/**
 * A quote is what someone wrote; `at`, when given, says when ("Ada wrote on 1 Dec 2026, 10:02 UTC:").
 * Files are the links to what came with it.
 */
type Block =
  | { kind: "p"; text: string }
  | { kind: "quote"; text: string; by: string; at?: string }
  | { kind: "link"; text: string; href: string }
  | { kind: "files"; files: MailedFile[] };

const fileLabel = (f: MailedFile) => `${line(f.name)} (${formatBytes(f.size)})`;

const wrote = (b: { by: string; at?: string }) => `${b.by} wrote${b.at ? ` on ${b.at}` : ""}:`;

/**
 * Lays the blocks out twice: plain text for every client, simple HTML for the rest. The footer
 * carries the reply reference: quoted back in a reply, it finds the ticket even when a provider
 * rewrote the Message-IDs.
 */
function render(to: Recipient, blocks: Block[], ctx: MailContext, footer: string): { text: string; html: string } {
  const ref = ctx.replyRef ? replyMarker(ctx.replyRef) : "";
  const text = [
    // No name for an address nobody proved (the name is whatever the account's maker typed).
    to.name ? `Hello ${to.name},` : "Hello,",
    "",
    ...blocks.flatMap((b) =>
      b.kind === "p"
        ? [b.text, ""]
        : b.kind === "link"
          ? [`${b.text}: ${b.href}`, ""]
          : b.kind === "files"
            ? [b.files.length === 1 ? "Attached file:" : "Attached files:", ...b.files.map((f) => `- ${fileLabel(f)}: ${f.href}`), ""]
            : [wrote(b), "", b.text, ""],
    ),
    // No "-- " signature line: clients drop what follows it from the quote, and the reference
    // below must survive in replies.
    "—",
    footer,
    ref,
  ]
    .join("\n")
    .trimEnd();
  const html = [
    `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:15px;line-height:1.5;color:#1f2328">`,
    to.name ? `<p>Hello ${escapeHtml(to.name)},</p>` : "<p>Hello,</p>",
    ...blocks.map((b) =>
      b.kind === "p"
        ? `<p>${escapeHtml(b.text)}</p>`
        : b.kind === "link"
          ? `<p><a href="${escapeHtml(b.href)}">${escapeHtml(b.text)}</a></p>`
          : b.kind === "files"
            ? `<p style="margin-bottom:4px">${b.files.length === 1 ? "Attached file:" : "Attached files:"}</p><ul style="margin-top:0">${b.files.map((f) => `<li><a href="${escapeHtml(f.href)}">${escapeHtml(line(f.name))}</a> (${escapeHtml(formatBytes(f.size))})</li>`).join("")}</ul>`
            : `<p><strong>${escapeHtml(b.by)}</strong> wrote${b.at ? ` on ${escapeHtml(b.at)}` : ""}:</p><div style="white-space:pre-wrap;border-left:3px solid #d0d7de;padding-left:12px">${escapeHtml(b.text)}</div>`,
    ),
    `<p style="color:#656d76;font-size:13px">${escapeHtml(footer)}${ref ? `<br><span style="color:#8c959f">${escapeHtml(ref)}</span>` : ""}</p>`,
    `</body></html>`,
  ].join("\n");
  return { text, html };
}

const REPLY_FOOTER = "Reply to this email to add a comment to the ticket.";

export function ticketCreatedMail(to: Recipient, t: TicketFacts & { createdAt: Date }, ctx: MailContext, opts: { invite?: string } = {}): Composed {
  const blocks: Block[] = [
    { kind: "p", text: `We received your request "${line(t.title)}" on ${formatWhen(t.createdAt, to.timeZone)}. Its number is #${t.number}; the team will answer here.` },
    { kind: "link", text: `Ticket #${t.number}`, href: ticketUrl(ctx, t.number) },
  ];
  if (opts.invite) {
    blocks.push({ kind: "p", text: "To follow the ticket on the web, set a password for your account (the link works once, for three days):" });
    blocks.push({ kind: "link", text: "Set a password", href: opts.invite });
  }
  return { subject: ticketSubject(t, "Received: "), ...render(to, blocks, ctx, REPLY_FOOTER) };
}

export type MailedComment = { author: string; body: string; at: Date; files?: MailedFile[] };

/** A comment's quote, then the links to its files. */
const quoted = (c: MailedComment, at?: string): Block[] => [
  { kind: "quote", by: line(c.author), text: c.body, ...(at ? { at } : {}) },
  ...(c.files?.length ? [{ kind: "files" as const, files: c.files }] : []),
];

/**
 * New comments on a ticket, in one message: `comments` (oldest first, already cut to what one mail
 * carries), and `more` that did not fit, which the message sends to the ticket page for.
 */
export function commentsMail(to: Recipient, t: TicketFacts, comments: MailedComment[], more: number, ctx: MailContext): Composed {
  const first = comments[0];
  const total = comments.length + more;
  const blocks: Block[] =
    total === 1
      ? [
          { kind: "p", text: `${line(first.author)} commented on ticket #${t.number} on ${formatWhen(first.at, to.timeZone)}.` },
          ...quoted(first),
        ]
      : [
          { kind: "p", text: `${total} new comments on ticket #${t.number}, the first on ${formatWhen(first.at, to.timeZone)}.` },
          ...comments.flatMap((c) => quoted(c, formatWhen(c.at, to.timeZone))),
        ];
  if (more > 0) blocks.push({ kind: "p", text: `…and ${more} more ${more === 1 ? "comment" : "comments"} on the ticket page.` });
  blocks.push({ kind: "link", text: `Ticket #${t.number}`, href: ticketUrl(ctx, t.number) });
  return { subject: ticketSubject(t, "Re: "), ...render(to, blocks, ctx, REPLY_FOOTER) };
}

export function resolvedMail(to: Recipient, t: TicketFacts, by: { name: string; at: Date }, ctx: MailContext): Composed {
  const blocks: Block[] = [
    { kind: "p", text: `${by.name} marked ticket #${t.number} as Resolved on ${formatWhen(by.at, to.timeZone)}. If it is not, reply to this email and tell us what is still wrong.` },
    { kind: "link", text: `Ticket #${t.number}`, href: ticketUrl(ctx, t.number) },
  ];
  return { subject: ticketSubject(t, "Resolved: "), ...render(to, blocks, ctx, REPLY_FOOTER) };
}

/**
 * The requester's ticket was merged into another (lib/tickets/merge.ts). `into.visible`: whether
 * they may open it (their own); otherwise neither its title nor a link to it is given, only its
 * number, and the link is to their own ticket, which says where it went.
 */
export function mergedMail(to: Recipient, t: TicketFacts, into: { number: number; title: string; visible: boolean }, by: { name: string; at: Date }, ctx: MailContext): Composed {
  const where = into.visible ? `#${into.number} ("${line(into.title)}")` : `#${into.number}`;
  const blocks: Block[] = [
    { kind: "p", text: `${by.name} merged your ticket #${t.number} into ticket ${where} on ${formatWhen(by.at, to.timeZone)}: it asks about the same thing, so the team answers it there. Your messages and files were copied into it, and ticket #${t.number} is now Closed.` },
    { kind: "p", text: "If you reply to this email, your reply is added to that ticket." },
    into.visible
      ? { kind: "link", text: `Ticket #${into.number}`, href: ticketUrl(ctx, into.number) }
      : { kind: "link", text: `Ticket #${t.number}`, href: ticketUrl(ctx, t.number) },
  ];
  return { subject: ticketSubject(t, "Merged: "), ...render(to, blocks, ctx, REPLY_FOOTER) };
}

export function assignedMail(to: Recipient, t: TicketFacts, by: { name: string; at: Date }, ctx: MailContext): Composed {
  const blocks: Block[] = [
    { kind: "p", text: `${by.name} assigned ticket #${t.number} to you on ${formatWhen(by.at, to.timeZone)}.` },
    { kind: "link", text: `Ticket #${t.number}`, href: ticketUrl(ctx, t.number) },
  ];
  return { subject: ticketSubject(t, "Assigned to you: "), ...render(to, blocks, ctx, REPLY_FOOTER) };
}

/** Several tickets given to one person in one bulk change: one mail that lists them (at most `shown`). */
export function assignedManyMail(to: Recipient, tickets: TicketFacts[], by: { name: string; at: Date }, ctx: MailContext, shown = 20): Composed {
  const list = tickets.slice(0, shown);
  const more = tickets.length - list.length;
  const blocks: Block[] = [
    { kind: "p", text: `${by.name} assigned ${tickets.length} tickets to you on ${formatWhen(by.at, to.timeZone)}:` },
    ...list.map((t): Block => ({ kind: "link", text: `#${t.number} ${line(t.title)}`, href: ticketUrl(ctx, t.number) })),
    ...(more > 0 ? [{ kind: "p", text: `and ${more} more.` } as Block] : []),
  ];
  return { subject: `Assigned to you: ${tickets.length} tickets`, ...render(to, blocks, { ...ctx, replyRef: null }, "This message was sent by Triage.") };
}

export function unassignedMail(to: Recipient, t: TicketFacts & { requester: string; description: string; createdAt: Date }, ctx: MailContext): Composed {
  const blocks: Block[] = [
    { kind: "p", text: `${t.requester} opened ticket #${t.number} on ${formatWhen(t.createdAt, to.timeZone)}; nobody is assigned yet.` },
    { kind: "quote", by: t.requester, text: t.description },
    { kind: "link", text: `Ticket #${t.number}`, href: ticketUrl(ctx, t.number) },
  ];
  return { subject: ticketSubject(t, "New: "), ...render(to, blocks, ctx, REPLY_FOOTER) };
}

export function passwordResetMail(to: Recipient, link: string, ctx: MailContext): Composed {
  const blocks: Block[] = [
    { kind: "p", text: "Someone asked to reset the password of your Triage account. If it was you, set a new one here (the link works once, for one hour):" },
    { kind: "link", text: "Set a new password", href: link },
    { kind: "p", text: "If it was not you, ignore this message: your password stays as it is." },
  ];
  return { subject: "Reset your Triage password", ...render(to, blocks, { ...ctx, replyRef: null }, "This message was sent by Triage.") };
}

/** An admin invited this person (lib/people/commands.ts invitePerson): a link to set a password. */
export function invitationMail(to: Recipient, link: string, invite: { by: string; role: string; days: number }, ctx: MailContext): Composed {
  const blocks: Block[] = [
    { kind: "p", text: `${line(invite.by)} invited you to the help desk as ${withArticle(invite.role)}. Choose your password here to sign in (the link works once, for ${invite.days} days):` },
    { kind: "link", text: "Set my password", href: link },
    { kind: "p", text: "If you were not expecting this, ignore this message: nothing happens until the link is followed." },
  ];
  return { subject: "You are invited to the help desk", ...render(to, blocks, { ...ctx, replyRef: null }, "This message was sent by Triage.") };
}

export function oversizeMail(to: Recipient, subject: string, maxBytes: number, ctx: MailContext): Composed {
  const mb = Math.round(maxBytes / 1024 / 1024);
  const blocks: Block[] = [
    { kind: "p", text: `Your message "${line(subject)}" is larger than ${mb} MB, so the help desk could not accept it. Please send it again without the large attachments, or with links to them.` },
  ];
  return { subject: `Not delivered to the help desk: ${line(subject)}`.slice(0, 250), ...render(to, blocks, { ...ctx, replyRef: null }, "This message was sent by Triage.") };
}

export function addressCheckMail(to: Recipient, link: string, ctx: MailContext): Composed {
  // Nothing the sender wrote is quoted: anyone can put this address in a From header, and the
  // desk must not carry their words to a mailbox nobody proved (issue 20).
  const blocks: Block[] = [
    { kind: "p", text: "We received a message from this address. It belongs to a help desk account that has not yet confirmed it owns this mailbox, so the message is waiting." },
    { kind: "p", text: "To have it (and your later mail) added, confirm the address by setting your password here; you may set the one you use now. The link works once, for three days:" },
    { kind: "link", text: "Confirm my address", href: link },
    { kind: "p", text: "If you did not write to us, ignore this message." },
  ];
  return { subject: "Your message to the help desk is waiting", ...render(to, blocks, { ...ctx, replyRef: null }, "This message was sent by Triage.") };
}

/**
 * The one message an account made on the web gets while its address is unproven: a link, and
 * nothing anybody typed (not even the name), so that the desk cannot be made to carry a stranger's
 * words to an address nobody proved. `to.name` is left out whatever it holds.
 */
export function addressProofMail(to: Recipient, link: string, ctx: MailContext): Composed {
  const blocks: Block[] = [
    { kind: "p", text: `An account on the help desk at ${ctx.publicUrl} was made with this address. If it was you, confirm the address to get mail about your tickets (sign in first if you are asked to; the link works for three days):` },
    { kind: "link", text: "Confirm my address", href: link },
    { kind: "p", text: "If it was not you, ignore this message: unless the address is confirmed, the help desk sends nothing about that account's tickets here." },
  ];
  return { subject: "Confirm your address", ...render({ ...to, name: "" }, blocks, { ...ctx, replyRef: null }, "This message was sent by Triage.") };
}

/** To the owner of an account: somebody tried to make another with this address (nothing was made). */
export function signUpAttemptMail(to: Recipient, at: Date, ctx: MailContext): Composed {
  const blocks: Block[] = [
    { kind: "p", text: `Someone tried to create a help desk account with this address on ${formatWhen(at, to.timeZone)}. You already have one, so nothing was created and nothing about your account changed.` },
    { kind: "p", text: "If it was you, sign in instead; \"Forgot password?\" on that page sends a link to set a new password." },
    { kind: "link", text: "Sign in", href: `${ctx.publicUrl}/sign-in` },
    { kind: "p", text: "If it was not you, there is nothing to do." },
  ];
  return { subject: "Someone tried to create an account with your address", ...render(to, blocks, { ...ctx, replyRef: null }, "This message was sent by Triage.") };
}
