"use client";

import { useActionState } from "react";
import { FormMessage } from "../_components/FormMessage";
import { TextField } from "../_components/Field";
import { SubmitButton } from "../_components/SubmitButton";
import type { FormState } from "@/lib/forms";
import { forgotPasswordAction, type ForgotField } from "./actions";

const initial: FormState<ForgotField> = { fieldErrors: {}, values: {} };

export function ForgotPasswordForm() {
  const [state, action] = useActionState(forgotPasswordAction, initial);
  return (
    <form action={action} className="form card" noValidate>
      <FormMessage state={state} />
      <TextField name="email" label="Email" type="email" autoComplete="username" required
        defaultValue={state.values.email} errors={state.fieldErrors.email} />
      <SubmitButton pendingText="Sending…">Send reset link</SubmitButton>
    </form>
  );
}
