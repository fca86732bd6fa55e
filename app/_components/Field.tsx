import type { ReactNode } from "react";

type Common = {
  name: string;
  label: string;
  errors?: string[];
  hint?: ReactNode;
};

const ids = (name: string) => ({ id: `f-${name}`, err: `f-${name}-error`, hint: `f-${name}-hint` });

function describedBy(name: string, errors?: string[], hint?: ReactNode) {
  const i = ids(name);
  return [errors?.length ? i.err : null, hint ? i.hint : null].filter(Boolean).join(" ") || undefined;
}

function Frame({ name, label, errors, hint, children }: Common & { children: ReactNode }) {
  const i = ids(name);
  return (
    <div className="field">
      <label htmlFor={i.id}>{label}</label>
      {hint ? (
        <p className="hint" id={i.hint}>
          {hint}
        </p>
      ) : null}
      {children}
      {errors?.length ? (
        <p className="field-error" id={i.err}>
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

export function TextField(
  props: Common & {
    defaultValue?: string;
    type?: "text" | "email" | "password";
    autoComplete?: string;
    required?: boolean;
    maxLength?: number;
    minLength?: number;
    autoFocus?: boolean;
    inputMode?: "numeric" | "email" | "text";
  },
) {
  const { name, label, errors, hint, ...rest } = props;
  return (
    <Frame name={name} label={label} errors={errors} hint={hint}>
      <input
        id={ids(name).id}
        name={name}
        type={rest.type ?? "text"}
        defaultValue={rest.defaultValue}
        autoComplete={rest.autoComplete}
        required={rest.required}
        maxLength={rest.maxLength}
        minLength={rest.minLength}
        autoFocus={rest.autoFocus}
        inputMode={rest.inputMode}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(name, errors, hint)}
      />
    </Frame>
  );
}

export function TextArea(
  props: Common & { defaultValue?: string; rows?: number; required?: boolean; maxLength?: number },
) {
  const { name, label, errors, hint, ...rest } = props;
  return (
    <Frame name={name} label={label} errors={errors} hint={hint}>
      <textarea
        id={ids(name).id}
        name={name}
        rows={rest.rows ?? 8}
        defaultValue={rest.defaultValue}
        required={rest.required}
        maxLength={rest.maxLength}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(name, errors, hint)}
      />
    </Frame>
  );
}

export function SelectField(
  props: Common & {
    defaultValue?: string;
    options: readonly (string | { value: string; label: string })[];
  },
) {
  const { name, label, errors, hint, options, defaultValue } = props;
  return (
    <Frame name={name} label={label} errors={errors} hint={hint}>
      <select
        id={ids(name).id}
        name={name}
        defaultValue={defaultValue}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(name, errors, hint)}
      >
        {options.map((o) => {
          const { value, label: text } = typeof o === "string" ? { value: o, label: o } : o;
          return (
            <option key={value} value={value}>
              {text}
            </option>
          );
        })}
      </select>
    </Frame>
  );
}
