"use client";

import { useActionState } from "react";
import { SubmitButton } from "../../../_components/SubmitButton";
import type { RetryState } from "./actions";

/** `retry` is retryMailAction bound to the message's id, on the server. */
export function RetryForm({ retry, subject }: { retry: (prev: RetryState, form: FormData) => Promise<RetryState>; subject: string }) {
  const [state, action] = useActionState(retry, {});
  return (
    <form action={action} className="inline-form" aria-label={`Retry: ${subject}`}>
      <SubmitButton variant="secondary" pendingText="Retrying…">Retry</SubmitButton>
      {state.message ? <span className="inline-status" role="status">{state.message}</span> : null}
    </form>
  );
}
