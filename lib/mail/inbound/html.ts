/**
 * HTML mail reduced to readable plain text, for mails that come without a text part (or with a
 * useless one) and to feed stripQuoted. Triage stores and shows comments as plain text, so the
 * HTML is never rendered: this is pure string processing, a tokenizer and a line builder, that
 * runs nothing and fetches nothing. Scripts, styles, the head and comments are dropped whole.
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

export type HtmlToTextOptions = { dropQuotes?: boolean };

// Tags are read by a scanner that never looks at a character twice (readTag): hostile HTML
// ("<a \"" repeated with no ">" anywhere) costs linear time. Like a browser, a tag still open at
// the end of the input ends the text there.
const DROPPED = new Set(["script", "style", "head", "title", "noscript", "template", "svg", "object"]);
const NAME = /[a-zA-Z][a-zA-Z0-9:-]{0,100}/y;
/** Beyond this much HTML the rest is dropped: a comment holds 20,000 characters anyway. */
const MAX_HTML = 1_000_000;
const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
const PARAGRAPH = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "hr", "blockquote", "ul", "ol", "dl", "figure"]);
const BLOCK = new Set([
  "address", "article", "aside", "center", "dd", "details", "dialog", "div", "dt", "fieldset",
  "figcaption", "footer", "form", "header", "li", "main", "nav", "section", "summary", "tbody",
  "thead", "tfoot", "tr", "caption",
]);

export function htmlToText(html: string, options: HtmlToTextOptions = {}): string {
  const source = html.slice(0, MAX_HTML).replace(/<!--[\s\S]*?(?:-->|$)/g, "");
  const out = new TextBuilder();
  const links: { href: string | null; start: number }[] = [];
  let listDepth = 0;
  let skip: { name: string; depth: number } | null = null;

  let i = 0;
  while (i < source.length && !out.full) {
    const lt = source.indexOf("<", i);
    const textEnd = lt === -1 ? source.length : lt;
    if (textEnd > i) {
      if (!skip) out.text(decodeEntities(source.slice(i, textEnd)));
      i = textEnd;
      continue;
    }
    if (source[i + 1] === "!" || source[i + 1] === "?") {
      // A declaration or processing instruction: skipped to its ">".
      const end = source.indexOf(">", i);
      if (end === -1) break;
      i = end + 1;
      continue;
    }
    const tag = readTag(source, i);
    if (tag === "eof") break;
    if (tag === null) {
      if (!skip) out.text("<"); // "a < b": a lone "<" is text
      i++;
      continue;
    }
    i = tag.end;
    if (DROPPED.has(tag.name.toLowerCase()) && !tag.closing) {
      // Its content is never text: skip to its end tag, or to the end of the input.
      const endTag = new RegExp(`</${tag.name}\\b`, "gi");
      endTag.lastIndex = i;
      const end = endTag.exec(source)?.index ?? -1;
      if (end === -1) break;
      const close = source.indexOf(">", end);
      if (close === -1) break;
      i = close + 1;
      continue;
    }
    const closing = tag.closing;
    const name = tag.name.toLowerCase();
    const attrs = tag.attrs;
    const selfClosing = VOID.has(name) || attrs.trimEnd().endsWith("/");

    if (skip) {
      if (name === skip.name && !selfClosing) skip.depth += closing ? -1 : 1;
      if (skip.depth === 0) skip = null;
      continue;
    }
    if (options.dropQuotes && !closing) {
      const quote = quoteMarker(name, attrs);
      if (quote === "rest") break;
      if (quote === "element") {
        if (!selfClosing) skip = { name, depth: 1 };
        continue;
      }
    }

    if (name === "br") out.lineBreak();
    else if (name === "pre") out.pre(!closing);
    else if (name === "blockquote") out.quote(!closing);
    else if (name === "ul" || name === "ol") {
      // A nested list continues its item; only the outermost one is a paragraph.
      listDepth = Math.max(0, listDepth + (closing ? -1 : 1));
      if (listDepth > (closing ? 0 : 1)) {
        out.block();
        continue;
      }
    }
    else if (name === "li" && !closing) {
      out.block();
      out.marker(`${"  ".repeat(Math.max(0, listDepth - 1))}- `);
      continue;
    } else if (name === "td" || name === "th") out.text(" ");
    else if (name === "a") {
      if (!closing) links.push({ href: attribute(attrs, "href"), start: out.length });
      else {
        const link = links.pop();
        if (link) out.text(linkSuffix(link.href, out.since(link.start)));
      }
    }

    if (PARAGRAPH.has(name)) out.paragraph();
    else if (BLOCK.has(name)) out.block();
  }
  return out.toString();
}

/**
 * The tag at `i` (where source[i] is "<"): its name, attributes and where it ends; null when
 * "<" does not start a tag ("a < b"); "eof" when the tag is never closed. Quotes count only as
 * attribute values (after "="), as in a browser, and each is skipped with one search.
 */
function readTag(source: string, i: number): { closing: boolean; name: string; attrs: string; end: number } | null | "eof" {
  let j = i + 1;
  const closing = source[j] === "/";
  if (closing) j++;
  NAME.lastIndex = j;
  const name = NAME.exec(source)?.[0];
  if (!name) return null;
  j += name.length;
  const attrStart = j;
  while (j < source.length) {
    const c = source[j];
    if (c === ">") return { closing, name, attrs: source.slice(attrStart, j), end: j + 1 };
    j++;
    if (c === "=") {
      while (source[j] === " " || source[j] === "\t" || source[j] === "\n" || source[j] === "\r") j++;
      const q = source[j];
      if (q === '"' || q === "'") {
        const close = source.indexOf(q, j + 1);
        if (close === -1) return "eof";
        j = close + 1;
      }
    }
  }
  return "eof";
}

/** Builds text line by line: block breaks, hard breaks, quote prefixes and collapsed spaces. */
/**
 * Every step costs time in proportion to what it adds, never to what is already written: the
 * last two characters are kept aside (endsWith on a long string is a copy), quote prefixes stop
 * at 8 levels, a link's text is looked at up to 4,096 characters, and past MAX_TEXT characters
 * nothing more is written (a comment keeps 20,000).
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
    if (this.atLineStart) {
      this.append("> ".repeat(Math.min(this.quoteDepth, 8)));
      this.atLineStart = false;
    }
    this.append(s);
  }
  private append(s: string): void {
    if (s === "") return;
    this.buffer += s;
    this.tail = (this.tail + s).slice(-2);
  }
}

/** Whether a start tag begins quoted history: as one element, or as everything after it. */
function quoteMarker(name: string, attrs: string): "element" | "rest" | null {
  const id = attribute(attrs, "id")?.toLowerCase();
  if (id === "appendonsend" || id === "divrplyfwdmsg") return "rest";
  if (name === "blockquote" && attribute(attrs, "type")?.toLowerCase() === "cite") return "element";
  const classes = (attribute(attrs, "class") ?? "").toLowerCase().split(/\s+/);
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

function attribute(attrs: string, name: string): string | null {
  const re = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, "i");
  const m = re.exec(attrs);
  if (!m) return null;
  return decodeEntities(m[1] ?? m[2] ?? m[3] ?? "");
}

const NAMED: Record<string, string> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0", shy: "", zwnj: "\u200c", zwj: "\u200d",
  ensp: "\u2002", emsp: "\u2003", thinsp: "\u2009", ndash: "–", mdash: "—", hellip: "…", bull: "•", middot: "·",
  lsquo: "‘", rsquo: "’", sbquo: "‚", ldquo: "“", rdquo: "”", bdquo: "„", laquo: "«", raquo: "»",
  copy: "©", reg: "®", trade: "™", euro: "€", pound: "£", yen: "¥", cent: "¢", sect: "§", para: "¶",
  deg: "°", plusmn: "±", times: "×", divide: "÷", micro: "µ", frac12: "½", frac14: "¼", frac34: "¾",
  iexcl: "¡", iquest: "¿", szlig: "ß", rarr: "→", larr: "←", check: "✓",
  auml: "ä", ouml: "ö", uuml: "ü", Auml: "Ä", Ouml: "Ö", Uuml: "Ü",
  aacute: "á", agrave: "à", acirc: "â", atilde: "ã", aring: "å", aelig: "æ", ccedil: "ç",
  eacute: "é", egrave: "è", ecirc: "ê", euml: "ë", iacute: "í", igrave: "ì", icirc: "î", iuml: "ï",
  ntilde: "ñ", oacute: "ó", ograve: "ò", ocirc: "ô", otilde: "õ", oslash: "ø", oelig: "œ",
  uacute: "ú", ugrave: "ù", ucirc: "û", yacute: "ý", yuml: "ÿ",
  Aacute: "Á", Agrave: "À", Acirc: "Â", Aring: "Å", AElig: "Æ", Ccedil: "Ç", Eacute: "É", Egrave: "È",
  Ecirc: "Ê", Iacute: "Í", Ntilde: "Ñ", Oacute: "Ó", Ocirc: "Ô", Oslash: "Ø", OElig: "Œ", Uacute: "Ú", Ucirc: "Û",
};

/** Named (a mail-relevant set), decimal and hexadecimal entities; unknown ones stay as written. */
export function decodeEntities(s: string): string {
  return s.replace(/&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,7})|([a-zA-Z][a-zA-Z0-9]{1,31}));/g, (whole, dec, hex, name) => {
    if (name !== undefined) return Object.hasOwn(NAMED, name) ? NAMED[name] : whole;
    const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex, 16);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\ufffd";
    return String.fromCodePoint(code);
  });
}
