/**
 * HTML mail reduced to readable plain text, for mails that come without a text part (or with a
 * useless one) and to feed stripQuoted. Triage stores and shows comments as plain text, so the
 * HTML is never rendered: htmlparser2's tokenizer reads it (tags, attributes, entities, comments,
 * raw text of <script> and <style>) and a line builder writes the text; nothing runs, nothing is
 * fetched. Scripts, styles, the head and comments are dropped whole.
 *
 * With { dropQuotes: true } the quoted history that clients mark in their HTML is cut before it
 * becomes text, which is more reliable than finding it in the text afterwards:
 * - Gmail's <div class="gmail_quote">, Thunderbird's <div class="moz-cite-prefix"> and Yahoo's
 *   <div class="yahoo_quoted"> and <blockquote type="cite"> (Apple Mail, Thunderbird) are removed
 *   as elements, so inline answers between two quotes survive;
 * - Outlook's <div id="appendonsend"> and <div id="divRplyFwdMsg"> start the history, which runs
 *   to the end of the document as siblings, so everything from them on is cut.
 *
 * Without dropQuotes a blockquote's lines are prefixed with "> ", as a text client would quote.
 * Images are dropped (their alt text is mostly logos and tracking pixels in mail).
 */
import { Tokenizer, type TokenizerCallbacks } from "htmlparser2";

export type HtmlToTextOptions = { dropQuotes?: boolean };

// The tokenizer alone, not htmlparser2's Parser: the Parser keeps its stack of open elements with
// Array.unshift, which costs quadratic time on hostile nesting (100,000 unclosed <div>s). Like the
// tokenizer, the conversion keeps no tree and no stack of elements: every tag costs the same,
// whatever is open. Like a browser, a tag still open at the end of the input ends the text there.
const DROPPED = new Set(["script", "style", "head", "title", "noscript", "template", "svg", "object"]);
/** Beyond this much HTML the rest is dropped: a comment holds 20,000 characters anyway. */
const MAX_HTML = 1_000_000;
const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
const PARAGRAPH = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "hr", "blockquote", "ul", "ol", "dl", "figure"]);
const BLOCK = new Set([
  "address", "article", "aside", "center", "dd", "details", "dialog", "div", "dt", "fieldset",
  "figcaption", "footer", "form", "header", "li", "main", "nav", "section", "summary", "tbody",
  "thead", "tfoot", "tr", "caption",
]);
/** The only attributes read; the others are not even copied out of the input. */
const ATTRIBUTES = new Set(["id", "class", "type", "href"]);
type Attrs = ReadonlyMap<string, string>;
const NO_ATTRS: Attrs = new Map();

export function htmlToText(html: string, options: HtmlToTextOptions = {}): string {
  const source = html.slice(0, MAX_HTML);
  const out = new TextBuilder();
  const links: { href: string | null; start: number }[] = [];
  let listDepth = 0;
  // An element dropped with its content (a script, a quote): its name and how deep it is nested.
  let skip: { name: string; depth: number } | null = null;
  let stopped = false;

  function tag(name: string, closing: boolean, attrs: Attrs, selfClosing: boolean): void {
    if (skip) {
      if (name === skip.name && !selfClosing) skip.depth += closing ? -1 : 1;
      if (skip.depth === 0 || (skip.name === "head" && name === "body")) skip = null;
      return;
    }
    if (!closing && !selfClosing && DROPPED.has(name)) {
      skip = { name, depth: 1 };
      return;
    }
    if (options.dropQuotes && !closing) {
      const quote = quoteMarker(name, attrs);
      if (quote === "rest") return stop();
      if (quote === "element") {
        if (!selfClosing) skip = { name, depth: 1 };
        return;
      }
    }

    if (name === "br") out.lineBreak();
    else if (name === "pre") out.pre(!closing);
    else if (name === "blockquote") out.quote(!closing);
    else if (name === "ul" || name === "ol") {
      // A nested list continues its item; only the outermost one is a paragraph.
      listDepth = Math.max(0, listDepth + (closing ? -1 : 1));
      if (listDepth > (closing ? 0 : 1)) return out.block();
    } else if (name === "li" && !closing) {
      out.block();
      return out.marker(`${"  ".repeat(Math.max(0, listDepth - 1))}- `);
    } else if (name === "td" || name === "th") out.text(" ");
    else if (name === "a") {
      if (!closing) links.push({ href: attrs.get("href") ?? null, start: out.length });
      else {
        const link = links.pop();
        if (link) out.text(linkSuffix(link.href, out.since(link.start)));
      }
    }

    if (PARAGRAPH.has(name)) out.paragraph();
    else if (BLOCK.has(name)) out.block();
    if (out.full) stop();
  }
  function text(s: string): void {
    if (skip || stopped) return;
    out.text(s);
    if (out.full) stop();
  }
  function stop(): void {
    stopped = true;
    tokenizer.pause();
  }

  // What the tokenizer reports is turned into calls of tag() and text().
  const slice = (start: number, end: number) => source.slice(start, end);
  let name = "";
  let attrs = new Map<string, string>();
  let attr = "";
  let value = "";
  const ignore = () => {};
  const callbacks: TokenizerCallbacks = {
    onopentagname(start, end) {
      name = slice(start, end).toLowerCase();
      attrs = new Map();
    },
    onattribname(start, end) {
      attr = slice(start, end).toLowerCase();
      value = "";
    },
    onattribdata(start, end) {
      if (ATTRIBUTES.has(attr)) value += slice(start, end);
    },
    onattribentity(codepoint) {
      if (ATTRIBUTES.has(attr)) value += String.fromCodePoint(codepoint);
    },
    onattribend() {
      if (ATTRIBUTES.has(attr) && !attrs.has(attr)) attrs.set(attr, value);
    },
    onopentagend: () => tag(name, false, attrs, VOID.has(name)),
    // "<div/>" counts as closed; "<script/>" does not, as in a browser (only <svg/> of those).
    onselfclosingtag: () => tag(name, false, attrs, !DROPPED.has(name) || name === "svg"),
    onclosetag: (start, end) => tag(slice(start, end).toLowerCase(), true, NO_ATTRS, false),
    ontext: (start, end) => text(slice(start, end)),
    ontextentity: (codepoint) => text(String.fromCodePoint(codepoint)),
    oncomment: ignore,
    oncdata: ignore,
    ondeclaration: ignore,
    onprocessinginstruction: ignore,
    onend: ignore,
  };
  const tokenizer = new Tokenizer({ decodeEntities: true }, callbacks);
  tokenizer.write(source);
  if (!stopped) tokenizer.end();
  return out.toString();
}

/**
 * Builds text line by line: block breaks, hard breaks, quote prefixes and collapsed spaces.
 * Every step costs time in proportion to what it adds, never to what is already written: the
 * last two characters are kept aside (endsWith on a long string is a copy), quote prefixes stop
 * at 8 levels, a link's text is looked at up to 4,096 characters, and nothing is written past
 * MAX_TEXT characters (a comment keeps 20,000).
 */
const MAX_TEXT = 300_000;

class TextBuilder {
  private buffer = "";
  private tail = "";
  private quoteDepth = 0;
  private preDepth = 0;
  private atLineStart = true;

  get length(): number {
    return this.buffer.length;
  }
  get full(): boolean {
    return this.buffer.length >= MAX_TEXT;
  }
  since(start: number): string {
    return this.buffer.slice(start, start + 4096);
  }
  text(raw: string): void {
    if (this.preDepth > 0) {
      raw.replace(/\r\n?/g, "\n").split("\n").forEach((part, n) => {
        if (n > 0) this.lineBreak();
        if (part) this.write(part);
      });
      return;
    }
    let s = raw.replace(/[\s\u00a0]+/g, " ");
    if (this.atLineStart || this.tail.endsWith(" ")) s = s.trimStart();
    if (s) this.write(s);
  }
  marker(s: string): void {
    this.write(s);
  }
  lineBreak(): void {
    if (this.full) return;
    this.append("\n");
    this.atLineStart = true;
  }
  block(): void {
    if (!this.atLineStart) this.lineBreak();
  }
  paragraph(): void {
    this.block();
    if (this.buffer !== "" && this.tail !== "\n\n") this.lineBreak();
  }
  pre(open: boolean): void {
    this.preDepth = Math.max(0, this.preDepth + (open ? 1 : -1));
  }
  quote(open: boolean): void {
    this.block();
    this.quoteDepth = Math.max(0, this.quoteDepth + (open ? 1 : -1));
  }
  toString(): string {
    const lines = this.buffer.split("\n").map((line) => line.trimEnd());
    const kept: string[] = [];
    for (const line of lines) {
      const blank = line === "" || /^(?:>\s*)+$/.test(line);
      if (blank && (kept.length === 0 || kept[kept.length - 1] === "")) continue;
      kept.push(blank ? "" : line);
    }
    while (kept.length > 0 && kept[kept.length - 1] === "") kept.pop();
    return kept.join("\n");
  }
  private write(s: string): void {
    if (this.full) return;
    const prefix = this.atLineStart ? "> ".repeat(Math.min(this.quoteDepth, 8)) : "";
    this.atLineStart = false;
    this.append((prefix + s).slice(0, MAX_TEXT - this.buffer.length));
  }
  private append(s: string): void {
    if (s === "") return;
    this.buffer += s;
    this.tail = (this.tail + s).slice(-2);
  }
}

/** Whether a start tag begins quoted history: as one element, or as everything after it. */
function quoteMarker(name: string, attrs: Attrs): "element" | "rest" | null {
  const id = attrs.get("id")?.toLowerCase();
  if (id === "appendonsend" || id === "divrplyfwdmsg") return "rest";
  if (name === "blockquote" && attrs.get("type")?.toLowerCase() === "cite") return "element";
  const classes = (attrs.get("class") ?? "").toLowerCase().split(/\s+/);
  if (name === "div" && classes.some((c) => ["gmail_quote", "gmail_quote_container", "moz-cite-prefix", "yahoo_quoted"].includes(c))) {
    return "element";
  }
  return null;
}

/** " (url)" after a link's text, unless the text already says it; only web and mail links. */
function linkSuffix(href: string | null, text: string): string {
  if (!href) return "";
  const url = href.trim();
  if (!/^(?:https?:|mailto:)/i.test(url)) return "";
  const shown = text.trim();
  const bare = (s: string) => s.replace(/^mailto:/i, "").replace(/^https?:\/\//i, "").replace(/\/$/, "").toLowerCase();
  if (shown === "") return ""; // an image link: a logo or a tracker
  if (bare(shown) === bare(url)) return "";
  return ` (${/^mailto:/i.test(url) ? url.slice(7) : url})`;
}
