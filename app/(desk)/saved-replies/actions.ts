"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { byIntent, defineAction, serialIdArg, ticketNumberArg } from "@/lib/action";
import { type FormState, FORM_UNREADABLE } from "@/lib/forms";
import { createSavedReply, deleteSavedReply, fillSavedReply, tooLongToInsert, updateSavedReply, withReply, type SaveResult } from "@/lib/replies/replies";
import { INSERT_REPLY, insertReplySchema, savedReplySchema } from "@/lib/replies/schema";
import { COMMENT_MAX } from "@/lib/limits";
import { addCommentAction, type CommentField } from "../tickets/actions";

/**
 * Saved replies' actions, each through defineAction (session, every argument and field parsed,
 * then the command, which checks that the person is staff). Anyone else is told what a missing
 * reply or ticket would tell them, and nothing changes.
 */

export type ReplyField = "name" | "body";

const unreadable: FormState<ReplyField> = { fieldErrors: {}, values: {}, message: FORM_UNREADABLE };
const gone: FormState<ReplyField> = { fieldErrors: {}, values: {}, message: "That saved reply no longer exists." };

/** A save's answer to its form, or off to the list once saved. */
function answer(result: SaveResult, values: Partial<Record<ReplyField, string>>): FormState<ReplyField> {
  switch (result.kind) {
    case "forbidden":
    case "not_found":
      return { ...gone, values };
    case "duplicate":
      return { fieldErrors: { name: [result.message] }, values, message: result.message };
    case "full":
      return { fieldErrors: {}, values, message: result.message };
    case "saved":
      revalidatePath("/saved-replies");
      redirect(`/saved-replies?saved=${result.id}`);
  }
}

/** A new saved reply. */
export const createSavedReplyAction = defineAction({
  who: "actor",
  bound: [],
  withState: true,
  form: savedReplySchema,
  echo: ["name", "body"] as ReplyField[],
  rejected: unreadable,
  async run({ actor, data, values }) {
    return answer(await createSavedReply(actor, data), values);
  },
});

/** A saved reply's new name and body (its id bound on the server). */
export const updateSavedReplyAction = defineAction({
  who: "actor",
  bound: [serialIdArg],
  withState: true,
  form: savedReplySchema,
  echo: ["name", "body"] as ReplyField[],
  rejected: gone,
  async run({ actor, args: [id], data, values }) {
    return answer(await updateSavedReply(actor, id, data), values);
  },
});

/** Delete a saved reply (its id bound on the server), then back to the list. */
export const deleteSavedReplyAction = defineAction({
  who: "actor",
  bound: [serialIdArg],
  withState: false,
  form: z.object({}),
  echo: [],
  rejected: undefined as void,
  async run({ actor, args: [id] }): Promise<void> {
    const result = await deleteSavedReply(actor, id);
    if (result.kind === "forbidden") return;
    revalidatePath("/saved-replies");
    redirect(result.kind === "deleted" ? "/saved-replies?deleted=1" : "/saved-replies");
  },
});

export type InsertField = "reply" | "body" | "internal";

/**
 * What "Insert reply" answers: the comment form's values with the reply added to what was typed
 * (for the round trip without JavaScript), and the filled text alone (for the cursor, with it).
 */
export type InsertState = FormState<InsertField> & { inserted?: string };

const ticketGone: InsertState = { fieldErrors: {}, values: {}, message: "Ticket not found." };

/**
 * "Insert reply" on ticket `number`: the chosen reply, filled for this ticket as this person sees
 * it, added to the comment being written. It adds no comment and writes nothing; a ticket the
 * person may not see, or anyone not staff, gets "Ticket not found." and no text.
 */
export const insertSavedReplyAction = defineAction({
  who: "actor",
  bound: [ticketNumberArg],
  withState: true,
  form: insertReplySchema,
  echo: ["reply", "body", "internal"] as InsertField[],
  rejected: ticketGone,
  invalid: (fieldErrors, values): InsertState => ({
    fieldErrors,
    values,
    message: fieldErrors.reply?.[0] ?? fieldErrors.body?.[0] ?? "Please correct the comment.",
  }),
  async run({ actor, args: [number], data, values }): Promise<InsertState> {
    const filled = await fillSavedReply(actor, number, data.reply);
    if (filled.kind === "ticket_not_found") return ticketGone;
    if (filled.kind === "reply_not_found") {
      const message = "That saved reply no longer exists. Choose another.";
      return { fieldErrors: { reply: [message] }, values, message };
    }
    const body = withReply(data.body, filled.text);
    if (body.length > COMMENT_MAX) {
      const message = tooLongToInsert(filled.name);
      return { fieldErrors: { reply: [message] }, values, message };
    }
    return {
      ok: true,
      fieldErrors: {},
      values: { ...values, body },
      inserted: filled.text,
      message: `Inserted “${filled.name}”. Check it, then add the comment.`,
    };
  },
});

export type CommentFormState = FormState<CommentField | InsertField> & { inserted?: string };

/**
 * The staff's comment form (its ticket's number bound): "Add comment" adds the comment;
 * "Insert reply" (intent insert-reply) comes back with the reply inserted, which is how that
 * works without JavaScript (see byIntent). Both are the actions above, unchanged.
 */
export const commentFormAction = byIntent<CommentFormState>({ [INSERT_REPLY]: insertSavedReplyAction }, addCommentAction, ticketGone);
