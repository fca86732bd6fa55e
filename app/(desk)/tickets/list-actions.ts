"use server";

import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/action";
import { FORM_UNREADABLE, type FormState } from "@/lib/forms";
import { bulkSchema, deleteViewSchema, numbersList, saveViewSchema, selected, type BulkField } from "@/lib/tickets/bulk-form";
import { bulkUpdateTickets, SKIP_REASON } from "@/lib/tickets/bulk";
import { deleteView, saveView } from "@/lib/tickets/saved-views";
import { REPORT_NUMBERS } from "@/lib/tickets/bulk-form";

/**
 * The ticket list's own actions: "Apply to selected" (and "Assign selected to me"), "Save view"
 * and "Delete view". Each through defineAction: session, every field parsed, then the command,
 * which checks the actor itself (lib/tickets/bulk.ts, saved-views.ts).
 */

const unreadable = <F extends string>(): FormState<F> => ({ fieldErrors: {}, values: {}, message: FORM_UNREADABLE });

/** Changed N tickets: #…; Skipped M: #12 (why), …: what a bulk change did, bounded in length. */
function report(r: { changed: number[]; unchanged: number[]; skipped: { number: number; reason: keyof typeof SKIP_REASON }[] }): string {
  const parts: string[] = [];
  const tickets = (n: number) => `${n} ticket${n === 1 ? "" : "s"}`;
  parts.push(r.changed.length ? `Changed ${tickets(r.changed.length)}: ${numbersList(r.changed)}.` : "Changed no tickets.");
  if (r.unchanged.length) parts.push(`Already so: ${numbersList(r.unchanged)}.`);
  if (r.skipped.length) {
    const shown = r.skipped.slice(0, REPORT_NUMBERS).map((s) => `#${s.number} (${SKIP_REASON[s.reason]})`).join(", ");
    const more = r.skipped.length > REPORT_NUMBERS ? ` and ${r.skipped.length - REPORT_NUMBERS} more` : "";
    parts.push(`Skipped ${r.skipped.length}: ${shown}${more}.`);
  }
  return parts.join(" ");
}

export const bulkUpdateAction = defineAction({
  who: "actor",
  bound: [],
  withState: true,
  form: bulkSchema,
  lists: ["ticket", "shown"],
  echo: ["status", "priority", "assignee", "tag"] as BulkField[],
  rejected: unreadable<BulkField>(),
  invalid: ({ ticket, shown, all, intent, ...fieldErrors }, values) => ({
    fieldErrors,
    values,
    message: ticket?.[0] ?? shown?.[0] ?? all?.[0] ?? intent?.[0] ?? Object.values(fieldErrors).flat()[0] ?? FORM_UNREADABLE,
  }),
  async run({ actor, data, values }) {
    const me = data.intent === "me";
    const assignee = me ? "me" : data.assignee;
    const result = await bulkUpdateTickets(actor, selected(data), {
      status: me ? undefined : data.status,
      priority: me ? undefined : data.priority,
      assigneeId: assignee === undefined ? undefined : assignee === "me" ? actor.id : assignee === "none" ? null : assignee,
      addTag: me ? undefined : data.tag,
    });
    if (result.kind === "refused") {
      const field: BulkField | null = result.field === "assigneeId" ? "assignee" : result.field === "tag" ? "tag" : null;
      return { fieldErrors: field ? { [field]: [result.message] } : {}, values, message: result.message };
    }
    if (result.changed.length) revalidatePath("/tickets");
    return { ok: true, fieldErrors: {}, values: {}, message: report(result) };
  },
});

export type ViewField = "name" | "share";

export const saveViewAction = defineAction({
  who: "actor",
  bound: [],
  withState: true,
  form: saveViewSchema,
  echo: ["name", "share"] as ViewField[],
  rejected: unreadable<ViewField>(),
  invalid: ({ query, ...fieldErrors }, values) => ({
    fieldErrors,
    values,
    message: query?.[0] ?? Object.values(fieldErrors).flat()[0] ?? FORM_UNREADABLE,
  }),
  async run({ actor, data, values }) {
    const result = await saveView(actor, { name: data.name, query: data.query, share: data.share === "on" });
    if (result.kind === "refused") return { fieldErrors: { [result.field]: [result.message] }, values, message: result.message };
    revalidatePath("/tickets");
    return { ok: true, fieldErrors: {}, values: {}, message: `View “${data.name}” saved.` };
  },
});

export const deleteViewAction = defineAction({
  who: "actor",
  bound: [],
  withState: false,
  form: deleteViewSchema,
  echo: [],
  rejected: undefined as void,
  async run({ actor, data }): Promise<void> {
    const result = await deleteView(actor, data.view);
    if (result.kind === "deleted") revalidatePath("/tickets");
  },
});
