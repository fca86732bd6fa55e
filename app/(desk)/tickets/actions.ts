"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requestClientAddress } from "@/lib/auth/request-address";
import { defineAction, ticketNumberArg } from "@/lib/action";
import { type FormState, FORM_INVALID, FORM_UNREADABLE } from "@/lib/forms";
import { createTicketWithUploads, updateTicket, type Change } from "@/lib/tickets/commands";
import { removeAttachment } from "@/lib/tickets/attachments";
import { addCommentWithUploads } from "@/lib/tickets/comments";
import { assignToMeSchema, attachmentIdField, commentSchema, mergeSchema, newTicketSchema, updateTicketSchema } from "@/lib/tickets/schema";
import { mergeTicket } from "@/lib/tickets/merge";
import { getTicketRow } from "@/lib/tickets/reads";
import { statusFromRank } from "@/lib/tickets/schema";

/**
 * The ticket actions. Each goes through defineAction (lib/action.ts): session, then every bound
 * argument and every field parsed with zod, then the command. A forged ticket number gets the
 * answer a missing ticket gets.
 */

export type NewTicketField = "title" | "description" | "priority" | "attachments";

const ticketGone = <F extends string>(): FormState<F> => ({ fieldErrors: {}, values: {}, message: "Ticket not found." });

/** Create a ticket, then off to its page. */
export const createTicketAction = defineAction({
  who: "actor",
  bound: [],
  withState: true,
  form: newTicketSchema,
  files: "attachments",
  echo: ["title", "description", "priority"] as NewTicketField[],
  rejected: {
    fieldErrors: {},
    values: {},
    message: FORM_UNREADABLE,
  } as FormState<NewTicketField>,
  async run({ actor, data, values, uploads }) {
    const created = await createTicketWithUploads(actor, data, uploads);
    if (created.kind === "files_refused") return { fieldErrors: { attachments: [created.message] }, values, message: created.message };
    const { number } = created;
    revalidatePath("/tickets");
    redirect(`/tickets/${number}?created=1`);
  },
});

export type UpdateField = "status" | "priority" | "assigneeId" | "tags";

const FIELD_LABEL: Record<Change["field"], string> = { status: "Status", priority: "Priority", assignee: "Assignee", tags: "Tags" };
const describe = (c: Change) => `${FIELD_LABEL[c.field]} changed from ${c.from || "—"} to ${c.to || "—"}`;

/** Save status, priority and assignee; refused with an explanation on a conflicting edit. */
export const updateTicketAction = defineAction({
  who: "actor",
  bound: [ticketNumberArg],
  withState: true,
  form: updateTicketSchema,
  echo: ["status", "priority", "assigneeId", "tags"] as UpdateField[],
  rejected: ticketGone<UpdateField>(),
  invalid: ({ version, ...fieldErrors }, values) => ({
    fieldErrors,
    values,
    message: version?.[0] ?? FORM_INVALID,
  }),
  async run({ actor, args: [number], data, values }) {
    const result = await updateTicket(actor, number, {
      status: data.status,
      // A requester's form has no priority or assignee: those stay as they are.
      priority: data.priority,
      assigneeId: data.assigneeId === undefined ? undefined : data.assigneeId || null,
      tags: data.tags === undefined ? undefined : { set: data.tags },
      version: data.version,
      seen: {
        status: data.seenStatus,
        priority: data.seenPriority,
        assigneeId: data.seenAssigneeId,
        assigneeName: data.seenAssigneeName,
        tags: data.seenTags,
      },
    });
    switch (result.kind) {
      case "not_found":
        return ticketGone();
      case "forbidden":
      case "invalid":
        return { fieldErrors: { [result.field]: [result.message] }, values, message: result.message };
      case "conflict": {
        revalidatePath(`/tickets/${number}`);
        const what = result.changes.length ? `${result.changes.map(describe).join("; ")}.` : "It was changed.";
        return {
          fieldErrors: {},
          values,
          message: `Not saved: someone else changed this ticket while you were editing. ${what} Your choices are kept below; save again to apply them.`,
        };
      }
      case "unchanged":
        return { ok: true, fieldErrors: {}, values: {}, message: "Nothing to change." };
      case "updated":
        revalidatePath(`/tickets/${number}`);
        revalidatePath("/tickets");
        return { ok: true, fieldErrors: {}, values: {}, message: `Saved. ${result.changes.map(describe).join("; ")}.` };
    }
  },
});

export type CommentField = "body" | "internal" | "attachments";

/** Add a comment, or an internal note (agents only: checked by the command, not the form). */
export const addCommentAction = defineAction({
  who: "actor",
  bound: [ticketNumberArg],
  withState: true,
  form: commentSchema,
  files: "attachments",
  echo: ["body", "internal"] as CommentField[],
  rejected: ticketGone<CommentField>(),
  invalid: (fieldErrors, values) => ({
    fieldErrors,
    values,
    message: fieldErrors.body?.[0] ?? fieldErrors.attachments?.[0] ?? "Please correct the comment.",
  }),
  async run({ actor, args: [number], data, values, uploads }) {
    const result = await addCommentWithUploads(actor, number, data, uploads);
    if (result.kind === "files_refused") return { fieldErrors: { attachments: [result.message] }, values, message: result.message };
    if (result.kind === "not_found") return ticketGone();
    if (result.kind === "forbidden") return { fieldErrors: { internal: [result.message] }, values, message: result.message };
    // Too many comments this minute: nothing is wrong with the comment, so no field is marked;
    // what was typed comes back to the form.
    if (result.kind === "rate_limited") return { fieldErrors: {}, values, message: result.message };
    revalidatePath(`/tickets/${number}`);
    if (!data.internal) revalidatePath("/tickets");
    if (result.ticket !== number) {
      // A merged duplicate's comment went to the ticket it was merged into.
      revalidatePath(`/tickets/${result.ticket}`);
      return { ok: true, fieldErrors: {}, values: {}, message: `Added to ticket #${result.ticket}, which this ticket was merged into.` };
    }
    return { ok: true, fieldErrors: {}, values: {}, message: data.internal ? "Internal note added." : "Comment added." };
  },
});

/**
 * Remove a file from a ticket (staff; checked by the command): the ticket's number bound once per
 * page, the file's id in the form (the pressed button's value), so that a page of 20 files does
 * not carry 20 bound copies. Its place then says who removed it and when; anything refused
 * changes nothing, and the page shows it as it is.
 */
export const removeAttachmentAction = defineAction({
  who: "actor",
  bound: [ticketNumberArg],
  withState: false,
  form: z.object({ attachment: attachmentIdField }),
  echo: [],
  rejected: undefined as void,
  async run({ actor, args: [number], data }): Promise<void> {
    const result = await removeAttachment(actor, number, data.attachment, await requestClientAddress());
    if (result.kind === "removed") revalidatePath(`/tickets/${number}`);
  },
});

export type AssignToMeField = "version";

/**
 * "Assign to me": the Assignee change, through the same command as the ticket form, from the
 * version the page was drawn at (the status stays as the ticket holds it: a ticket changed since
 * the page is a conflict anyway).
 */
export const assignToMeAction = defineAction({
  who: "actor",
  bound: [ticketNumberArg],
  withState: true,
  form: assignToMeSchema,
  echo: [] as AssignToMeField[],
  rejected: ticketGone<AssignToMeField>(),
  invalid: ({ version }) => ({ fieldErrors: {}, values: {}, message: version?.[0] ?? FORM_UNREADABLE }),
  async run({ actor, args: [number], data }) {
    const current = await getTicketRow(actor, number);
    if (!current) return ticketGone();
    const result = await updateTicket(actor, number, { status: statusFromRank(current.status), assigneeId: actor.id, version: data.version });
    switch (result.kind) {
      case "not_found":
        return ticketGone();
      case "forbidden":
      case "invalid":
        return { fieldErrors: {}, values: {}, message: result.message };
      case "conflict":
        revalidatePath(`/tickets/${number}`);
        return { fieldErrors: {}, values: {}, message: "Not assigned: someone else changed this ticket since you opened it. Look at it again, then assign it." };
      case "unchanged":
        return { ok: true, fieldErrors: {}, values: {}, message: "It is already assigned to you." };
      case "updated":
        revalidatePath(`/tickets/${number}`);
        revalidatePath("/tickets");
        return { ok: true, fieldErrors: {}, values: {}, message: "Assigned to you." };
    }
  },
});

export type MergeField = "into";

/**
 * "Merge into": this ticket (a duplicate) into the ticket typed (lib/tickets/merge.ts); then to
 * that ticket, which says so. Every refusal is next to the field, and changes nothing.
 */
export const mergeAction = defineAction({
  who: "actor",
  bound: [ticketNumberArg],
  withState: true,
  form: mergeSchema,
  echo: ["into"] as MergeField[],
  rejected: ticketGone<MergeField>(),
  invalid: ({ version, ...fieldErrors }, values) => ({ fieldErrors, values, message: version?.[0] ?? fieldErrors.into?.[0] ?? FORM_INVALID }),
  async run({ actor, args: [number], data, values }) {
    const result = await mergeTicket(actor, number, data.into, data.version);
    switch (result.kind) {
      case "not_found":
        return ticketGone();
      case "forbidden":
      case "invalid":
        return { fieldErrors: { into: [result.message] }, values, message: result.message };
      case "conflict":
        revalidatePath(`/tickets/${number}`);
        return { fieldErrors: {}, values, message: result.message };
      case "merged":
        revalidatePath(`/tickets/${number}`);
        revalidatePath(`/tickets/${result.into}`);
        revalidatePath("/tickets");
        redirect(`/tickets/${result.into}?merged=${number}`);
    }
  },
});
