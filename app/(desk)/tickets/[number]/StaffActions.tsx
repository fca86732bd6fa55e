"use client";

import { useActionState } from "react";
import { useFormStatus } from "react-dom";
import { TextField } from "../../../_components/Field";
import { FormMessage } from "../../../_components/FormMessage";
import { SubmitButton } from "../../../_components/SubmitButton";
import type { BoundFormAction, FormState } from "@/lib/forms";
import type { AssignToMeField, MergeField } from "../actions";

/**
 * The staff's one-click actions on a ticket's side panel: "Assign to me" and "Merge into".
 * Plain forms, posted without JavaScript too; with it, their answer shows in place.
 */

const assignInitial: FormState<AssignToMeField> = { fieldErrors: {}, values: {} };

/** The button the keyboard shortcut `a` presses (data-shortcut), with its pending state. */
function AssignButton() {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className="button secondary" data-shortcut="assign-to-me" aria-disabled={pending || undefined} disabled={pending}>
      {pending ? "Assigning…" : "Assign to me"}
    </button>
  );
}

/**
 * "Assign to me": assignToMeAction bound to the ticket, on the server, with the version the page
 * was drawn at (a ticket changed since is a conflict).
 */
export function AssignToMeForm({ save, version }: { save: BoundFormAction<AssignToMeField>; version: number }) {
  const [state, action] = useActionState(save, assignInitial);
  return (
    <form action={action} className="form side-form assign-form" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="version" value={version} />
      <AssignButton />
    </form>
  );
}

const mergeInitial: FormState<MergeField> = { fieldErrors: {}, values: {} };

/** "Merge into" a ticket number: mergeAction bound to this ticket, with the version the page was drawn at. */
export function MergeForm({ save, version }: { save: BoundFormAction<MergeField>; version: number }) {
  const [state, action] = useActionState(save, mergeInitial);
  const errors = state.fieldErrors.into;
  return (
    <form action={action} className="form side-form merge-form" noValidate>
      {/* A refusal of the number is said once, next to the field. */}
      {errors?.length ? null : <FormMessage state={state} />}
      <input type="hidden" name="version" value={version} />
      <TextField name="into" label="Merge into" inputMode="numeric" defaultValue={state.values.into} errors={errors}
        hint="The ticket this one duplicates: its conversation is copied there, and this one is closed." />
      <SubmitButton pendingText="Merging…" variant="secondary">Merge</SubmitButton>
    </form>
  );
}
