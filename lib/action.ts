import "server-only";
import { z } from "zod";
import { requireActor } from "./auth/session";
import { env } from "./env";
import { isUploadToken, readUploads, type Upload } from "./files/uploads";
import { uploadProblem } from "./files/upload-rules";
import { formValues, type FormState, FORM_INVALID } from "./forms";
import { type Actor } from "./people/identity";
import { ATTACHMENTS_PER_MESSAGE, isSerialId, isTicketNumber, USER_ID } from "./limits";

/**
 * The one way a server action is written. Everything a client sends to an action is input: the
 * form, and also the arguments bound with `.bind(null, …)`, which Next.js writes into the page and
 * takes back in plain text (a client can replace `12` with `{"gt":0}`, `"abc"` or `1e20`), and the
 * previous form state that `useActionState` posts back without JavaScript. So every action is:
 *
 *   session → parse every bound argument and the form with zod → the command → a FormState
 *
 * and nothing reaches a command that has not been parsed. Arguments that do not parse (or that
 * come in the wrong number, or without a form) get `rejected`: the same answer as a missing
 * record, never a 500 and never a change. The previous state is never read.
 */

/** Bound arguments, one schema each, in order. */
type Bound = readonly z.ZodType[];
type Parsed<B extends Bound> = { -readonly [K in keyof B]: z.output<B[K]> };

type Spec<B extends Bound, S extends z.ZodObject, F extends string, A, R> = {
  /** Schemas for the arguments bound on the server, in order. */
  bound: B;
  /** The form's fields. Values are strings or absent; files are dropped. */
  form: S;
  /**
   * Fields sent many times (a list's checkboxes): read as every value, in order, an array of
   * strings (empty when absent); their schema bounds how many.
   */
  lists?: readonly string[];
  /**
   * The one field that carries files, if any (lib/files/uploads.ts reads them): more than a
   * message may carry is an error on this field, with the others'. The files reach `run` unstored.
   */
  files?: F;
  /** Fields whose typed values go back to the form on a refusal (never a password). */
  echo: readonly F[];
  /** Whether the action is used through useActionState (it then receives the previous state). */
  withState: boolean;
  /** Who may call it: a signed-in person (anyone else goes to sign-in) or anybody. */
  who: A;
  /** The answer to arguments that do not parse: the same as for a missing record. */
  rejected: R;
  /** The form's answer when a field is invalid (defaults to every field's errors). */
  invalid?: (errors: Partial<Record<string, string[]>>, values: Partial<Record<F, string>>) => R;
  run: (ctx: {
    actor: A extends "actor" ? Actor : null;
    args: Parsed<B>;
    data: z.output<S>;
    values: Partial<Record<F, string>>;
    /** The files of `files`, within the per-message limits, not yet stored (none without `files`). */
    uploads: Upload[];
  }) => Promise<R>;
};

/** Marks a function made by defineAction; a test checks that every exported action has it. */
export const ACTION_INFO = Symbol.for("triage.action");

export type WrappedAction<R> = ((...raw: unknown[]) => Promise<R>) & { [ACTION_INFO]: true };

export function defineAction<
  const B extends Bound,
  S extends z.ZodObject,
  F extends string,
  A extends "actor" | "anyone",
  R = FormState<F>,
>(spec: Spec<B, S, F, A, R>): WrappedAction<R> {
  const fields = Object.keys(spec.form.shape);
  const arity = spec.bound.length + (spec.withState ? 1 : 0) + 1;
  const action = async (...raw: unknown[]): Promise<R> => {
    const actor = spec.who === "actor" ? await requireActor() : null;
    const form = raw[raw.length - 1];
    if (raw.length !== arity || !(form instanceof FormData)) return spec.rejected;
    const args: unknown[] = [];
    for (let i = 0; i < spec.bound.length; i++) {
      const parsed = spec.bound[i].safeParse(raw[i]);
      if (!parsed.success) return spec.rejected;
      args.push(parsed.data);
    }
    const input: Record<string, string | string[] | undefined> = {};
    for (const f of fields) {
      if (spec.lists?.includes(f)) {
        const vs = form.getAll(f);
        if (vs.some((v) => typeof v !== "string" || isUploadToken(v))) return spec.rejected;
        input[f] = vs as string[];
        continue;
      }
      const v = form.get(f);
      // No form of ours sends a file in a text field: one there (as Next.js read it, or as the
      // front door's token for it) is not our form.
      if (v !== null && (typeof v !== "string" || isUploadToken(v))) return spec.rejected;
      input[f] = v ?? undefined;
    }
    const uploads = spec.files ? readUploads(form.getAll(spec.files)) : [];
    if (uploads === null) return spec.rejected;
    const tooMuch = uploadProblem(uploads, env().attachmentMaxBytes, ATTACHMENTS_PER_MESSAGE);
    const values = formValues(form, spec.echo);
    const parsed = spec.form.safeParse(input);
    if (!parsed.success || tooMuch) {
      const errors = (parsed.success ? {} : z.flattenError(parsed.error).fieldErrors) as Partial<Record<string, string[]>>;
      if (tooMuch && spec.files) errors[spec.files] = [tooMuch];
      return spec.invalid
        ? spec.invalid(errors, values)
        : ({ fieldErrors: errors, values, message: FORM_INVALID } satisfies FormState as R);
    }
    return spec.run({
      actor: actor as A extends "actor" ? Actor : null,
      args: args as Parsed<B>,
      data: parsed.data,
      values,
      uploads,
    });
  };
  return Object.assign(action, { [ACTION_INFO]: true as const });
}

/** A ticket number bound on the server: the same rule every query and command enforces. */
export const ticketNumberArg = z.custom<number>(isTicketNumber);

/** Another row's number bound on the server (an outbox message's id): positive, and fits its column. */
export const serialIdArg = z.custom<number>(isSerialId);

/** A user id bound on the server: the same rule as the list's Assignee and Requester filters. */
export const userIdArg = z.string().regex(USER_ID);

/**
 * One form whose buttons call different actions, without JavaScript. A second useActionState in a
 * form (a button's formAction) cannot work without JavaScript: React writes each hook's
 * `$ACTION_KEY` into the form, both are sent whatever is pressed, and only the first is read, so the
 * button's answer never reaches its form (and the front door refuses a repeated `$ACTION_` field).
 * So such a form posts to one action that hands the whole post, untouched, to the action its
 * pressed button names (`<button name="intent" value="…">`; no intent: `otherwise`). Each of those
 * is a defineAction and parses everything itself; an intent that names none, or more than one
 * intent, gets `rejected`.
 */
export function byIntent<R>(actions: Record<string, WrappedAction<R>>, otherwise: WrappedAction<R>, rejected: R): WrappedAction<R> {
  const action = async (...raw: unknown[]): Promise<R> => {
    const form = raw[raw.length - 1];
    const intents = form instanceof FormData ? form.getAll("intent") : [];
    if (intents.length === 0) return otherwise(...raw);
    const chosen = intents.length === 1 && typeof intents[0] === "string" && Object.hasOwn(actions, intents[0]) ? actions[intents[0]] : null;
    // Still the session first, as every action: a signed-out post goes to sign in.
    if (!chosen) return (await requireActor(), rejected);
    return chosen(...raw);
  };
  return Object.assign(action, { [ACTION_INFO]: true as const });
}
