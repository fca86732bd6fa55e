"use client";

import { useActionState, useRef } from "react";
import { TextArea } from "../../../_components/Field";
import { FormMessage } from "../../../_components/FormMessage";
import { SubmitButton } from "../../../_components/SubmitButton";
import type { BoundFormAction } from "@/lib/forms";
import { ATTACHMENTS_PER_MESSAGE, COMMENT_MAX } from "@/lib/limits";
import { FileField } from "../../../_components/FileField";
import type { CommentField } from "../actions";
import type { CommentFormState } from "../../saved-replies/actions";
import type { ReplyChoice } from "@/lib/replies/replies";
import { ReplyPicker, type InsertAction } from "./ReplyPicker";

const initial: CommentFormState = { fieldErrors: {}, values: {} };

/** Saved replies for the picker (staff only): their names, and "Insert reply" bound to the ticket. */
export type SavedReplies = { choices: ReplyChoice[]; insert: InsertAction };

/**
 * `save` is addCommentAction bound to the ticket's number, on the server (see BoundFormAction); for
 * staff, commentFormAction, which also answers the picker's "Insert reply" without JavaScript: the
 * form as it was, with the reply added to what was typed (`replies` is the picker's).
 */
export function CommentForm({ save, mayWriteInternal, maxBytes, replies }: {
  save: BoundFormAction<CommentField> | ((prev: CommentFormState, form: FormData) => Promise<CommentFormState>);
  mayWriteInternal: boolean;
  maxBytes: number;
  replies?: SavedReplies;
}) {
  const [state, action] = useActionState<CommentFormState, FormData>(save, initial);
  // Whether the person has been in the comment box: a reply inserted with JavaScript goes at its cursor.
  const typed = useRef(false);
  // A comment added clears the form; a reply inserted is "ok" too but brings the form back.
  const inserted = state.inserted !== undefined;
  const v = state.ok && !inserted ? {} : state.values;
  return (
    <form action={action} className="form comment-form" noValidate
      onFocus={(e) => { if (e.target instanceof HTMLTextAreaElement) typed.current = true; }}>
      <FormMessage state={state} />
      {replies ? (
        <ReplyPicker choices={replies.choices} insert={replies.insert} chosen={v.reply} errors={state.fieldErrors.reply} typedRef={typed} />
      ) : null}
      <TextArea key={state.ok ? `${inserted ? "inserted" : "sent"}-${state.message}-${v.body?.length ?? 0}` : "draft"} name="body" label="Comment" rows={4} maxLength={COMMENT_MAX}
        defaultValue={v.body} errors={state.fieldErrors.body} />
      <FileField key={state.ok ? `files-${state.message}` : "files"} name="attachments" label="Attachments" errors={state.fieldErrors.attachments}
        maxBytes={maxBytes} maxFiles={ATTACHMENTS_PER_MESSAGE} />
      <div className="form-actions">
        {mayWriteInternal ? (
          <label className="checkbox">
            <input type="checkbox" name="internal" defaultChecked={v.internal === "on"}
              aria-describedby={state.fieldErrors.internal ? "internal-error" : undefined} />
            Internal note
          </label>
        ) : null}
        <SubmitButton pendingText="Adding…">Add comment</SubmitButton>
      </div>
      {state.fieldErrors.internal ? <p id="internal-error" className="field-error">{state.fieldErrors.internal.join(" ")}</p> : null}
    </form>
  );
}
