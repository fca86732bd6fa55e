"use client";

import { useState, useSyncExternalStore, useTransition, type KeyboardEvent, type MouseEvent } from "react";
import Link from "next/link";
import type { InsertState } from "../../saved-replies/actions";
import { INSERT_REPLY } from "@/lib/replies/schema";
import type { ReplyChoice } from "@/lib/replies/replies";
import styles from "./reply-picker.module.css";

/** Past this many replies, a search box narrows the picker by name (with JavaScript). */
export const SEARCH_FROM = 10;

export type InsertAction = (prev: InsertState, form: FormData) => Promise<InsertState>;
export const initialInsert: InsertState = { fieldErrors: {}, values: {} };

const noSubscribe = () => () => {};
/** True once the page runs JavaScript (false in the server's HTML and without it). */
const useScripted = () => useSyncExternalStore(noSubscribe, () => true, () => false);

/**
 * Puts `text` into the comment box where the cursor is (or after what was typed, if the box was
 * never entered), set apart from the text around it by a blank line, and leaves the cursor after
 * it. What was typed is kept; the box is uncontrolled, so this is the box's own value.
 */
function insertAtCursor(area: HTMLTextAreaElement, text: string, atCursor: boolean) {
  const start = atCursor ? area.selectionStart : area.value.length;
  const end = atCursor ? area.selectionEnd : area.value.length;
  const before = area.value.slice(0, start);
  const after = area.value.slice(end);
  const gap = (s: string) => (s === "" || s.endsWith("\n\n") ? "" : s.endsWith("\n") ? "\n" : "\n\n");
  const lead = gap(before);
  const trail = after === "" || after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
  area.setRangeText(lead + text + trail, start, end, "end");
  const caret = start + lead.length + text.length;
  area.focus();
  area.setSelectionRange(caret, caret);
  area.dispatchEvent(new Event("input", { bubbles: true }));
}

/**
 * "Saved reply" and "Insert reply", inside the comment form (staff only). Without JavaScript the
 * button posts the whole comment form with intent insert-reply (commentFormAction), which answers
 * with the form as it was plus the filled reply; with JavaScript it asks `insert` for the filled text alone
 * and puts it at the cursor, without a reload. Both fill on the server, for this ticket, as the
 * person inserting sees it.
 */
export function ReplyPicker({
  choices,
  insert,
  chosen,
  errors,
  typedRef,
}: {
  choices: ReplyChoice[];
  /** insertSavedReplyAction bound to the ticket, called directly with JavaScript. */
  insert: InsertAction;
  /** The reply chosen before a round trip. */
  chosen?: string;
  errors?: string[];
  /** Whether the person has been in the comment box (then the reply goes at its cursor). */
  typedRef: { current: boolean };
}) {
  const scripted = useScripted();
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState(chosen && choices.some((c) => String(c.id) === chosen) ? chosen : "");
  const [result, setResult] = useState<InsertState | null>(null);
  const [pending, startTransition] = useTransition();
  const searchable = scripted && choices.length > SEARCH_FROM;
  const q = query.trim().toLowerCase();
  const shown = searchable && q ? choices.filter((c) => c.name.toLowerCase().includes(q)) : choices;
  const problems = result ? result.fieldErrors.reply : errors;

  function narrow(value: string) {
    setQuery(value);
    const v = value.trim().toLowerCase();
    const matches = v ? choices.filter((c) => c.name.toLowerCase().includes(v)) : choices;
    if (!matches.some((c) => String(c.id) === selected)) setSelected(matches[0] ? String(matches[0].id) : "");
  }

  function run(form: HTMLFormElement | null) {
    if (!form) return;
    const area = form.elements.namedItem("body");
    if (!(area instanceof HTMLTextAreaElement)) return;
    const data = new FormData();
    data.set("reply", selected);
    data.set("body", area.value);
    const internal = form.elements.namedItem("internal");
    if (internal instanceof HTMLInputElement && internal.checked) data.set("internal", "on");
    startTransition(async () => {
      const answer = await insert(initialInsert, data);
      setResult(answer);
      if (answer.ok && answer.inserted !== undefined) insertAtCursor(area, answer.inserted, typedRef.current);
    });
  }

  function onInsert(e: MouseEvent<HTMLButtonElement>) {
    // With JavaScript: in place, at the cursor. (Without it the button posts the form.)
    e.preventDefault();
    if (pending) return;
    run(e.currentTarget.form);
  }

  function onSearchKey(e: KeyboardEvent<HTMLInputElement>) {
    // Enter inserts the reply chosen, rather than adding the comment.
    if (e.key !== "Enter") return;
    e.preventDefault();
    if (selected && !pending) run(e.currentTarget.form);
  }

  const status = result?.ok ? result.message : null;
  const describedBy = [problems?.length ? "reply-pick-error" : null, "reply-pick-hint"].filter(Boolean).join(" ");
  return (
    <div className={styles.picker}>
      <div className={styles.row}>
        {searchable ? (
          <div className={`field ${styles.search}`}>
            <label htmlFor="reply-search">Find a saved reply</label>
            <input id="reply-search" type="search" value={query} autoComplete="off" aria-controls="reply-pick"
              aria-describedby="reply-search-hint" onChange={(e) => narrow(e.currentTarget.value)} onKeyDown={onSearchKey} />
          </div>
        ) : null}
        <div className={`field ${styles.choose}`}>
          <label htmlFor="reply-pick">Saved reply</label>
          <select id="reply-pick" name="reply" value={selected} onChange={(e) => setSelected(e.currentTarget.value)}
            aria-invalid={problems?.length ? true : undefined} aria-describedby={describedBy}>
            <option value="">{choices.length === 0 ? "No saved replies yet" : shown.length === 0 ? "No reply matches" : "Choose a reply…"}</option>
            {shown.map((c) => (
              <option key={c.id} value={String(c.id)}>{c.name}</option>
            ))}
          </select>
        </div>
        <button type="submit" name="intent" value={INSERT_REPLY} className="button secondary" onClick={onInsert}
          aria-disabled={pending || undefined} disabled={choices.length === 0}>
          {pending ? "Inserting…" : "Insert reply"}
        </button>
      </div>
      <p className="hint" id="reply-pick-hint">
        {choices.length === 0 ? (
          <>Staff share saved replies on the <Link href="/saved-replies" prefetch={false}>Saved replies</Link> page.</>
        ) : scripted ? (
          <>The reply goes in at the cursor, filled in for this ticket.</>
        ) : (
          <>The reply is added after what you typed, filled in for this ticket. Attachments chosen before inserting must be chosen again.</>
        )}
        {searchable ? <span id="reply-search-hint"> Type to narrow the list; Enter inserts the reply chosen.</span> : null}
      </p>
      {problems?.length ? <p className="field-error" id="reply-pick-error">{problems.join(" ")}</p> : null}
      <p className={`inline-status ${styles.status}`} role="status">{status}</p>
    </div>
  );
}
