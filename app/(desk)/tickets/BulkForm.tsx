"use client";

import { useActionState, useEffect, useState } from "react";
import { useFormStatus } from "react-dom";
import { SelectField, TextField } from "../../_components/Field";
import { FormMessage } from "../../_components/FormMessage";
import type { BoundFormAction, FormState } from "@/lib/forms";
import type { AssigneeChoices } from "@/lib/people/queries";
import { BULK_FORM, type BulkField } from "@/lib/tickets/bulk-form";
import { PRIORITIES, STATUSES } from "@/lib/tickets/schema";
import { TAG_MAX } from "@/lib/tickets/tag-names";
import { PersonInput } from "./PersonInput";


const initial: FormState<BulkField> = { fieldErrors: {}, values: {} };

const LEAVE = { value: "", label: "Leave as is" };

// The fields' names hold none of the filter form's words ("Status", "Priority", "Assignee",
// "Tags", "Search"), not even inside a longer name: a label found by its words (a screen
// reader's search, a test's getByLabel) must find one field.

/** The checkboxes that belong to the bulk form, wherever they are on the page. */
const boxes = () => Array.from(document.querySelectorAll<HTMLInputElement>(`input[type=checkbox][form="${BULK_FORM}"][name="ticket"]`));
const allBox = () => document.querySelector<HTMLInputElement>(`input[type=checkbox][form="${BULK_FORM}"][name="all"]`);

/**
 * How many rows are selected, kept from the checkboxes' own change events (one listener on the
 * document, a count of at most 100 boxes per change: nothing per row, nothing that grows with the
 * desk, unlike the select-all that froze Zammad's browser, zammad#2279).
 */
function useSelectedCount(shown: number): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    const recount = () => setCount(allBox()?.checked ? shown : boxes().filter((b) => b.checked).length);
    const onChange = (e: Event) => {
      const t = e.target;
      if (!(t instanceof HTMLInputElement) || t.getAttribute("form") !== BULK_FORM) return;
      const all = allBox();
      if (t.name === "all") for (const b of boxes()) b.checked = t.checked;
      // A row unticked: the page is no longer all selected; every row ticked: it is.
      else if (t.name === "ticket" && all) all.checked = boxes().every((b) => b.checked);
      recount();
    };
    // A reset (after a change is applied) unticks every box: count again once it has.
    const onReset = () => setTimeout(recount, 0);
    document.addEventListener("change", onChange);
    document.getElementById(BULK_FORM)?.addEventListener("reset", onReset);
    recount();
    return () => {
      document.removeEventListener("change", onChange);
      document.getElementById(BULK_FORM)?.removeEventListener("reset", onReset);
    };
  }, [shown]);
  return count;
}

function Buttons() {
  const { pending } = useFormStatus();
  return (
    <div className="bulk-actions">
      <button type="submit" name="intent" value="apply" className="button primary" disabled={pending} aria-disabled={pending || undefined}>
        Apply to selected
      </button>
      <button type="submit" name="intent" value="me" className="button secondary" disabled={pending} aria-disabled={pending || undefined}>
        Assign selected to me
      </button>
    </div>
  );
}

type Props = {
  /** bulkUpdateAction, passed down from the server component. */
  apply: BoundFormAction<BulkField>;
  /** Every row on the page as "number:version", for "Select all on this page". */
  shown: string[];
  assignees: AssigneeChoices;
};

/**
 * "Apply to selected": one form for the rows ticked in the table (their checkboxes name this form,
 * so that the table need not be inside it, and the filter form above stays its own). Works
 * without JavaScript; with it, the header box ticks every row and the form says how many.
 */
export function BulkForm({ apply, shown, assignees }: Props) {
  const [state, action] = useActionState(apply, initial);
  const count = useSelectedCount(shown.length);
  const v = state.ok ? {} : state.values;
  const key = `${state.message ?? ""}${shown.join()}`;
  return (
    <form id={BULK_FORM} action={action} className="bulk" aria-label="Change selected tickets" noValidate>
      {shown.map((s) => (
        <input key={s} type="hidden" name="shown" value={s} />
      ))}
      {/* On a phone the fields fold under one line (a <details>: no JavaScript needed), as the filters do. */}
      <details className="bulk-more">
        <summary>Change selected tickets</summary>
        <div className="bulk-fields">
          <SelectField key={`s${key}`} name="status" label="Mark as" options={[LEAVE, ...STATUSES]} defaultValue={v.status ?? ""}
            errors={state.fieldErrors.status} />
          <SelectField key={`p${key}`} name="priority" label="Prioritise as" options={[LEAVE, ...PRIORITIES]} defaultValue={v.priority ?? ""}
            errors={state.fieldErrors.priority} />
          <AssigneeField key={`a${key}`} choices={assignees} value={v.assignee} errors={state.fieldErrors.assignee} />
          <TextField key={`t${key}`} name="tag" label="Add tag" defaultValue={v.tag ?? ""} errors={state.fieldErrors.tag}
            maxLength={TAG_MAX} autoComplete="off" />
          <Buttons />
        </div>
      </details>
      <p className="bulk-selected" aria-live="polite">{count ? `${count} selected` : ""}</p>
      <FormMessage state={state} />
    </form>
  );
}

/** "Assign to": leave, Me, Unassigned or an agent (a select when few enough to list, else an email typed). */
function AssigneeField({ choices, value, errors }: { choices: AssigneeChoices; value?: string; errors?: string[] }) {
  if (choices.kind === "select") {
    return (
      <SelectField name="assignee" label="Assign to" defaultValue={value ?? ""} errors={errors}
        options={[LEAVE, { value: "me", label: "Me" }, { value: "none", label: "Unassigned" }, ...choices.people.map((a) => ({ value: a.id, label: a.label }))]} />
    );
  }
  const ids = { input: "f-assignee", hint: "f-assignee-hint", error: "f-assignee-error" };
  return (
    <div className="field">
      <label htmlFor={ids.input}>Assign to</label>
      <p className="hint" id={ids.hint}>An agent’s email, Me or Unassigned; empty to leave as is.</p>
      <PersonInput id={ids.input} name="assignee" defaultValue={value ?? ""} suggest="assignee" fixed={["Me", "Unassigned"]}
        placeholder="name@example.com" invalid={Boolean(errors?.length)}
        describedBy={errors?.length ? `${ids.error} ${ids.hint}` : ids.hint} />
      {errors?.length ? <p className="field-error" id={ids.error}>{errors.join(" ")}</p> : null}
    </div>
  );
}

/**
 * "Select all on this page", in the table's header: a box of the bulk form that means every row
 * shown (the form carries their numbers), so that it works without JavaScript too; with it, it
 * also ticks and unticks the rows (useSelectedCount above).
 */
export function SelectAll() {
  return (
    <label className="select-box">
      <input type="checkbox" form={BULK_FORM} name="all" value="on" />
      <span className="visually-hidden">Select all on this page</span>
      {/* Shown on a phone, where the header's other cells are not: the name above says it in full. */}
      <span className="select-all-text" aria-hidden="true">All on this page</span>
    </label>
  );
}
