"use client";

import { useActionState } from "react";
import { TextArea, TextField } from "../../_components/Field";
import { FormMessage } from "../../_components/FormMessage";
import { SubmitButton } from "../../_components/SubmitButton";
import type { BoundFormAction, FormState } from "@/lib/forms";
import { COMMENT_MAX, formatLimit, SAVED_REPLY_NAME_MAX } from "@/lib/limits";
import { PLACEHOLDERS, written } from "@/lib/replies/placeholders";
import type { ReplyField } from "./actions";

const initial: FormState<ReplyField> = { fieldErrors: {}, values: {} };

/** The placeholders, for the Body field's help text. */
function PlaceholderHelp() {
  return (
    <>
      Up to {formatLimit(COMMENT_MAX)} characters. These are filled in when the reply is inserted on a ticket:{" "}
      {PLACEHOLDERS.map((p, i) => (
        <span key={p.key}>
          <code>{written(p.key)}</code> {p.help}
          {i < PLACEHOLDERS.length - 1 ? "; " : "."}
        </span>
      ))}
    </>
  );
}

/**
 * A saved reply's name and body: new (`save` is createSavedReplyAction) or edited (updateSavedReplyAction
 * bound to its id, on the server). Problems come back next to their field with what was typed.
 */
export function ReplyForm({ save, name, body }: { save: BoundFormAction<ReplyField>; name?: string; body?: string }) {
  const [state, action] = useActionState(save, initial);
  const v = state.message ? state.values : { name, body };
  return (
    <form action={action} className="form" noValidate>
      <FormMessage state={state} />
      <TextField name="name" label="Name" required maxLength={SAVED_REPLY_NAME_MAX} defaultValue={v.name}
        errors={state.fieldErrors.name} hint={`How staff find it in a ticket's Saved reply picker; up to ${SAVED_REPLY_NAME_MAX} characters, unique.`} />
      <TextArea name="body" label="Body" required rows={10} maxLength={COMMENT_MAX} defaultValue={v.body}
        errors={state.fieldErrors.body} hint={<PlaceholderHelp />} />
      <div className="form-actions">
        <SubmitButton pendingText="Saving…">Save reply</SubmitButton>
      </div>
    </form>
  );
}
