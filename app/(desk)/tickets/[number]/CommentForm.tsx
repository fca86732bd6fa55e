"use client";

import { useActionState, useRef } from "react";
import { TextArea } from "../../../_components/Field";
import { FormMessage } from "../../../_components/FormMessage";
import { SubmitButton } from "../../../_components/SubmitButton";
import type { BoundFormAction, FormState } from "@/lib/forms";
import { ATTACHMENTS_PER_MESSAGE, COMMENT_MAX } from "@/lib/limits";
import { FileField } from "../../../_components/FileField";
import type { CommentField } from "../actions";
import type { ReplyChoice } from "@/lib/replies/replies";
import { initialInsert, ReplyPicker, type InsertAction } from "./ReplyPicker";

const initial: FormState<CommentField> = { fieldErrors: {}, values: {} };

/** Saved replies for the picker (staff only): the names, and "Insert reply" bound to the ticket. */
export type SavedReplies = { choices: ReplyChoice[]; insert: InsertAction };

/** For those without saved replies: a form state that never changes. */
const noInsert: InsertAction = async (prev) => prev;

/**
 * `save` is addCommentAction bound to the ticket's number, on the server (see BoundFormAction);
 * `replies` (staff only) is the saved-reply picker's. Its round trip without JavaScript comes back
 * through the second form state: what was typed, with the reply added, and the Internal note box.
 */
export function CommentForm({ save, mayWriteInternal, maxBytes, replies }: { save: BoundFormAction<CommentField>; mayWriteInternal: boolean; maxBytes: number; replies?: SavedReplies }) {
  const [state, action] = useActionState(save, initial);
  const [inserted, insertAction] = useActionState(replies?.insert ?? noInsert, initialInsert);
  // Whether the person has been in the comment box: a reply then goes in at its cursor.
  const typed = useRef(false);
  // A comment's answer wins over an earlier insert's; an insert's keeps its values although it is "ok".
  const fromInsert = state === initial && inserted !== initialInsert;
  const shown: FormState<CommentField> = fromInsert ? { ...inserted, fieldErrors: { body: inserted.fieldErrors.body } } : state;
  const v = state.ok && !fromInsert ? {} : shown.values;
  return (
    <form action={action} className="form comment-form" noValidate
      onFocus={(e) => { if (e.target instanceof HTMLTextAreaElement) typed.current = true; }}>
      <FormMessage state={shown} />
      {replies ? (
        <ReplyPicker choices={replies.choices} insert={replies.insert} insertAction={insertAction}
          chosen={fromInsert ? inserted.values.reply : undefined} errors={fromInsert ? inserted.fieldErrors.reply : undefined} typedRef={typed} />
      ) : null}
      <TextArea key={state.ok ? `sent-${state.message}` : fromInsert ? "inserted" : "draft"} name="body" label="Comment" rows={4} maxLength={COMMENT_MAX}
        defaultValue={v.body} errors={shown.fieldErrors.body} />
      <FileField key={state.ok ? `files-${state.message}` : "files"} name="attachments" label="Attachments" errors={state.fieldErrors.attachments}
        maxBytes={maxBytes} maxFiles={ATTACHMENTS_PER_MESSAGE} />
      <div className="form-actions">
        {mayWriteInternal ? (
          <label className="checkbox">
            <input type="checkbox" name="internal" defaultChecked={v.internal === "on"}
              aria-describedby={shown.fieldErrors.internal ? "internal-error" : undefined} />
            Internal note
          </label>
        ) : null}
        <SubmitButton pendingText="Adding…">Add comment</SubmitButton>
      </div>
      {shown.fieldErrors.internal ? <p id="internal-error" className="field-error">{shown.fieldErrors.internal.join(" ")}</p> : null}
    </form>
  );
}
