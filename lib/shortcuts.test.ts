import { describe, expect, it } from "vitest";
import { isTyping, rowAfter, SHORTCUTS, shortcutFor, shortcutsFor, type Focused, type KeyPress, type Person } from "./shortcuts";

const press = (key: string, more: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  shiftKey: key === "?",
  repeat: false,
  isComposing: false,
  defaultPrevented: false,
  ...more,
});
const body: Focused = { tag: "BODY" };
const agent: Person = { staff: true, mayCreate: true };
const requester: Person = { staff: false, mayCreate: true };
const on = (focused: Focused | null = body, dialogOpen = false) => ({ focused, dialogOpen });

describe("shortcutFor", () => {
  it("maps each key to its action on a page where nothing is being typed", () => {
    expect(shortcutFor(press("j"), on(), agent)).toBe("next");
    expect(shortcutFor(press("k"), on(), agent)).toBe("previous");
    expect(shortcutFor(press("/"), on(), agent)).toBe("search");
    expect(shortcutFor(press("c"), on(), agent)).toBe("new-ticket");
    expect(shortcutFor(press("a"), on(), agent)).toBe("assign-to-me");
    expect(shortcutFor(press("?", { shiftKey: true }), on(), agent)).toBe("help");
  });

  it("works from a focused link, button, checkbox or the page itself (none of them takes letters)", () => {
    for (const focused of [null, body, { tag: "A" }, { tag: "BUTTON" }, { tag: "INPUT", type: "checkbox" }, { tag: "input", type: "Submit" }, { tag: "SUMMARY" }]) {
      expect(shortcutFor(press("j"), on(focused), agent), JSON.stringify(focused)).toBe("next");
    }
  });

  it("never acts while the person types: text fields, selects, editable regions, widgets that read letters", () => {
    const typing: Focused[] = [
      { tag: "INPUT" },
      { tag: "INPUT", type: "search" },
      { tag: "INPUT", type: "email" },
      { tag: "INPUT", type: "password" },
      { tag: "INPUT", type: "number" },
      { tag: "INPUT", type: "date" },
      { tag: "INPUT", type: "something-new" },
      { tag: "TEXTAREA" },
      { tag: "SELECT" },
      { tag: "DIV", editable: true },
      { tag: "P", editable: true },
      { tag: "DIV", role: "combobox" },
      { tag: "UL", role: "listbox" },
      { tag: "DIV", role: "textbox" },
      { tag: "DIV", role: "menu" },
      { tag: "DIV", role: "grid" },
      { tag: "DIV", role: " Slider " },
    ];
    for (const focused of typing) {
      for (const key of ["j", "k", "/", "c", "a", "?"]) {
        expect(shortcutFor(press(key), on(focused), agent), `${key} in ${JSON.stringify(focused)}`).toBeNull();
      }
    }
  });

  it("leaves every key to an open dialog, its own included", () => {
    for (const key of ["j", "k", "/", "c", "a", "?"]) expect(shortcutFor(press(key), on(body, true), agent)).toBeNull();
  });

  it("never takes a chord: Ctrl, Alt or Meta with any key belongs to the browser, the system or a screen reader", () => {
    for (const key of ["j", "k", "/", "c", "a", "?"]) {
      for (const mod of [{ ctrlKey: true }, { altKey: true }, { metaKey: true }, { ctrlKey: true, altKey: true }, { ctrlKey: true, shiftKey: true }]) {
        expect(shortcutFor(press(key, mod), on(), agent), `${key} with ${JSON.stringify(mod)}`).toBeNull();
      }
    }
  });

  it("takes letters only without Shift, and / and ? as any layout types them (Shift, or AltGr that Windows reports as Ctrl+Alt)", () => {
    expect(shortcutFor(press("J", { shiftKey: true }), on(), agent)).toBeNull();
    expect(shortcutFor(press("j", { shiftKey: true }), on(), agent)).toBeNull(); // Caps Lock and Shift
    expect(shortcutFor(press("J"), on(), agent)).toBeNull(); // Caps Lock
    expect(shortcutFor(press("/", { shiftKey: true }), on(), agent)).toBe("search"); // German: Shift+7
    expect(shortcutFor(press("?", { shiftKey: false }), on(), agent)).toBe("help");
    expect(shortcutFor(press("?", { ctrlKey: true, altKey: true, altGraph: true }), on(), agent)).toBe("help");
    expect(shortcutFor(press("j", { ctrlKey: true, altKey: true, altGraph: true }), on(), agent)).toBeNull();
    expect(shortcutFor(press("/", { metaKey: true, altGraph: true }), on(), agent)).toBeNull();
  });

  it("ignores a held key, a composition in progress and a press the page already handled", () => {
    expect(shortcutFor(press("j", { repeat: true }), on(), agent)).toBeNull();
    expect(shortcutFor(press("j", { isComposing: true }), on(), agent)).toBeNull();
    expect(shortcutFor(press("Process", { isComposing: true }), on(), agent)).toBeNull();
    expect(shortcutFor(press("/", { defaultPrevented: true }), on(), agent)).toBeNull();
  });

  it("ignores every other key, and the keys the browser handles itself", () => {
    for (const key of ["Enter", "Escape", " ", "Tab", "x", "n", "g", "1", "ArrowDown", "F6", "Unidentified", "", "jj"]) {
      expect(shortcutFor(press(key), on(), agent), key).toBeNull();
    }
  });

  it("gives 'a' (assign to me) to staff only, and 'c' only to people who may create tickets", () => {
    expect(shortcutFor(press("a"), on(), requester)).toBeNull();
    expect(shortcutFor(press("c"), on(), requester)).toBe("new-ticket");
    expect(shortcutFor(press("c"), on(), { staff: false, mayCreate: false })).toBeNull();
    expect(shortcutFor(press("j"), on(), requester)).toBe("next");
    expect(shortcutFor(press("/"), on(), requester)).toBe("search");
  });
});

describe("isTyping", () => {
  it("reads an input's type and an element's role case-insensitively, the first role token deciding", () => {
    expect(isTyping({ tag: "input", type: "CHECKBOX" })).toBe(false);
    expect(isTyping({ tag: "input", type: " radio " })).toBe(false);
    expect(isTyping({ tag: "input", type: "TEXT" })).toBe(true);
    expect(isTyping({ tag: "div", role: "COMBOBOX" })).toBe(true);
    expect(isTyping({ tag: "div", role: "button combobox" })).toBe(false);
    expect(isTyping({ tag: "div", role: "" })).toBe(false);
    expect(isTyping({ tag: "button", role: null })).toBe(false);
  });
});

describe("shortcutsFor (what the dialog lists)", () => {
  it("lists every shortcut for staff, and no 'a' for requesters", () => {
    expect(shortcutsFor(agent).map((s) => s.key)).toEqual(["j", "k", "Enter", "/", "c", "a", "?", "Escape"]);
    expect(shortcutsFor(requester).map((s) => s.key)).toEqual(["j", "k", "Enter", "/", "c", "?", "Escape"]);
  });

  it("describes each key, and each key is listed once", () => {
    expect(new Set(SHORTCUTS.map((s) => s.key)).size).toBe(SHORTCUTS.length);
    for (const s of SHORTCUTS) expect(s.does.length, s.key).toBeGreaterThan(5);
  });
});

describe("rowAfter", () => {
  it("starts at the first row when none has focus, from either key", () => {
    expect(rowAfter(-1, 5, "next")).toBe(0);
    expect(rowAfter(-1, 5, "previous")).toBe(0);
  });

  it("moves one row at a time from the row in focus", () => {
    expect(rowAfter(0, 5, "next")).toBe(1);
    expect(rowAfter(3, 5, "next")).toBe(4);
    expect(rowAfter(3, 5, "previous")).toBe(2);
  });

  it("stops at the ends rather than wrapping", () => {
    expect(rowAfter(4, 5, "next")).toBeNull();
    expect(rowAfter(0, 5, "previous")).toBeNull();
    expect(rowAfter(0, 1, "next")).toBeNull();
  });

  it("does nothing without rows, and starts over when the row in focus is gone", () => {
    expect(rowAfter(-1, 0, "next")).toBeNull();
    expect(rowAfter(7, 3, "next")).toBe(0);
  });
});
