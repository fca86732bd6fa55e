"use client";

import { useActionState } from "react";
import { TextArea } from "../../../_components/Field";
import { FormMessage } from "../../../_components/FormMessage";
import { SubmitButton } from "../../../_components/SubmitButton";
import type { BoundFormAction, FormState } from "@/lib/forms";
import { ATTACHMENTS_PER_MESSAGE, COMMENT_MAX } from "@/lib/limits";
import { FileField } from "../../../_components/FileField";
import type { CommentField } from "../actions";

const initial: FormState<CommentField> = { fieldErrors: {}, values: {} };

/** `save` is addCommentAction bound to the ticket's number, on the server (see BoundFormAction). */
export function CommentForm({ save, mayWriteInternal, maxBytes }: { save: BoundFormAction<CommentField>; mayWriteInternal: boolean; maxBytes: number }) {
  const [state, action] = useActionState(save, initial);
  const v = state.ok ? {} : state.values;
  return (
    <form action={action} className="form comment-form" noValidate>
      <FormMessage state={state} />
      <TextArea key={state.ok ? `sent-${state.message}` : "draft"} name="body" label="Comment" rows={4} maxLength={COMMENT_MAX}
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
