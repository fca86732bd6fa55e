"use client";

import { useActionState } from "react";
import { FormMessage } from "../../../_components/FormMessage";
import { SubmitButton } from "../../../_components/SubmitButton";
import type { RenameState } from "./rename-state";

const initial: RenameState = { fieldErrors: {}, values: {} };
const nf = new Intl.NumberFormat("en-US");

/**
 * The desk's tags, each with its count and a form to rename it. Every row's form posts to the
 * same action (the tag is a field), so that the one message, above the table, survives a merge
 * that removes the row it came from; a field's error shows in its own row.
 */
export function TagTable({ rename, rows }: { rename: (prev: RenameState, form: FormData) => Promise<RenameState>; rows: { id: number; name: string; tickets: number }[] }) {
  const [state, action] = useActionState(rename, initial);
  const errorRow = state.ok ? null : state.values.tag;
  return (
    <>
      {state.fieldErrors.name ? null : <FormMessage state={state} />}
      <div className="table-wrap">
        <table className="tag-table">
          <thead>
            <tr>
              <th scope="col">Tag</th>
              <th scope="col" className="col-count">Tickets</th>
              <th scope="col" className="col-rename">Rename or merge</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => {
              const id = `tag-${t.id}`;
              const mine = errorRow === String(t.id);
              const error = mine ? state.fieldErrors.name?.[0] : undefined;
              return (
                <tr key={t.id}>
                  <td data-label="Tag"><span className="tag">{t.name}</span></td>
                  <td data-label="Tickets" className="col-count">
                    <a href={`/tickets?tags=${encodeURIComponent(t.name)}`} aria-label={`${nf.format(t.tickets)} tickets tagged ${t.name}`}>{nf.format(t.tickets)}</a>
                  </td>
                  <td data-label="Rename or merge" className="col-rename">
                    <form action={action} className="rename-form" aria-label={`Rename ${t.name}`}>
                      <input type="hidden" name="tag" value={t.id} />
                      <label htmlFor={id} className="visually-hidden">New name</label>
                      <input key={mine ? `typed-${state.values.name}` : t.name} id={id} name="name" type="text" defaultValue={mine ? state.values.name : t.name}
                        required maxLength={200} autoComplete="off" spellCheck={false}
                        aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} />
                      <SubmitButton variant="secondary" pendingText="Renaming…">Rename</SubmitButton>
                      {error ? <p id={`${id}-error`} className="field-error" role="alert">{error}</p> : null}
                    </form>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
