"use client";

import { useActionState } from "react";
import { TextArea, TextField, SelectField } from "../../../_components/Field";
import { FormMessage } from "../../../_components/FormMessage";
import { SubmitButton } from "../../../_components/SubmitButton";
import type { FormState } from "@/lib/forms";
import { PRIORITIES } from "@/lib/tickets/schema";
import { ATTACHMENTS_PER_MESSAGE, DESCRIPTION_MAX, TITLE_MAX } from "@/lib/limits";
import { FileField } from "../../../_components/FileField";
import { createTicketAction, type NewTicketField } from "../actions";

const initial: FormState<NewTicketField> = { fieldErrors: {}, values: {} };

export function NewTicketForm({ maxBytes }: { maxBytes: number }) {
  const [state, action] = useActionState(createTicketAction, initial);
  const v = state.values;
  return (
    <form action={action} className="form" noValidate>
      <FormMessage state={state} />
      <TextField name="title" label="Title" required maxLength={TITLE_MAX} defaultValue={v.title}
        errors={state.fieldErrors.title} hint={`A short summary, up to ${TITLE_MAX} characters.`} />
      <TextArea name="description" label="Description" required rows={10} defaultValue={v.description}
        errors={state.fieldErrors.description} hint="What happened, what you expected, and anything that helps reproduce it." />
      {/* A select ignores a new defaultValue once mounted, and React resets the form after the
          action: the key remounts it so that the priority chosen survives a failed submit. */}
      <SelectField key={`priority-${v.priority ?? ""}`} name="priority" label="Priority" options={PRIORITIES} defaultValue={v.priority ?? "Medium"}
        errors={state.fieldErrors.priority} />
      <FileField name="attachments" label="Attachments" errors={state.fieldErrors.attachments} maxBytes={maxBytes} maxFiles={ATTACHMENTS_PER_MESSAGE} />
      <div className="form-actions">
        <SubmitButton pendingText="Creating…">Create ticket</SubmitButton>
      </div>
      <p className="hint">Descriptions can be up to {DESCRIPTION_MAX.toLocaleString("en-US")} characters.</p>
    </form>
  );
}
