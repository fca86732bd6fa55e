import { z } from "zod";
import { COMMENT_MAX, formatLimit, parseSerialId, QUERY_MAX, SAVED_REPLIES_MAX, SAVED_REPLIES_PAGE, SAVED_REPLY_NAME_MAX } from "../limits";
import { normalizeNewlines, oneLine } from "../text";
import { placeholderProblem } from "./placeholders";

/**
 * What a saved reply is made of, and the forms that carry one. No server imports: the forms read
 * their limits from here and lib/limits.ts, and unit tests walk every rule.
 */

/** Form values arrive as strings or not at all; a missing field is an empty string. */
const text = z.preprocess((v) => (typeof v === "string" ? v : ""), z.string());

export const replyName = text
  // A name is one line: it is an option of the picker and a row of the page.
  .transform(oneLine)
  .pipe(
    z
      .string()
      .trim()
      .min(1, "Enter a name.")
      .max(SAVED_REPLY_NAME_MAX, `Keep the name to ${SAVED_REPLY_NAME_MAX} characters or fewer.`),
  );

export const replyBody = text.transform(normalizeNewlines).pipe(
  z
    .string()
    .refine((v) => v.trim().length > 0, "Write the reply.")
    .refine((v) => v.length <= COMMENT_MAX, `Keep the reply to ${formatLimit(COMMENT_MAX)} characters or fewer: it goes into a comment.`)
    .superRefine((v, ctx) => {
      const problem = placeholderProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
);

export const savedReplySchema = z.object({ name: replyName, body: replyBody });
export type SavedReplyInput = z.infer<typeof savedReplySchema>;

/**
 * The key that makes names unique whatever their case and spacing ("Thanks" and " thanks " are
 * one name): what the unique index holds and the page and picker sort by.
 */
export const nameKey = (name: string) => name.trim().replace(/\s+/g, " ").toLowerCase();

/** A saved reply's id from a form (the picker's choice): the rule of a row id in a URL. */
export const replyIdField = text.transform((v, ctx) => {
  const id = parseSerialId(v);
  if (id === null) {
    ctx.addIssue({ code: "custom", message: "Choose a saved reply." });
    return z.NEVER;
  }
  return id;
});

/** The intent of the comment form's "Insert reply" button (app/(desk)/saved-replies/actions.ts). */
export const INSERT_REPLY = "insert-reply";

/**
 * "Insert reply" on a ticket: the reply chosen, and the comment form as it stands (what was typed,
 * the Internal note box) so that a round trip without JavaScript gives it all back. The comment's
 * own rules apply when it is added; here only its size is bounded.
 */
export const insertReplySchema = z.object({
  reply: replyIdField,
  body: text.transform(normalizeNewlines).pipe(z.string().max(COMMENT_MAX, `Keep the comment to ${formatLimit(COMMENT_MAX)} characters or fewer.`)),
  internal: z.preprocess((v) => v === "on" || v === "true", z.boolean()),
});

/** The page's search and page number, from the URL: anything odd is no search, page 1. */
export const repliesQuerySchema = z.object({
  q: z
    .preprocess((v) => (typeof v === "string" ? oneLine(v).trim().slice(0, QUERY_MAX) : ""), z.string())
    .catch(""),
  page: z.coerce
    .number()
    .int()
    .min(1)
    .max(Math.ceil(SAVED_REPLIES_MAX / SAVED_REPLIES_PAGE))
    .catch(1),
});
export type RepliesQuery = z.infer<typeof repliesQuerySchema>;

export function parseRepliesQuery(sp: Record<string, string | string[] | undefined>): RepliesQuery {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return repliesQuerySchema.parse({ q: one(sp.q), page: one(sp.page) });
}

/** The page's own address for a search and a page, without defaults. */
export function repliesHref({ q, page }: Partial<RepliesQuery>): string {
  const p = new URLSearchParams();
  if (q) p.set("q", q);
  if (page && page > 1) p.set("page", String(page));
  const s = p.toString();
  return s ? `/saved-replies?${s}` : "/saved-replies";
}
