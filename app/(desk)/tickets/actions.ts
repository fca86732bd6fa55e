"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireActor } from "@/lib/auth/session";
import { parseForm, type FormState } from "@/lib/forms";
import { createTicket, updateTicket, type Change } from "@/lib/tickets/commands";
import { addComment } from "@/lib/tickets/comments";
import { commentSchema, newTicketSchema, updateTicketSchema, PRIORITIES, STATUSES, type Priority, type Status } from "@/lib/tickets/schema";

export type NewTicketField = "title" | "description" | "priority";
const NEW_FIELDS = ["title", "description", "priority"] as const;

/** Create a ticket: session, validation, command, then off to its page. */
export async function createTicketAction(
  _prev: FormState<NewTicketField>,
  form: FormData,
): Promise<FormState<NewTicketField>> {
  const actor = await requireActor();
  const parsed = parseForm(newTicketSchema, form, NEW_FIELDS);
  if (!parsed.ok) return parsed.state;
  const { number } = await createTicket(actor, parsed.data);
  revalidatePath("/tickets");
  redirect(`/tickets/${number}?created=1`);
}

export type UpdateField = "status" | "priority" | "assigneeId";
const UPDATE_FIELDS = ["status", "priority", "assigneeId", "version"] as const;

const oneOf = <T extends string>(list: readonly T[], v: FormDataEntryValue | null): T | undefined =>
  typeof v === "string" && (list as readonly string[]).includes(v) ? (v as T) : undefined;

const describe = (c: Change) => {
  const name = c.field === "status" ? "Status" : c.field === "priority" ? "Priority" : "Assignee";
  return `${name} changed from ${c.from || "—"} to ${c.to}`;
};

/** Save status, priority and assignee; refused with an explanation on a conflicting edit. */
export async function updateTicketAction(
  number: number,
  _prev: FormState<UpdateField>,
  form: FormData,
): Promise<FormState<UpdateField>> {
  const actor = await requireActor();
  const values = {
    status: typeof form.get("status") === "string" ? String(form.get("status")) : "",
    priority: typeof form.get("priority") === "string" ? String(form.get("priority")) : "",
    assigneeId: typeof form.get("assigneeId") === "string" ? String(form.get("assigneeId")) : "",
  };
  // A requester's form has no priority or assignee: leave those as they are.
  const hasPriority = form.has("priority");
  const hasAssignee = form.has("assigneeId");
  const schema = updateTicketSchema.extend({
    priority: hasPriority ? updateTicketSchema.shape.priority : updateTicketSchema.shape.priority.optional(),
  });
  const parsed = parseForm(schema, form, UPDATE_FIELDS);
  if (!parsed.ok) {
    const { version: versionErrors, ...fieldErrors } = parsed.state.fieldErrors as Record<string, string[]>;
    return {
      fieldErrors,
      values,
      message: versionErrors?.[0] ?? "Please correct the highlighted fields.",
    };
  }
  const result = await updateTicket(actor, number, {
    status: parsed.data.status,
    priority: hasPriority ? parsed.data.priority : undefined,
    assigneeId: hasAssignee ? parsed.data.assigneeId || null : undefined,
    version: parsed.data.version,
    seen: {
      status: oneOf<Status>(STATUSES, form.get("seenStatus")),
      priority: oneOf<Priority>(PRIORITIES, form.get("seenPriority")),
      assigneeId: typeof form.get("seenAssigneeId") === "string" ? String(form.get("seenAssigneeId")) : undefined,
      assigneeName: typeof form.get("seenAssigneeName") === "string" ? String(form.get("seenAssigneeName")) : undefined,
    },
  });
  revalidatePath(`/tickets/${number}`);
  switch (result.kind) {
    case "not_found":
      return { fieldErrors: {}, values, message: "This ticket no longer exists." };
    case "forbidden":
    case "invalid":
      return { fieldErrors: { [result.field]: [result.message] }, values, message: result.message };
    case "conflict": {
      const what = result.changes.length
        ? `${result.changes.map(describe).join("; ")}.`
        : "It was changed.";
      return {
        fieldErrors: {},
        values,
        message: `Not saved: someone else changed this ticket while you were editing. ${what} Your choices are kept below; save again to apply them.`,
      };
    }
    case "unchanged":
      return { ok: true, fieldErrors: {}, values: {}, message: "Nothing to change." };
    case "updated":
      revalidatePath("/tickets");
      return { ok: true, fieldErrors: {}, values: {}, message: `Saved. ${result.changes.map(describe).join("; ")}.` };
  }
}

export type CommentField = "body" | "internal";

/** Add a comment, or an internal note (agents only: checked by the command, not the form). */
export async function addCommentAction(
  number: number,
  _prev: FormState<CommentField>,
  form: FormData,
): Promise<FormState<CommentField>> {
  const actor = await requireActor();
  const values = {
    body: typeof form.get("body") === "string" ? String(form.get("body")) : "",
    internal: form.get("internal") === "on" ? "on" : "",
  };
  const parsed = commentSchema.safeParse({ body: form.get("body") ?? "", internal: form.get("internal") ?? "" });
  if (!parsed.success) {
    const fieldErrors = z.flattenError(parsed.error).fieldErrors as Partial<Record<CommentField, string[]>>;
    return { fieldErrors, values, message: fieldErrors.body?.[0] ?? "Please correct the comment." };
  }
  const result = await addComment(actor, number, parsed.data);
  if (result.kind === "not_found") return { fieldErrors: {}, values, message: "This ticket no longer exists." };
  if (result.kind === "forbidden") return { fieldErrors: { internal: [result.message] }, values, message: result.message };
  revalidatePath(`/tickets/${number}`);
  revalidatePath("/tickets");
  return { ok: true, fieldErrors: {}, values: {}, message: parsed.data.internal ? "Internal note added." : "Comment added." };
}
