"use client";

import { useActionState } from "react";
import { FormMessage } from "../_components/FormMessage";
import { TextField } from "../_components/Field";
import { SubmitButton } from "../_components/SubmitButton";
import type { FormState } from "@/lib/forms";
import { signInAction, type SignInField } from "./actions";

const initial: FormState<SignInField> = { fieldErrors: {}, values: {} };

export function SignInForm({ next }: { next: string }) {
  const [state, action] = useActionState(signInAction, initial);
  return (
    <form action={action} className="form card" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="next" value={next} />
      <TextField name="email" label="Email" type="email" autoComplete="username" required
        defaultValue={state.values.email} errors={state.fieldErrors.email} />
      <TextField name="password" label="Password" type="password" autoComplete="current-password" required
        errors={state.fieldErrors.password} />
      <SubmitButton pendingText="Signing in…">Sign in</SubmitButton>
    </form>
  );
}
