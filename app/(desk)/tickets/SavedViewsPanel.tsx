"use client";

import { useActionState } from "react";
import { TextField } from "../../_components/Field";
import { FormMessage } from "../../_components/FormMessage";
import { SubmitButton } from "../../_components/SubmitButton";
import type { BoundFormAction, FormState } from "@/lib/forms";
import { SAVED_VIEWS_PER_PERSON, VIEW_NAME_MAX } from "@/lib/limits";
import type { ViewField } from "./list-actions";

const initial: FormState<ViewField> = { fieldErrors: {}, values: {} };

/** What the panel lists of a view: the reader's own, or (admins) shared ones, to delete. */
type DeletableView = { id: number; name: string; shared: boolean };

/**
 * Under the quick views: "Save view" for the list as it is now (its URL query, drawn by the
 * server), and the reader's views with "Delete view" (admins: the shared ones too). Folded by
 * default (used now and then, the list all day); open again when the save has something to say,
 * so that the answer is seen with JavaScript off too.
 */
export function SavedViewsPanel({
  views,
  query,
  mayShare,
  save,
  remove,
}: {
  views: DeletableView[];
  query: string;
  mayShare: boolean;
  save: BoundFormAction<ViewField>;
  remove: (form: FormData) => Promise<void>;
}) {
  const [state, action] = useActionState(save, initial);
  const v = state.ok ? {} : state.values;
  const shareError = state.fieldErrors.share;
  return (
    <details className="views-panel" open={state.message ? true : undefined}>
      <summary>Save or delete views</summary>
      <div className="views-body">
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
        {views.length ? (
          <ul className="views-own" aria-label="Your views">
            {views.map((view) => (
              <li key={view.id}>
                <span className="view-name">{view.name}</span>
                {view.shared ? <span className="view-shared">Shared</span> : null}
                <form action={remove}>
                  <input type="hidden" name="view" value={view.id} />
                  <button type="submit" className="link-button">Delete view</button>
                </form>
              </li>
            ))}
          </ul>
        ) : (
          <p className="hint">Filter and sort the list, then name it here: it appears beside the quick views, with its count. Up to {SAVED_VIEWS_PER_PERSON}.</p>
        )}
      </div>
    </details>
  );
}
