"use client";

import Link from "next/link";
import { useActionState } from "react";
import { SubmitButton } from "../../../_components/SubmitButton";
import type { ActiveState } from "./actions";

const initial: ActiveState = { fieldErrors: {}, values: {} };

type Act = (prev: ActiveState, form: FormData) => Promise<ActiveState>;

/** "Deactivate" or "Reactivate" in a person's row, with what happened said beside it. */
export function ActiveForm({ act, active, reassignHref }: { act: Act; active: boolean; reassignHref: string }) {
  const [state, action] = useActionState(act, initial);
  return (
    <form action={action} className="active-form">
      <input type="hidden" name="to" value={active ? "deactivated" : "active"} />
      <SubmitButton variant="secondary" pendingText={active ? "Deactivating…" : "Reactivating…"}>{active ? "Deactivate" : "Reactivate"}</SubmitButton>
      {state.message ? (
        <p className={state.ok ? "inline-status" : "field-error"} role={state.ok ? "status" : "alert"}>
          {state.message}
          {state.openTickets ? <> <Link href={reassignHref} prefetch={false}>Reassign them</Link></> : null}
        </p>
      ) : null}
    </form>
  );
}
