"use client";

import { useActionState } from "react";
import { FormMessage } from "../_components/FormMessage";
import { TextField } from "../_components/Field";
import { SubmitButton } from "../_components/SubmitButton";
import type { FormState } from "@/lib/forms";
import { NAME_MAX, PASSWORD_MAX, PASSWORD_MIN } from "@/lib/limits";
import { signUpAction, type SignUpField } from "./actions";

const initial: FormState<SignUpField> = { fieldErrors: {}, values: {} };

export function SignUpForm({ next }: { next: string }) {
  const [state, action] = useActionState(signUpAction, initial);
  return (
    <form action={action} className="form card" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="next" value={next} />
      <TextField name="name" label="Name" autoComplete="name" required maxLength={NAME_MAX}
        defaultValue={state.values.name} errors={state.fieldErrors.name} />
      <TextField name="email" label="Email" type="email" autoComplete="email" required
        defaultValue={state.values.email} errors={state.fieldErrors.email} />
      <TextField name="password" label="Password" type="password" autoComplete="new-password" required
        minLength={PASSWORD_MIN} maxLength={PASSWORD_MAX} hint={`${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`} errors={state.fieldErrors.password} />
      <SubmitButton pendingText="Creating account…">Create account</SubmitButton>
    </form>
  );
}
