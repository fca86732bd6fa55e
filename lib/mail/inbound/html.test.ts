import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeEntities, htmlToText } from "./html";

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
    expect(decodeEntities("&amp; &lt;&gt; &quot;&apos; caf&eacute; &#233; &#xE9; &#x1F600; &euro;")).toBe("& <> \"' café é é 😀 €");
    expect(decodeEntities("&unknown; &#0; &#xD800; &#x110000; &amp")).toBe("&unknown; \ufffd \ufffd \ufffd &amp");
    expect(decodeEntities("&amp;lt;")).toBe("&lt;");
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

describe("hostile HTML", () => {
  it("costs linear time: 400 KB of unclosed tags and quotes in well under a second each", () => {
    const longAttrs = `<div class="${"gmail_quote ".repeat(150)}" id='${"x=".repeat(300)}' href=a>`;
    for (const unit of ['<a "', "<a '", "<script ", "<!x ", '<div title="x', '<a href="x">', longAttrs, "<a a=a a=a a=a ", "<blockquote>x", "x<b>", '<a href="http://e.x/">y', "<p>a</p>"]) {
      const html = unit.repeat(Math.ceil(400_000 / unit.length));
      const t0 = performance.now();
      htmlToText(html);
      htmlToText(html, { dropQuotes: true });
      expect(performance.now() - t0, unit).toBeLessThan(1500);
    }
  });
});
