"use client";

import { useActionState } from "react";
import { FormMessage } from "../_components/FormMessage";
import { SubmitButton } from "../_components/SubmitButton";
import type { FormState } from "@/lib/forms";
import { confirmAddressAction, type ConfirmField } from "./actions";

const initial: FormState<ConfirmField> = { fieldErrors: {}, values: {} };

export function ConfirmAddressForm({ token }: { token: string }) {
  const [state, action] = useActionState(confirmAddressAction, initial);
  return (
    <form action={action} className="form card" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="token" value={token} />
      <SubmitButton pendingText="Confirming…">Confirm address</SubmitButton>
    </form>
  );
}
