import { z } from "zod";
import { parseSerialId } from "../limits";

/**
 * Where a ticket's conversation (its one timeline: comments, internal notes and history events,
 * lib/tickets/timeline.ts) is read from, as the URL holds it: the latest entries (no parameter),
 * the page just before a place (`?before=`: "Earlier comments"), or just after one (`?after=`:
 * "Later comments"). A place is a keyset in each of the two streams the timeline merges:
 * `<comment id>.<history id>`, either part empty when that stream is not bounded that way (a bare
 * `<comment id>` too). Keyset, not page numbers: a page costs the same however far back it is,
 * and it does not shift as entries are added. `?history=hide` folds the history events away.
 * Pure: no server imports.
 */
export type Place = {
  /** Comments with an id beyond this (below for "before", above for "after"); null: not bounded. */
  comment: number | null;
  /** History events likewise. */
  event: number | null;
};

export type ConversationPosition = { kind: "latest" } | ({ kind: "before" } & Place) | ({ kind: "after" } & Place);

export const LATEST: ConversationPosition = { kind: "latest" };

/** A place as the URL gives it: one or two serial ids (digits only, within a SERIAL column), never an object. */
const place = z.string().transform((raw, ctx): Place => {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(raw);
  const id = (s: string | undefined) => (s === undefined || s === "" ? null : parseSerialId(s));
  const comment = m ? id(m[1]) : null;
  const event = m ? id(m[2]) : null;
  const bad = !m || (m[1] !== "" && comment === null) || (m[2] !== undefined && m[2] !== "" && event === null) || (comment === null && event === null);
  if (bad) {
    ctx.addIssue({ code: "custom", message: "not a place in the conversation" });
    return z.NEVER;
  }
  return { comment, event };
});

/**
 * Untrusted search params → a position. Anything malformed (a repeated, empty, signed, decimal or
 * oversized id, or both directions at once) is the latest page, never an error.
 */
const schema = z
  .union([
    z.object({ before: place, after: z.undefined() }).transform((v): ConversationPosition => ({ kind: "before", ...v.before })),
    z.object({ after: place, before: z.undefined() }).transform((v): ConversationPosition => ({ kind: "after", ...v.after })),
  ])
  .catch(LATEST);

export function parseConversationParams(sp: Record<string, string | string[] | undefined>): ConversationPosition {
  return schema.parse({ before: sp.before, after: sp.after });
}

/** Whether the history events are folded away (`?history=hide`); anything else shows them. */
export function historyHidden(sp: Record<string, string | string[] | undefined>): boolean {
  return sp.history === "hide";
}

const placeText = (p: Place) => `${p.comment ?? ""}${p.event === null ? "" : `.${p.event}`}`;

/** The link to a page of a ticket's conversation, scrolled to it (keeping history folded, if it is). */
export function conversationHref(ticket: number, position: ConversationPosition, opts: { historyHidden?: boolean } = {}): string {
  const params = new URLSearchParams();
  if (position.kind !== "latest") params.set(position.kind, placeText(position));
  if (opts.historyHidden) params.set("history", "hide");
  const query = params.size ? `?${params.toString()}` : "";
  return `/tickets/${ticket}${query}#conversation`;
}
