"use client";

import { useActionState } from "react";
import { SubmitButton } from "../../../_components/SubmitButton";
import { ROLES } from "@/lib/people/identity";
import type { InviteState } from "./actions";

const initial: InviteState = { fieldErrors: {}, values: {} };

/** "Invite person": an address and a role; the link goes out by mail (or is shown while mail is off). */
export function InviteForm({ invite }: { invite: (prev: InviteState, form: FormData) => Promise<InviteState> }) {
  const [state, action] = useActionState(invite, initial);
  const emailError = state.fieldErrors.email?.[0];
  const roleError = state.fieldErrors.role?.[0];
  const values = state.ok ? {} : state.values;
  return (
    <form action={action} className="invite-form" aria-labelledby="invite-heading" noValidate>
      <h2 id="invite-heading">Invite person</h2>
      <div className="invite-fields">
        <div className="field">
          <label htmlFor="invite-email">Email</label>
          <input id="invite-email" name="email" type="email" autoComplete="off" required maxLength={254} key={`e${values.email ?? ""}`}
            defaultValue={values.email ?? ""} aria-invalid={emailError ? true : undefined} aria-describedby={emailError ? "invite-email-error" : undefined} />
          {emailError ? <p id="invite-email-error" className="field-error">{emailError}</p> : null}
        </div>
        <div className="field">
          <label htmlFor="invite-role">Role</label>
          <select id="invite-role" name="role" key={`r${values.role ?? ""}`} defaultValue={values.role ?? "agent"}
            aria-invalid={roleError ? true : undefined} aria-describedby={roleError ? "invite-role-error" : undefined}>
            {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
          {roleError ? <p id="invite-role-error" className="field-error">{roleError}</p> : null}
        </div>
        <SubmitButton pendingText="Sending…">Send invitation</SubmitButton>
      </div>
      {state.message ? (
        <div className={state.ok ? "notice success" : "notice error"} role={state.ok ? "status" : "alert"}>
          <p>{state.message}</p>
          {state.link ? (
            <p>
              <label htmlFor="invite-link">Invitation link</label>{" "}
              <input id="invite-link" className="invite-link" readOnly value={state.link} />
            </p>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
