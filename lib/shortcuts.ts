/**
 * Triage's keyboard shortcuts: which keys there are, and whether a key press is one of them. Pure
 * (no DOM, no React): app/_components/Shortcuts.tsx describes each key press and the element in
 * focus in these terms, and acts on the answer. The one list of shortcuts, for the listener and
 * for the dialog "Keyboard shortcuts" alike.
 *
 * Zammad's shortcuts are Ctrl+Alt and Ctrl+Shift chords that browsers, desktops and screen readers
 * use too, and its users gave up on them (zammad#4870, zammad#2794). These are the other way
 * round, as WCAG 2.2 (2.1.4 Character Key Shortcuts) asks of single-key shortcuts:
 * - One character with no Ctrl, Alt or Meta: never a chord a browser, a desktop or a screen reader
 *   owns. Letters only without Shift; "/" and "?" with or without it (and with AltGr), as a
 *   keyboard layout needs to type them.
 * - Never while typing: not in a text field, a select, an editable region, or a widget that reads
 *   letters itself (a combobox, a listbox, a menu...). Not while a dialog is open, not for a held
 *   key (repeat), not in the middle of a composition (IME), and not for a press that something
 *   else on the page has already handled.
 * - Each person can turn them off at /settings; then the page has no listener at all. That also
 *   gives "/" back to Firefox's Quick Find (Ctrl+F and "'" keep it either way).
 * Screen readers in browse mode take single letters for themselves (next heading, next link...)
 * and the page never sees them: the shortcuts reach the page in focus mode, or with the screen
 * reader's pass-through key, which is as it should be.
 */

export type ShortcutAction = "next" | "previous" | "search" | "new-ticket" | "assign-to-me" | "help";

export type Shortcut = {
  /** The key as KeyboardEvent.key names it, and as the dialog shows it. */
  key: string;
  /** What the listener does; null for a key the browser handles itself (listed for completeness). */
  action: ShortcutAction | null;
  /** What it does, as the dialog says it. */
  does: string;
  /** Who has it: everyone, people who may create tickets, or staff. */
  for?: "creators" | "staff";
};

export const SHORTCUTS: readonly Shortcut[] = [
  { key: "j", action: "next", does: "Move to the next ticket in the list" },
  { key: "k", action: "previous", does: "Move to the previous ticket in the list" },
  { key: "Enter", action: null, does: "Open the ticket in focus" },
  { key: "/", action: "search", does: "Search tickets" },
  { key: "c", action: "new-ticket", does: "Create a new ticket", for: "creators" },
  { key: "a", action: "assign-to-me", does: "Assign the ticket you are reading to yourself", for: "staff" },
  { key: "?", action: "help", does: "Show this list of shortcuts" },
  { key: "Escape", action: null, does: "Close this list" },
];

/** Who is at the keyboard, as far as shortcuts care. */
export type Person = { staff: boolean; mayCreate: boolean };

/** The shortcuts this person has, in the order the dialog lists them. */
export function shortcutsFor(person: Person): Shortcut[] {
  return SHORTCUTS.filter((s) => s.for === undefined || (s.for === "staff" ? person.staff : person.mayCreate));
}

/** A key press, as a KeyboardEvent describes it. */
export type KeyPress = {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  repeat: boolean;
  isComposing: boolean;
  defaultPrevented: boolean;
  /** AltGr held (getModifierState("AltGraph")), which Windows also reports as Ctrl+Alt. */
  altGraph?: boolean;
};

/** The element a key press went to, as far as "is the person typing?" goes. */
export type Focused = {
  /** The element's name, lower case ("input", "a", "body"...). */
  tag: string;
  /** An input's type attribute, if any. */
  type?: string | null;
  /** Its role attribute, if any. */
  role?: string | null;
  /** Whether it is editable (isContentEditable, which also covers its editable ancestors). */
  editable?: boolean;
};

/** Inputs that take no typed characters: a letter pressed there means nothing to the input. */
const KEYLESS_INPUTS = new Set(["checkbox", "radio", "submit", "reset", "button", "file", "image", "range", "color"]);

/** Roles of widgets that read letters themselves (type-ahead, text entry) or want every key. */
const TYPING_ROLES = new Set([
  "textbox", "searchbox", "combobox", "listbox", "option", "menu", "menubar", "menuitem", "menuitemcheckbox",
  "menuitemradio", "grid", "treegrid", "tree", "treeitem", "slider", "spinbutton", "application",
]);

/** Whether a key press on this element is the person typing (or working a widget), not a shortcut. */
export function isTyping(focused: Focused): boolean {
  const tag = focused.tag.toLowerCase();
  if (focused.editable) return true;
  if (tag === "textarea" || tag === "select") return true;
  if (tag === "input") return !KEYLESS_INPUTS.has((focused.type ?? "text").trim().toLowerCase());
  const role = (focused.role ?? "").trim().toLowerCase().split(/\s+/)[0];
  return TYPING_ROLES.has(role);
}

/** Keys typed with Shift (or AltGr) on one layout or another: "?" is Shift+/ in the US, "/" is Shift+7 in Germany. */
const SYMBOLS = new Set(["/", "?"]);

/**
 * Which shortcut a key press is, or null: the one decision the listener makes. `dialogOpen`: a
 * modal dialog (ours included) is open, and keys are its own.
 */
export function shortcutFor(press: KeyPress, where: { focused: Focused | null; dialogOpen: boolean }, person: Person): ShortcutAction | null {
  if (press.defaultPrevented || press.repeat || press.isComposing) return null;
  if (where.dialogOpen || (where.focused && isTyping(where.focused))) return null;
  if (press.metaKey) return null;
  const symbol = SYMBOLS.has(press.key);
  // AltGr arrives as Ctrl+Alt on Windows: allowed only for the symbols a layout types with it.
  const chord = press.ctrlKey || press.altKey;
  if (chord && !(symbol && press.altGraph)) return null;
  if (!symbol && press.shiftKey) return null;
  const found = shortcutsFor(person).find((s) => s.key === press.key && s.action !== null);
  return found?.action ?? null;
}

/**
 * The row j or k moves focus to, from the row in focus (`current`, -1 for none), among `count`
 * rows: with none in focus, the first; at either end it stays (null: do nothing), so a held
 * hand never wraps from the last ticket to the first unnoticed.
 */
export function rowAfter(current: number, count: number, action: "next" | "previous"): number | null {
  if (count <= 0) return null;
  if (current < 0 || current >= count) return 0;
  const to = action === "next" ? current + 1 : current - 1;
  return to < 0 || to >= count ? null : to;
}
