"use client";

import { useActionState } from "react";
import { SelectField, TextField } from "../../../_components/Field";
import { FormMessage } from "../../../_components/FormMessage";
import { SubmitButton } from "../../../_components/SubmitButton";
import type { BoundFormAction, FormState } from "@/lib/forms";
import type { AssigneeChoices, PersonRef } from "@/lib/people/queries";
import { PRIORITIES, type Priority, type Status } from "@/lib/tickets/schema";
import { formatTags } from "@/lib/tickets/tag-names";
import type { UpdateField } from "../actions";
import { PersonInput } from "../PersonInput";

const initial: FormState<UpdateField> = { fieldErrors: {}, values: {} };

type Props = {
  /** updateTicketAction bound to this ticket's number, on the server. */
  save: BoundFormAction<UpdateField>;
  version: number;
  status: Status;
  priority: Priority;
  /** The ticket's assignee as they are now (perhaps deactivated, or no longer staff). */
  assignee: PersonRef | null;
  statuses: Status[];
  assignees: AssigneeChoices;
  /** The ticket's tags (staff only: this form is theirs). */
  tags: string[];
};

/** The current assignee's label where they are not among those offered. */
const marked = (p: PersonRef) => (p.deactivated ? `${p.name} (deactivated)` : `${p.name} (not an agent)`);

/** The agents' form: status, priority, assignee and tags in one save. */
export function TicketForm(props: Props) {
  const [state, action] = useActionState(props.save, initial);
  const v = state.ok ? {} : state.values;
  return (
    <form action={action} className="form side-form" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="version" value={props.version} />
      <input type="hidden" name="seenStatus" value={props.status} />
      <input type="hidden" name="seenPriority" value={props.priority} />
      <input type="hidden" name="seenAssigneeId" value={props.assignee?.id ?? ""} />
      <input type="hidden" name="seenAssigneeName" value={props.assignee?.name ?? "Unassigned"} />
      <input type="hidden" name="seenTags" value={formatTags(props.tags)} />
      <SelectField key={`s${props.version}${v.status ?? ""}`} name="status" label="Status" options={props.statuses}
        defaultValue={v.status ?? props.status} errors={state.fieldErrors.status} />
      <SelectField key={`p${props.version}${v.priority ?? ""}`} name="priority" label="Priority" options={PRIORITIES}
        defaultValue={v.priority ?? props.priority} errors={state.fieldErrors.priority} />
      <AssigneeField key={`a${props.version}${v.assigneeId ?? ""}`} choices={props.assignees} current={props.assignee}
        value={v.assigneeId} errors={state.fieldErrors.assigneeId} />
      <TextField key={`t${props.version}${v.tags ?? ""}`} name="tags" label="Tags" hint="Separated by commas."
        defaultValue={v.tags ?? formatTags(props.tags)} errors={state.fieldErrors.tags} autoComplete="off" />
      <SubmitButton pendingText="Saving…">Save changes</SubmitButton>
    </form>
  );
}

/**
 * Assignee: a select of who may be given tickets when they are few enough to list, otherwise an
 * email typed with suggestions (lib/people/queries.ts, ASSIGNEE_SELECT_MAX); empty is Unassigned.
 * The current assignee stays the current choice even when they may no longer be given tickets
 * (deactivated), marked so and offered to no other ticket.
 */
function AssigneeField({ choices, current, value, errors }: { choices: AssigneeChoices; current: PersonRef | null; value?: string; errors?: string[] }) {
  if (choices.kind === "select") {
    const listed = current === null || choices.people.some((p) => p.id === current.id);
    return (
      <SelectField name="assigneeId" label="Assignee" defaultValue={value ?? current?.id ?? ""} errors={errors}
        options={[
          { value: "", label: "Unassigned" },
          ...choices.people.map((a) => ({ value: a.id, label: a.label })),
          ...(listed ? [] : [{ value: current.id, label: marked(current) }]),
        ]} />
    );
  }
  const ids = { input: "f-assigneeId", hint: "f-assigneeId-hint", error: "f-assigneeId-error" };
  return (
    <div className="field">
      <label htmlFor={ids.input}>Assignee</label>
      <p className="hint" id={ids.hint}>
        {current?.deactivated ? `${marked(current)}. ` : ""}An agent’s email; empty for Unassigned.
      </p>
      <PersonInput id={ids.input} name="assigneeId" defaultValue={value ?? current?.email ?? ""} suggest="assignee"
        placeholder="name@example.com" invalid={Boolean(errors?.length)}
        describedBy={errors?.length ? `${ids.error} ${ids.hint}` : ids.hint} />
      {errors?.length ? <p className="field-error" id={ids.error}>{errors.join(" ")}</p> : null}
    </div>
  );
}

/** A requester's one move: close their ticket, or reopen it. */
export function CloseReopenForm({ save, version, status }: { save: BoundFormAction<UpdateField>; version: number; status: Status }) {
  const [state, action] = useActionState(save, initial);
  const reopen = status === "Closed" || status === "Resolved";
  return (
    <form action={action} className="form side-form">
      <FormMessage state={state} />
      <input type="hidden" name="version" value={version} />
      <input type="hidden" name="seenStatus" value={status} />
      <input type="hidden" name="status" value={reopen ? "Open" : "Closed"} />
      <SubmitButton variant="secondary" pendingText="Saving…">{reopen ? "Reopen ticket" : "Close ticket"}</SubmitButton>
    </form>
  );
}
