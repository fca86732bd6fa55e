"use client";

import { useActionState } from "react";
import { FormMessage } from "../../_components/FormMessage";
import { SubmitButton } from "../../_components/SubmitButton";
import type { FormState } from "@/lib/forms";

type Choice = { kind: string; label: string; enabled: boolean };

const initial: FormState<string> = { fieldErrors: {}, values: {} };

/**
 * A checkbox per kind of mail, and (for a person's own settings) their time zone. Used for one's
 * own settings and for the defaults admins set. After a save the boxes show what was saved (the
 * page re-renders with it); the key makes React take the new defaults.
 */
export function NotificationsForm({
  save,
  choices,
  legend,
  button,
  timeZone,
}: {
  save: (prev: FormState<string>, form: FormData) => Promise<FormState<string>>;
  choices: Choice[];
  legend: string;
  button: string;
  timeZone?: { value: string; zones: string[] };
}) {
  const [state, action] = useActionState(save, initial);
  const zoneError = state.fieldErrors.timeZone;
  return (
    <form action={action} className="form card settings-form" noValidate>
      <FormMessage state={state} />
      <fieldset>
        <legend>{legend}</legend>
        {choices.map((c) => (
          <label className="checkbox" key={`${c.kind}${c.enabled}`}>
            <input type="checkbox" name={c.kind} defaultChecked={c.enabled} /> {c.label}
          </label>
        ))}
      </fieldset>
      {timeZone ? (
        <div className="field">
          <label htmlFor="f-timeZone">Time zone</label>
          <p className="hint" id="f-timeZone-hint">Times on every page and in your mail are shown in this zone.</p>
          <select id="f-timeZone" name="timeZone" key={timeZone.value} defaultValue={state.values.timeZone ?? timeZone.value}
            aria-invalid={zoneError ? true : undefined}
            aria-describedby={zoneError ? "f-timeZone-error f-timeZone-hint" : "f-timeZone-hint"}>
            {timeZone.zones.map((z) => (
              <option key={z} value={z}>{z.replaceAll("_", " ")}</option>
            ))}
          </select>
          {zoneError ? <p className="field-error" id="f-timeZone-error">{zoneError.join(" ")}</p> : null}
        </div>
      ) : null}
      <SubmitButton pendingText="Saving…">{button}</SubmitButton>
    </form>
  );
}
