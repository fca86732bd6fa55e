import { z } from "zod";

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

export const initialFormState: FormState = { fieldErrors: {}, values: {} };

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

export type Parsed<T, F extends string> =
  | { ok: true; data: T }
  | { ok: false; state: FormState<F> };

/** Parses a form with a zod object schema; on failure returns every field's errors. */
export function parseForm<S extends z.ZodObject, F extends string & keyof z.input<S>>(
  schema: S,
  form: FormData,
  fields: readonly F[],
): Parsed<z.output<S>, F> {
  const values = formValues(form, fields);
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const flat = z.flattenError(result.error).fieldErrors as Partial<Record<F, string[]>>;
  return {
    ok: false,
    state: { fieldErrors: flat, values, message: "Please correct the highlighted fields." },
  };
}
