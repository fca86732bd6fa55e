/**
 * What a server action hands back to its form: every field's problems, one message for the form
 * as a whole, and the values that were typed (React 19 resets uncontrolled fields after an
 * action, so the form re-renders them as defaultValue).
 */
export type FormState<F extends string = string> = {
  ok?: boolean;
  fieldErrors: Partial<Record<F, string[]>>;
  message?: string;
  values: Partial<Record<F, string>>;
};

/** The words every form uses for the same situations. */
export const FORM_INVALID = "Please correct the highlighted fields.";
export const FORM_UNREADABLE = "That form could not be read. Reload the page and try again.";

/**
 * A form action for useActionState, with its ids already bound. Bind in the server component and
 * pass it down: an action bound in a client component is a new function on every render, and
 * with JavaScript off React then never finishes rendering the form's response (the post hangs).
 */
export type BoundFormAction<F extends string> = (prev: FormState<F>, form: FormData) => Promise<FormState<F>>;

/** The string values of a form, for keeping what was typed. Files and unknown keys are dropped. */
export function formValues<F extends string>(form: FormData, fields: readonly F[]) {
  const values: Partial<Record<F, string>> = {};
  for (const f of fields) {
    const v = form.get(f);
    if (typeof v === "string") values[f] = v;
  }
  return values;
}
