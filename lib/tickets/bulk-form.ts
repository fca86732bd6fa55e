import { z } from "zod";
import { BULK_MAX, EMAIL_MAX, isTicketNumber, VIEW_NAME_MAX } from "../limits";
import { oneLine } from "../text";
import { PRIORITIES, STATUSES } from "./schema";
import { normaliseTag, TAG_MAX, TAG_RULE } from "./tag-names";

/**
 * The list's forms, parsed (no server imports: the forms and tests use it too): "Apply to
 * selected" and "Save view". Every value is untrusted: a row's number and version, a field's
 * choice, a view's query (which is parsed again, by parseListParams, every time it is used).
 */

/**
 * The id of the list's bulk form: the rows' checkboxes and "Select all on this page" name it
 * (form="bulk"), so that the table need not be inside it. Here, not in the client component: a
 * server component importing a value from a "use client" module gets a reference, not the value.
 */
export const BULK_FORM = "bulk";

/** A selected row, as its checkbox sends it: "number:version" (the version the list was drawn at). */
export const rowValue = (t: { number: number; version: number }) => `${t.number}:${t.version}`;

const target = z.string().transform((v, ctx) => {
  const m = /^(\d{1,10}):(\d{1,9})$/.exec(v);
  const number = m ? Number(m[1]) : NaN;
  if (!m || !isTicketNumber(number)) {
    ctx.addIssue({ code: "custom", message: "The selection could not be read. Reload the page and try again." });
    return z.NEVER;
  }
  return { number, version: Number(m[2]) };
});

const TOO_MANY = `Select at most ${BULK_MAX} tickets at a time.`;
const targets = z.array(target).max(BULK_MAX, TOO_MANY);

/** "" (or absent): leave as it is. */
const leaveOr = <T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.preprocess((v) => (v === undefined ? "" : v), z.union([z.literal(""), z.enum(values)], { message })).transform((v) => (v === "" ? undefined : v));

/**
 * "Assign to": "" leave as it is, "me", "none" (Unassigned), or someone: an id (the select's)
 * or an email (typed where there are too many agents to list); "Me" and "Unassigned" typed too.
 */
const assignee = z
  .preprocess((v) => (typeof v === "string" ? oneLine(v).trim() : ""), z.string().max(EMAIL_MAX, "Choose an agent from the list, or type their email."))
  .transform((v) => {
    const word = v.toLowerCase();
    return word === "" ? undefined : word === "me" ? ("me" as const) : word === "none" || word === "unassigned" ? ("none" as const) : v;
  });

/** "Add tag": one tag (tag-names.ts's spelling), or nothing. */
const tag = z
  .preprocess((v) => (typeof v === "string" ? v : ""), z.string().max(TAG_MAX * 2, TAG_RULE))
  .transform((v, ctx) => {
    if (v.trim() === "") return undefined;
    const t = normaliseTag(v);
    if (t === null) {
      ctx.addIssue({ code: "custom", message: `"${v.trim()}" is not a tag. Tags are 1 to ${TAG_MAX} letters, digits, "-", "_" or ".".` });
      return z.NEVER;
    }
    return t;
  });

export const bulkSchema = z.object({
  /** The rows' checkboxes ("Select ticket #N"). */
  ticket: targets,
  /** Every row on the page, for "Select all on this page" (which works without JavaScript). */
  shown: targets,
  all: z.literal("on", { message: "The selection could not be read. Reload the page and try again." }).optional(),
  status: leaveOr(STATUSES, "Choose a status from the list."),
  priority: leaveOr(PRIORITIES, "Choose a priority from the list."),
  assignee,
  tag,
  /** Which button: "Apply to selected", or "Assign selected to me" (which sets the assignee only). */
  intent: z.preprocess((v) => (v === undefined ? "apply" : v), z.enum(["apply", "me"])),
});

export type BulkField = "ticket" | "status" | "priority" | "assignee" | "tag";

/** The tickets a bulk form means: every row shown when "Select all on this page" is ticked, else the rows ticked. */
export function selected(data: z.output<typeof bulkSchema>) {
  return data.all === "on" ? data.shown : data.ticket;
}

/** A saved view's name: one line, 1 to VIEW_NAME_MAX characters. */
export const viewName = z
  .preprocess((v) => (typeof v === "string" ? oneLine(v).trim() : ""), z.string().min(1, "Name the view.").max(VIEW_NAME_MAX, `Keep the name to ${VIEW_NAME_MAX} characters or fewer.`));

/** The most a view's query may be: the list's URL query (search, filters, sort) is far shorter. */
export const VIEW_QUERY_MAX = 2_000;

export const saveViewSchema = z.object({
  name: viewName,
  /** The list's URL query when the form was drawn ("?status=Open&…"): parsed again by parseListParams. */
  query: z.preprocess((v) => (typeof v === "string" ? v : ""), z.string().max(VIEW_QUERY_MAX, "That view is too long to save.")),
  share: z.literal("on", { message: "Tick the box, or leave it." }).optional(),
});

export const deleteViewSchema = z.object({
  view: z.preprocess((v) => (typeof v === "string" && /^\d{1,10}$/.test(v) ? Number(v) : NaN), z.number().int().refine(isTicketNumber, "That view is not there.")),
});

/** How many numbers a report names before "and N more". */
export const REPORT_NUMBERS = 20;

/** "#1, #2, #3 and 5 more". */
export function numbersList(ns: readonly number[], max = REPORT_NUMBERS): string {
  const shown = ns.slice(0, max).map((n) => `#${n}`).join(", ");
  return ns.length > max ? `${shown} and ${ns.length - max} more` : shown;
}
