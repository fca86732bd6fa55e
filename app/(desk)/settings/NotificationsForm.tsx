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
 * page re-renders with it); the key makes React take the new defaults. A person's own settings
 * also have the "Keyboard shortcuts" box, saved by the same button (one form, JavaScript or not).
 */
export function NotificationsForm({
  save,
  choices,
  legend,
  button,
  timeZone,
  shortcuts,
}: {
  save: (prev: FormState<string>, form: FormData) => Promise<FormState<string>>;
  choices: Choice[];
  legend: string;
  button: string;
  timeZone?: { value: string; zones: string[] };
  /** Whether the person's keyboard shortcuts are on (their own settings only). */
  shortcuts?: boolean;
}) {
  const [state, action] = useActionState(save, initial);
  const zoneError = state.fieldErrors.timeZone;
  const shortcutsError = state.fieldErrors.keyboardShortcuts;
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
      {shortcuts !== undefined ? (
        <div className="field">
          <label className="checkbox" key={`shortcuts${shortcuts}`}>
            <input type="checkbox" name="keyboardShortcuts" defaultChecked={shortcuts}
              aria-invalid={shortcutsError ? true : undefined}
              aria-describedby={shortcutsError ? "f-keyboardShortcuts-error f-keyboardShortcuts-hint" : "f-keyboardShortcuts-hint"} />{" "}
            Keyboard shortcuts
          </label>
          <p className="hint" id="f-keyboardShortcuts-hint">
            Single keys such as <kbd>j</kbd>, <kbd>k</kbd> and <kbd>/</kbd> that act when you are not typing in a field.
            Press <kbd>?</kbd> on any page to see them all. Turn them off if they get in the way of speech input or
            other keys you use.
          </p>
          {shortcutsError ? <p className="field-error" id="f-keyboardShortcuts-error">{shortcutsError.join(" ")}</p> : null}
        </div>
      ) : null}
      <SubmitButton pendingText="Saving…">{button}</SubmitButton>
    </form>
  );
}
