"use client";

import { useEffect, useRef, useState } from "react";
import { EMAIL_MAX } from "@/lib/limits";

/** What /people/suggest answers: a few people, by name. */
type Suggestion = { email: string; name: string; note?: string };

/** Typing pauses this long before suggestions are asked for: one request per pause, not per key. */
const DEBOUNCE_MS = 200;

type Props = {
  id: string;
  name: string;
  defaultValue: string;
  /** Whose suggestions: anyone (a requester), or people who may be given tickets. */
  suggest: "requester" | "assignee";
  /** Choices offered before anything is typed, and without JavaScript ("Me", "Unassigned"). */
  fixed?: readonly string[];
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string;
};

/**
 * A text field that names a person by email (or name), with suggestions as one types: a
 * <datalist> the browser shows under the field and reads to screen readers as the combobox's
 * options. Without JavaScript it is a plain text field (with the `fixed` choices), and the form
 * carries what was typed; the server finds the person. With JavaScript, a pause in typing asks
 * /people/suggest for at most ten people whose email or name starts with what was typed (an
 * earlier request still on its way is abandoned).
 */
export function PersonInput({ id, name, defaultValue, suggest, fixed = [], placeholder, invalid, describedBy }: Props) {
  const [options, setOptions] = useState<Suggestion[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const pending = useRef<AbortController | null>(null);
  const asked = useRef("");

  useEffect(
    () => () => {
      clearTimeout(timer.current);
      pending.current?.abort();
    },
    [],
  );

  const ask = (typed: string) => {
    const q = typed.trim();
    clearTimeout(timer.current);
    // Choosing an option puts its email in the field: that is no new question.
    if (q === "" || q === asked.current || options.some((o) => o.email === q) || fixed.includes(q)) return;
    timer.current = setTimeout(async () => {
      pending.current?.abort();
      const controller = new AbortController();
      pending.current = controller;
      asked.current = q;
      try {
        const res = await fetch(`/people/suggest?${new URLSearchParams({ q, for: suggest })}`, {
          signal: controller.signal,
          headers: { accept: "application/json" },
        });
        if (!res.ok) return;
        const body = (await res.json()) as { people?: Suggestion[] };
        if (!controller.signal.aborted) setOptions(Array.isArray(body.people) ? body.people : []);
      } catch {
        // Aborted by a newer question, or offline: the field still takes what is typed.
      }
    }, DEBOUNCE_MS);
  };

  const listId = `${id}-suggestions`;
  return (
    <>
      <input
        id={id}
        name={name}
        type="text"
        list={listId}
        defaultValue={defaultValue}
        placeholder={placeholder}
        maxLength={EMAIL_MAX}
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        onInput={(e) => ask(e.currentTarget.value)}
      />
      <datalist id={listId}>
        {fixed.map((v) => (
          <option key={v} value={v} />
        ))}
        {options.map((o) => (
          <option key={o.email} value={o.email}>
            {o.note ? `${o.name} (${o.note})` : o.name}
          </option>
        ))}
      </datalist>
    </>
  );
}
