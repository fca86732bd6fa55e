import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { htmlToText } from "./html";

const sample = (name: string) => fs.readFileSync(new URL(`./samples/${name}`, import.meta.url), "utf8");

describe("htmlToText: structure", () => {
  it("block elements and <br> become line breaks, paragraphs get a blank line", () => {
    expect(htmlToText("<div>one</div><div>two<br>three</div><p>para</p><p>next</p>")).toBe("one\ntwo\nthree\n\npara\n\nnext");
  });
  it("Gmail's <div><br></div> is one blank line; runs of blank lines collapse to one", () => {
    expect(htmlToText("<div>a</div><div><br></div><div>b</div>")).toBe("a\n\nb");
    expect(htmlToText("a<br><br><br><br>b<p></p><p>&nbsp;</p><p>c</p>")).toBe("a\n\nb\n\nc");
  });
  it("collapses whitespace in text, keeps it inside <pre>", () => {
    expect(htmlToText("<p>  many\n   spaces\there </p>")).toBe("many spaces here");
    expect(htmlToText("<pre>  indented\n    code</pre>after")).toBe("  indented\n    code\n\nafter");
  });
  it("lists: '- ' items, nested lists indented", () => {
    expect(htmlToText("<p>Steps:</p><ul><li>one</li><li>two<ul><li>two a</li></ul></li></ul><ol><li>first</li></ol>")).toBe(
      "Steps:\n\n- one\n- two\n  - two a\n\n- first",
    );
  });
  it("table cells are separated, rows are lines", () => {
    expect(htmlToText("<table><tr><td>Name</td><td>Anna</td></tr><tr><th>Floor</th><td>3</td></tr></table>")).toBe("Name Anna\nFloor 3");
  });
  it("links: 'text (url)' when they differ; once when the text is the address; image links drop the url", () => {
    expect(htmlToText('See <a href="https://example.com/kb/12">the article</a>.')).toBe("See the article (https://example.com/kb/12).");
    expect(htmlToText('<a href="https://example.com/">https://example.com</a>')).toBe("https://example.com");
    expect(htmlToText('<a href="mailto:help@example.com">help@example.com</a>')).toBe("help@example.com");
    expect(htmlToText('<a href="mailto:help@example.com">Help Desk</a>')).toBe("Help Desk (help@example.com)");
    expect(htmlToText('<a href="https://t.example.com/open"><img src="logo.png" alt="Logo"></a>Hi')).toBe("Hi");
    expect(htmlToText('<a href="javascript:alert(1)">click</a>')).toBe("click");
  });
  it("blockquotes are quoted with '> ' when quotes are kept", () => {
    expect(htmlToText("<div>Yes.</div><blockquote>Is it fixed?<br>Really?<blockquote>older</blockquote></blockquote>")).toBe(
      "Yes.\n\n> Is it fixed?\n> Really?\n\n> > older",
    );
  });
});

describe("htmlToText: what never becomes text", () => {
  it("drops script, style, head, title and comments, including unclosed ones", () => {
    expect(htmlToText("<html><head><title>T</title><style>p{color:red}</style></head><body><script>alert(1)</script><!-- hidden -->Hello</body></html>")).toBe("Hello");
    expect(htmlToText("Hi<!--[if mso]><p>Outlook only</p><![endif]-->!")).toBe("Hi!");
    expect(htmlToText("Hi<script>never closed")).toBe("Hi");
    expect(htmlToText("Hi<!-- never closed")).toBe("Hi");
    expect(htmlToText("<!DOCTYPE html><?xml version='1.0'?><![if !supportLists]>·<![endif]>item")).toBe("·item");
  });
  it("keeps text that only looks like markup, and attributes with '>' in quotes", () => {
    expect(htmlToText("if a < b and 3 > 2")).toBe("if a < b and 3 > 2");
    expect(htmlToText('<span title="a>b">text</span>')).toBe("text");
    expect(htmlToText("&lt;script&gt;alert(1)&lt;/script&gt;")).toBe("<script>alert(1)</script>");
  });
  it("decodes named, decimal and hex entities; leaves unknown and invalid ones safe", () => {
    expect(htmlToText("&amp; &lt;&gt; &quot;&apos; caf&eacute; &#233; &#xE9; &#x1F600; &euro; &rarr;")).toBe("& <> \"' café é é 😀 € →");
    expect(htmlToText("&unknown; &#0; &#xD800; &#x110000;")).toBe("&unknown; \ufffd \ufffd \ufffd");
    expect(htmlToText("&amp;lt; AT&T")).toBe("&lt; AT&T");
    // As in a browser, the legacy entities are also read without their ";".
    expect(htmlToText("&amp &copy 2026")).toBe("& © 2026");
    expect(htmlToText('<a href="https://e.x/?a=1&amp;b=2">the form</a>')).toBe("the form (https://e.x/?a=1&b=2)");
  });
  it("an unclosed <head> ends at <body>; markup inside a script never becomes tags", () => {
    expect(htmlToText("<html><head><title>T</title><meta charset=utf-8><body>Hello")).toBe("Hello");
    expect(htmlToText('Hi<script>var s = "</div><p>x";</script>!<script/>alert(1)</script>')).toBe("Hi!");
    expect(htmlToText('<p>a<svg viewBox="0 0 1 1"/>b</p><svg><text>logo</text></svg>c')).toBe("ab\n\nc");
  });
});

describe("htmlToText: quoted history", () => {
  it("Gmail: keeps the quote by default, cuts div.gmail_quote with dropQuotes", () => {
    const html = sample("gmail.html");
    expect(htmlToText(html)).toContain("> Hello Anna,");
    expect(htmlToText(html, { dropQuotes: true })).toBe(
      "Hi,\n\nthe printer on floor 3 is still offline – see the status page (https://status.example.com/printers).\n\nThanks,\nAnna",
    );
  });
  it("Outlook on the web: everything from #appendonsend on", () => {
    const html = sample("outlook-web.html");
    expect(htmlToText(html)).toContain("From: Help Desk <help@example.com>");
    expect(htmlToText(html, { dropQuotes: true })).toBe("Thanks, that fixed it.\n\nErik");
    expect(htmlToText('<p>Done.</p><div id="divRplyFwdMsg">From: x</div><p>old</p>', { dropQuotes: true })).toBe("Done.");
  });
  it("Apple Mail inline answers: each blockquote[type=cite] goes, the answers between stay", () => {
    expect(htmlToText(sample("apple-inline.html"), { dropQuotes: true })).toBe("Answers below.\n\n4.2.1");
  });
  it("nested elements inside a dropped quote do not end it early; an unclosed quote runs to the end", () => {
    expect(htmlToText('<p>New</p><blockquote type="cite"><div><div>a</div></div><blockquote>b</blockquote></blockquote><p>After</p>', { dropQuotes: true })).toBe("New\n\nAfter");
    expect(htmlToText('<p>New</p><div class="gmail_quote"><div>never closed', { dropQuotes: true })).toBe("New");
  });
});

describe("htmlToText: limits", () => {
  it("quote prefixes stop at 8 levels; the text stops at 300,000 characters", () => {
    expect(htmlToText(`${"<blockquote>".repeat(20)}deep`)).toBe(`${"> ".repeat(8)}deep`);
    expect(htmlToText(`<p>${"word ".repeat(100_000)}</p>`)).toHaveLength(299_999); // the trailing space is trimmed
    expect(htmlToText(`<blockquote>${"<p>a</p>".repeat(100_000)}`).length).toBeLessThanOrEqual(300_000);
  });
});

/**
 * Hostile HTML: 12 shapes, each written a few ways and repeated to 400 KB. Every conversion, with
 * and without dropQuotes, must take under 1.5 s: no shape may cost more than linear time.
 */
const SIZE = 400_000;
const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length));
const around = (head: string, unit: string, tail: string) => head + unit.repeat(Math.ceil((SIZE - head.length - tail.length) / unit.length)) + tail;
const longAttrs = `<div class="${"gmail_quote ".repeat(150)}" id='${"x=".repeat(300)}' href=a>`;
const HOSTILE: Record<string, string[]> = {
  "unclosed tags": [fill("<a a=a a=a "), fill("x<b>"), fill('<a href="x">')],
  "unclosed attribute quotes": [fill('<a "'), fill("<a '"), fill('<div title="x')],
  "unclosed comments": [fill("<!-- x"), fill("<!x "), fill("<!--x-->-->")],
  "deep nesting (100,000 open elements)": [fill("<div>"), fill("<blockquote>x"), fill("<ul><li>")],
  "many attributes": [around("<div", " a=a", ">x"), fill(longAttrs), around("<div", ' class="gmail_quote"', ">x")],
  "huge text node": [fill("word "), "x".repeat(SIZE), fill("<p>a</p>")],
  "entities, malformed entities": [fill("&amp;&lt;&#233;&#x1F600;&eacute;"), fill("&#99999999;&#x;&bogus;&&#"), fill("&")],
  "unclosed style and script": [fill("<script "), around("<style>", "p{}", ""), fill("<script>x</script")],
  "CDATA and processing instructions": [fill("<![CDATA[x"), fill("<?x "), fill("<![CDATA[x]]>")],
  "long attribute values": [around('<a href="http://e.x/', "x", '">y</a>'), fill('<a href="http://e.x/">y'), around("<img alt='", "x", "'>")],
  "stray < without tags": [fill("a < b "), fill("<"), fill("</ <3 <=")],
  "nested tables": [fill("<table><tr><td>"), fill("<table><tr><td>x</td>"), fill("<td><tr><table>")],
};

describe("hostile HTML: 12 shapes of 400 KB, each in under 1.5 s", () => {
  it("are 12 shapes of at least 400 KB", () => {
    expect(Object.keys(HOSTILE)).toHaveLength(12);
    for (const html of Object.values(HOSTILE).flat()) expect(html.length).toBeGreaterThanOrEqual(SIZE);
  });
  for (const [shape, inputs] of Object.entries(HOSTILE)) {
    it(shape, () => {
      for (const html of inputs) {
        for (const dropQuotes of [false, true]) {
          const t0 = performance.now();
          const text = htmlToText(html, { dropQuotes });
          expect(performance.now() - t0, `${shape}: ${html.slice(0, 40)}…, dropQuotes: ${dropQuotes}`).toBeLessThan(1500);
          expect(text.length).toBeLessThanOrEqual(300_000);
        }
      }
    });
  }
});
