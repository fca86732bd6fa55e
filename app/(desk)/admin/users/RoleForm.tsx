"use client";

import { useActionState } from "react";
import { SubmitButton } from "../../../_components/SubmitButton";
import type { BoundFormAction, FormState } from "@/lib/forms";
import { ROLES, type Role } from "@/lib/people/identity";

const initial: FormState<"role"> = { fieldErrors: {}, values: {} };

/** `save` is changeRoleAction bound to the user's id, on the server (see BoundFormAction). */
export function RoleForm({ save, userId, role }: { save: BoundFormAction<"role">; userId: string; role: Role }) {
  const [state, action] = useActionState(save, initial);
  const id = `role-${userId}`;
  const errId = `${id}-error`;
  const error = state.fieldErrors.role?.[0];
  const value = state.ok ? role : (state.values.role ?? role);
  return (
    <form action={action} className="role-form">
      <label htmlFor={id} className="visually-hidden">Role</label>
      <select key={`${role}${value}`} id={id} name="role" defaultValue={value}
        aria-invalid={error ? true : undefined} aria-describedby={error ? errId : undefined}>
        {ROLES.map((r) => (
          <option key={r} value={r}>{r}</option>
        ))}
      </select>
      <SubmitButton variant="secondary" pendingText="Saving…">Save role</SubmitButton>
      {error ? (
        <p id={errId} className="field-error" role="alert">{error}</p>
      ) : state.message ? (
        <p className="inline-status" role="status">{state.message}</p>
      ) : null}
    </form>
  );
}
