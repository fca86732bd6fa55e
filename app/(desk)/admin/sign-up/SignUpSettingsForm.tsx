"use client";

import { useActionState } from "react";
import { FormMessage } from "../../../_components/FormMessage";
import { SubmitButton } from "../../../_components/SubmitButton";
import type { FormState } from "@/lib/forms";
import { SIGN_UP_MODE_LABELS, SIGN_UP_MODES, type SignUpPolicy } from "@/lib/desk/sign-up-policy";
import type { SignUpField } from "./actions";

type Save = (prev: FormState<SignUpField>, form: FormData) => Promise<FormState<SignUpField>>;

const initial: FormState<SignUpField> = { fieldErrors: {}, values: {} };

/** Who may sign up, the allowed domains, and whether unknown senders' mail opens tickets. */
export function SignUpSettingsForm({ save, policy }: { save: Save; policy: SignUpPolicy }) {
  const [state, action] = useActionState(save, initial);
  // After a refusal the form shows what was typed; otherwise what is stored.
  const typed = !state.ok && Object.keys(state.values).length > 0;
  const mode = typed ? (state.values.mode ?? policy.mode) : policy.mode;
  const domains = typed ? (state.values.domains ?? "") : policy.domains.join(", ");
  const unknown = typed ? state.values.unknownSenders === "on" : policy.unknownSenders;
  const modeError = state.fieldErrors.mode?.[0];
  const domainsError = state.fieldErrors.domains?.[0];
  const k = `${mode}|${domains}|${unknown}`;
  return (
    <form action={action} className="settings-form signup-form" noValidate>
      <FormMessage state={state} />
      <div className="field">
        <label htmlFor="signup-mode">Who may sign up</label>
        <select id="signup-mode" name="mode" key={`m${k}`} defaultValue={mode} aria-describedby={`signup-mode-hint${modeError ? " signup-mode-error" : ""}`} aria-invalid={modeError ? true : undefined}>
          {SIGN_UP_MODES.map((m) => <option key={m} value={m}>{SIGN_UP_MODE_LABELS[m]}</option>)}
        </select>
        <p className="hint" id="signup-mode-hint">Who may create an account on the sign-up page. Invited people can always join, and the first account of a new desk is always allowed.</p>
        {modeError ? <p className="field-error" id="signup-mode-error">{modeError}</p> : null}
      </div>
      <div className="field">
        <label htmlFor="signup-domains">Allowed domains</label>
        <textarea id="signup-domains" name="domains" rows={3} key={`d${k}`} defaultValue={domains}
          aria-describedby={`signup-domains-hint${domainsError ? " signup-domains-error" : ""}`} aria-invalid={domainsError ? true : undefined} />
        <p className="hint" id="signup-domains-hint">For “Only these domains”: addresses at exactly these domains, separated by commas (example.com, example.org). Subdomains are not included.</p>
        {domainsError ? <p className="field-error" id="signup-domains-error">{domainsError}</p> : null}
      </div>
      <div className="field">
        <label className="checkbox">
          <input name="unknownSenders" type="checkbox" key={`u${k}`} defaultChecked={unknown} aria-describedby="signup-unknown-hint" />
          Mail from unknown senders opens tickets
        </label>
        <p className="hint" id="signup-unknown-hint">While sign-up is limited: whether mail to the support address from someone without an account opens a ticket (and makes their account). Unticked, it is set aside on the Mail page.</p>
      </div>
      <SubmitButton pendingText="Saving…">Save</SubmitButton>
    </form>
  );
}
