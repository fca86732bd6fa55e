"use client";

import { useActionState } from "react";
import { FormMessage } from "../_components/FormMessage";
import { TextField } from "../_components/Field";
import { SubmitButton } from "../_components/SubmitButton";
import type { FormState } from "@/lib/forms";
import { resetPasswordAction, type ResetField } from "./actions";

const initial: FormState<ResetField> = { fieldErrors: {}, values: {} };

export function ResetPasswordForm({ token }: { token: string }) {
  const [state, action] = useActionState(resetPasswordAction, initial);
  return (
    <form action={action} className="form card" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="token" value={token} />
      <TextField name="newPassword" label="New password" type="password" autoComplete="new-password" required
        minLength={10} maxLength={128} hint="10 to 128 characters." errors={state.fieldErrors.newPassword} />
      <SubmitButton pendingText="Saving…">Set password</SubmitButton>
    </form>
  );
}
