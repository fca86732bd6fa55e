"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { rowAfter, shortcutFor, shortcutsFor, type Focused, type Person } from "@/lib/shortcuts";
import styles from "./Shortcuts.module.css";

/**
 * The keyboard shortcuts (lib/shortcuts.ts decides which key is which, and when a key is one at
 * all). Mounted by the signed-in layout only for people whose "Keyboard shortcuts" setting is on:
 * for everyone else there is no listener at all. Pages mark what the keys act on, and nothing
 * else is coupled to them:
 * - `data-shortcut="ticket-list"` on the list's table: j and k move focus along its rows' title
 *   links, so Enter opens the ticket as any link does;
 * - `data-shortcut="search"` on the list's Search box, for "/";
 * - `data-shortcut="assign-to-me"` on a ticket's "Assign to me" button, which "a" presses.
 * Without JavaScript none of this exists, and nothing depends on it.
 */

const ROWS = '[data-shortcut="ticket-list"] > tbody > tr';
const SEARCH = '[data-shortcut="search"]';
const ASSIGN = '[data-shortcut="assign-to-me"]';

function describe(el: Element | null): Focused | null {
  if (!(el instanceof HTMLElement)) return null;
  return { tag: el.tagName, type: el.getAttribute("type"), role: el.getAttribute("role"), editable: el.isContentEditable };
}

/** Any open dialog (ours too) on screen: its keys are its own. */
const dialogOpen = () =>
  [...document.querySelectorAll("dialog[open], [role='dialog'][aria-modal='true'], [role='alertdialog']")].some((d) => d.getClientRects().length > 0);

/** The link that opens a row's ticket: its title. */
const rowLink = (row: Element) => row.querySelector<HTMLElement>(".col-title a[href]") ?? row.querySelector<HTMLElement>("a[href]");

/** j and k: the next or previous row's link gets focus, shown by the focus ring and the row's highlight. */
function moveAlongList(action: "next" | "previous"): boolean {
  const rows = [...document.querySelectorAll(ROWS)].filter((r) => rowLink(r) !== null);
  const active = document.activeElement;
  const current = active ? rows.findIndex((r) => r.contains(active)) : -1;
  const to = rowAfter(current, rows.length, action);
  if (to === null) return current >= 0; // at an end: the key is still ours, nothing moves
  const link = rowLink(rows[to])!;
  link.focus({ preventScroll: true });
  rows[to].scrollIntoView({ block: "nearest" });
  return true;
}

function focusSearch(): boolean {
  const box = document.querySelector<HTMLInputElement>(SEARCH);
  if (!box) return false;
  box.focus();
  box.select();
  return true;
}

/** Whether React has hydrated: the hint is shown only where the keys work, never without JavaScript. */
const useHydrated = () => useSyncExternalStore(noSubscription, () => true, () => false);
const noSubscription = () => () => {};

export function Shortcuts({ staff, mayCreate }: Person) {
  const router = useRouter();
  const pathname = usePathname();
  const [helpOpen, setHelpOpen] = useState(false);
  /** Where focus was when the dialog opened: it goes back there on close. */
  const returnTo = useRef<HTMLElement | null>(null);
  /** "/" on a page without Search goes to the list: its box is focused once it is there. */
  const searchPending = useRef(false);
  const ready = useHydrated();

  useEffect(() => {
    if (searchPending.current && focusSearch()) searchPending.current = false;
  }, [pathname]);

  useEffect(() => {
    const person = { staff, mayCreate };
    const onKey = (e: KeyboardEvent) => {
      const action = shortcutFor(
        {
          key: e.key,
          ctrlKey: e.ctrlKey,
          altKey: e.altKey,
          metaKey: e.metaKey,
          shiftKey: e.shiftKey,
          repeat: e.repeat,
          isComposing: e.isComposing,
          defaultPrevented: e.defaultPrevented,
          altGraph: e.getModifierState?.("AltGraph") ?? false,
        },
        { focused: describe(e.target instanceof Element ? e.target : document.activeElement), dialogOpen: dialogOpen() },
        person,
      );
      let handled = false;
      switch (action) {
        case "next":
        case "previous":
          handled = moveAlongList(action);
          break;
        case "search":
          handled = focusSearch();
          if (!handled) {
            searchPending.current = true;
            router.push("/tickets");
            handled = true;
          }
          break;
        case "new-ticket":
          if (window.location.pathname !== "/tickets/new") router.push("/tickets/new");
          handled = true;
          break;
        case "assign-to-me": {
          const button = document.querySelector<HTMLButtonElement>(ASSIGN);
          if (button && !button.disabled) {
            button.click();
            handled = true;
          }
          break;
        }
        case "help":
          returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
          setHelpOpen(true);
          handled = true;
          break;
      }
      // Only a key that did something is kept from the page ("/" is then not typed into Search).
      if (handled) e.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [router, staff, mayCreate]);

  const closeHelp = () => {
    setHelpOpen(false);
    const back = returnTo.current;
    returnTo.current = null;
    if (back?.isConnected) back.focus();
  };

  return (
    <>
      {ready ? (
        <footer className={styles.footer}>
          <button
            type="button"
            className={styles.open}
            aria-haspopup="dialog"
            onClick={(e) => {
              returnTo.current = e.currentTarget;
              setHelpOpen(true);
            }}
          >
            Shortcuts
          </button>{" "}
          <span className="hint">
            (press <kbd>?</kbd>)
          </span>
        </footer>
      ) : null}
      {helpOpen ? <ShortcutsDialog person={{ staff, mayCreate }} onClose={closeHelp} /> : null}
    </>
  );
}

/**
 * The list of shortcuts, in a native modal <dialog>: it keeps focus inside, Escape closes it, and
 * it is in the page only while open (so "Keyboard shortcuts" names nothing else on the page).
 */
function ShortcutsDialog({ person, onClose }: { person: Person; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const close = () => ref.current?.close();
  return (
    <dialog
      ref={ref}
      className={styles.dialog}
      aria-labelledby="shortcuts-title"
      onClose={onClose}
      // A click on the backdrop (the dialog element itself, outside its content) closes it too.
      onClick={(e) => {
        if (e.target === e.currentTarget) close();
      }}
    >
      <div className={styles.body}>
        <div className={styles.head}>
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <button type="button" className="button secondary" onClick={close}>
            Close
          </button>
        </div>
        <dl className={styles.keys}>
          {shortcutsFor(person).map((s) => (
            <div key={s.key}>
              <dt>
                <kbd>{s.key}</kbd>
              </dt>
              <dd>{s.does}</dd>
            </div>
          ))}
        </dl>
        <p className="hint">
          They work whenever you are not typing in a field. With a screen reader, switch to focus mode first. You can
          turn them off in{" "}
          <Link href="/settings" prefetch={false} onClick={close}>
            Settings
          </Link>
          .
        </p>
      </div>
    </dialog>
  );
}
