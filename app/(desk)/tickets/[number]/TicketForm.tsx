"use client";

import { useActionState } from "react";
import { SelectField } from "../../../_components/Field";
import { FormMessage } from "../../../_components/FormMessage";
import { SubmitButton } from "../../../_components/SubmitButton";
import type { BoundFormAction, FormState } from "@/lib/forms";
import type { Person } from "@/lib/people/queries";
import { PRIORITIES, type Priority, type Status } from "@/lib/tickets/schema";
import type { UpdateField } from "../actions";

const initial: FormState<UpdateField> = { fieldErrors: {}, values: {} };

type Props = {
  /** updateTicketAction bound to this ticket's number, on the server. */
  save: BoundFormAction<UpdateField>;
  version: number;
  status: Status;
  priority: Priority;
  assignee: Person | null;
  statuses: Status[];
  assignees: Person[];
};

/** The agents' form: status, priority and assignee in one save. */
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
      <SelectField key={`s${props.version}${v.status ?? ""}`} name="status" label="Status" options={props.statuses}
        defaultValue={v.status ?? props.status} errors={state.fieldErrors.status} />
      <SelectField key={`p${props.version}${v.priority ?? ""}`} name="priority" label="Priority" options={PRIORITIES}
        defaultValue={v.priority ?? props.priority} errors={state.fieldErrors.priority} />
      <SelectField key={`a${props.version}${v.assigneeId ?? ""}`} name="assigneeId" label="Assignee"
        options={[{ value: "", label: "Unassigned" }, ...props.assignees.map((a) => ({ value: a.id, label: a.name }))]}
        defaultValue={v.assigneeId ?? props.assignee?.id ?? ""} errors={state.fieldErrors.assigneeId} />
      <SubmitButton pendingText="Saving…">Save changes</SubmitButton>
    </form>
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
