"use client";

import { useActionState } from "react";
import { TextField } from "../../_components/Field";
import { FormMessage } from "../../_components/FormMessage";
import { SubmitButton } from "../../_components/SubmitButton";
import type { BoundFormAction, FormState } from "@/lib/forms";
import { VIEW_NAME_MAX } from "@/lib/limits";
import type { ViewField } from "./list-actions";

const initial: FormState<ViewField> = { fieldErrors: {}, values: {} };

/** "Save view": the list's current filters and sort (its URL query, drawn by the server) under a name. */
export function SaveViewForm({ save, query, mayShare }: { save: BoundFormAction<ViewField>; query: string; mayShare: boolean }) {
  const [state, action] = useActionState(save, initial);
  const v = state.ok ? {} : state.values;
  const shareError = state.fieldErrors.share;
  return (
    <form action={action} className="save-view" noValidate>
      <input type="hidden" name="query" value={query} />
      <TextField key={`n${state.message ?? ""}`} name="name" label="View name" defaultValue={v.name ?? ""} errors={state.fieldErrors.name}
        maxLength={VIEW_NAME_MAX} autoComplete="off" />
      {mayShare ? (
        <div className="field">
          <label className="checkbox">
            <input type="checkbox" name="share" value="on" defaultChecked={v.share === "on"}
              aria-invalid={shareError?.length ? true : undefined} aria-describedby={shareError?.length ? "f-share-error" : undefined} />
            Share with everyone
          </label>
          {shareError?.length ? <p className="field-error" id="f-share-error">{shareError.join(" ")}</p> : null}
        </div>
      ) : null}
      <SubmitButton variant="secondary" pendingText="Saving…">Save view</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
