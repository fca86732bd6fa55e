import { z } from "zod";
import { COMMENT_MAX, DESCRIPTION_MAX, EMAIL_MAX, formatLimit, parseSerialId, TITLE_MAX } from "../limits";
import { normalizeNewlines, oneLine } from "../text";
import { parseTagList, TAG_MAX, TAGS_PER_TICKET } from "./tag-names";

/**
 * What a ticket is made of, as people name it. No server imports: forms and tests use it too.
 * Status and priority are stored as ranks (see prisma/schema.prisma); these tables translate.
 */
export const PRIORITIES = ["Low", "Medium", "High", "Urgent"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const STATUSES = ["Open", "In progress", "Waiting", "Resolved", "Closed"] as const;
export type Status = (typeof STATUSES)[number];

export const priorityRank = (p: Priority): number => PRIORITIES.indexOf(p) + 1;
export const priorityFromRank = (rank: number): Priority => PRIORITIES[rank - 1] ?? "Medium";
export const statusRank = (s: Status): number => STATUSES.indexOf(s) + 1;
export const statusFromRank = (rank: number): Status => STATUSES[rank - 1] ?? "Open";

/** Resolved and Closed are "done": they carry resolvedAt. */
export const isDone = (s: Status) => s === "Resolved" || s === "Closed";
/** The stored ranks of work still to do (not Resolved or Closed), for SQL. */
export const OPEN_STATUS_RANKS: readonly number[] = STATUSES.filter((s) => !isDone(s)).map(statusRank);

/** Form values arrive as strings or not at all; a missing field is an empty string. */
const text = z.preprocess((v) => (typeof v === "string" ? v : ""), z.string());

export const title = text
  // A title is one line: line breaks and control characters sent by a tampered form become spaces.
  .transform(oneLine)
  .pipe(
  z
    .string()
    .trim()
    .min(1, "Enter a title.")
    .max(TITLE_MAX, `Keep the title to ${TITLE_MAX} characters or fewer.`),
);

export const description = text
  .transform(normalizeNewlines)
  .pipe(
    z
      .string()
      .refine((v) => v.trim().length > 0, "Enter a description.")
      .refine(
        (v) => v.length <= DESCRIPTION_MAX,
        `Keep the description to ${formatLimit(DESCRIPTION_MAX)} characters or fewer.`,
      ),
  );

export const priority = text.pipe(
  z.enum(PRIORITIES, { message: "Choose Low, Medium, High or Urgent." }),
);

export const status = text.pipe(
  z.enum(STATUSES, { message: "Choose Open, In progress, Waiting, Resolved or Closed." }),
);

export const newTicketSchema = z.object({ title, description, priority });
export type NewTicketInput = z.infer<typeof newTicketSchema>;

/**
 * "" means Unassigned; otherwise a user id (the picker's select) or an email (typed, where there
 * are too many agents to list), found and checked by the command (lib/tickets/commands.ts).
 */
export const assignee = text.pipe(z.string().trim().max(EMAIL_MAX, "Choose an agent from the list, or type their email."));

/** A "Tags" field: tags separated by commas (lib/tickets/tag-names.ts), normalised. */
export const tagsField = z
  .string()
  .max(2_000, "That is too long for a list of tags.")
  .transform((v, ctx) => {
    const r = parseTagList(v);
    if (r.ok) return r.tags;
    ctx.addIssue({ code: "custom", message: r.message });
    return z.NEVER;
  });
/** The version a form was drawn at (a conflict is refused against it). */
const version = z.preprocess(
  (v) => (typeof v === "string" ? v : ""),
  z.string().regex(/^\d{1,9}$/, "The form is out of date: reload the page.").transform(Number),
);

export const updateTicketSchema = z.object({
  status,
  /** Absent from a requester's close/reopen form: left as it is. */
  priority: priority.optional(),
  /** Absent: left as it is; "": unassign. */
  assigneeId: assignee.optional(),
  version,
  /** Absent (a requester's form, or a forged one): left as they are; "" removes every tag. */
  tags: tagsField.optional(),
  // What the form showed when it was loaded: only ever shapes a conflict's explanation.
  seenStatus: z.enum(STATUSES).optional().catch(undefined),
  seenPriority: z.enum(PRIORITIES).optional().catch(undefined),
  seenAssigneeId: z.string().max(100).optional().catch(undefined),
  seenAssigneeName: z.string().max(200).optional().catch(undefined),
  seenTags: z.string().max(TAGS_PER_TICKET * (TAG_MAX + 2)).optional().catch(undefined),
});

export const commentSchema = z.object({
  body: text
    .transform(normalizeNewlines)
    .pipe(
      z
        .string()
        .refine((v) => v.trim().length > 0, "Write a comment first.")
        .refine((v) => v.length <= COMMENT_MAX, `Keep the comment to ${formatLimit(COMMENT_MAX)} characters or fewer.`),
    ),
  internal: z.preprocess((v) => v === "on" || v === "true", z.boolean()),
});

/** An attachment's id from a form (the Remove attachment button's value): the rule of a row id in a URL. */
export const attachmentIdField = text.transform((v, ctx) => {
  const id = parseSerialId(v);
  if (id === null) {
    ctx.addIssue({ code: "custom", message: "No such attachment." });
    return z.NEVER;
  }
  return id;
});

/** "Assign to me": the version the page was drawn at. */
export const assignToMeSchema = z.object({ version });

/** "Merge into": a ticket number, typed as 42 or #42. */
export const mergeSchema = z.object({
  into: text.transform((v, ctx) => {
    const n = parseSerialId(v.trim().replace(/^#/, ""));
    if (n === null) {
      ctx.addIssue({ code: "custom", message: "Enter the number of the ticket to merge into, like 42." });
      return z.NEVER;
    }
    return n;
  }),
  version,
});
