"use client";

import { useActionState } from "react";
import { FormMessage } from "../_components/FormMessage";
import { TextField } from "../_components/Field";
import { SubmitButton } from "../_components/SubmitButton";
import type { FormState } from "@/lib/forms";
import { PASSWORD_MAX, PASSWORD_MIN } from "@/lib/limits";
import { resetPasswordAction, type ResetField } from "./actions";

const initial: FormState<ResetField> = { fieldErrors: {}, values: {} };

export function ResetPasswordForm({ token }: { token: string }) {
  const [state, action] = useActionState(resetPasswordAction, initial);
  return (
    <form action={action} className="form card" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="token" value={token} />
      <TextField name="newPassword" label="New password" type="password" autoComplete="new-password" required
        minLength={PASSWORD_MIN} maxLength={PASSWORD_MAX} hint={`${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`} errors={state.fieldErrors.newPassword} />
      <SubmitButton pendingText="Saving…">Set password</SubmitButton>
    </form>
  );
}
