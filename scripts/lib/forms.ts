/**
 * Forms in server-rendered HTML, read the way a browser without JavaScript would submit them:
 * every named input's value (hidden ones included, such as React's $ACTION_REF_… / $ACTION_ID_…
 * fields for a server action), plus where and how the form posts.
 */
export type HtmlForm = {
  action: string;
  method: string;
  enctype: string;
  fields: [string, string][];
  /** The form's markup, to tell forms apart. */
  html: string;
};

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === "#") {
      const code = e[1].toLowerCase() === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** The attributes of one start tag, names lower-cased, values decoded. */
export function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  const body = tag.replace(/^<[a-z0-9-]+/i, "").replace(/\/?>$/, "");
  for (const m of body.matchAll(/([^\s"'=<>`/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    out[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? "");
  }
  return out;
}

/** Every <form> in the page, with the values its named inputs would submit. */
export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const m of html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/gi)) {
    const open = m[0].slice(0, m[0].indexOf(">") + 1);
    const a = attributes(open);
    const fields: [string, string][] = [];
    for (const input of m[1].matchAll(/<input\b[^>]*>/gi)) {
      const i = attributes(input[0]);
      if (!i.name || "disabled" in i) continue;
      const type = (i.type ?? "text").toLowerCase();
      if ((type === "checkbox" || type === "radio") && !("checked" in i)) continue;
      if (type === "submit" || type === "button" || type === "image" || type === "file") continue;
      fields.push([i.name, i.value ?? ""]);
    }
    forms.push({
      action: a.action ?? "",
      method: (a.method ?? "get").toUpperCase(),
      enctype: a.enctype ?? "application/x-www-form-urlencoded",
      fields,
      html: m[0],
    });
  }
  return forms;
}

/** The form that has a field with this name. */
export function formWithField(html: string, name: string): HtmlForm {
  const form = parseForms(html).find((f) => new RegExp(`name="${name.replace(/[$.]/g, "\\$&")}"`).test(f.html));
  if (!form) throw new Error(`No form with a field named "${name}" in the page`);
  return form;
}

/** multipart/form-data, as a browser encodes it. */
export function multipart(fields: [string, string][], boundary = `----TriageBench${Math.random().toString(16).slice(2)}`) {
  const esc = (s: string) => s.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const parts = fields.map(
    ([name, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${esc(name)}"\r\n\r\n${value.replace(/\r?\n/g, "\r\n")}\r\n`,
  );
  return {
    body: Buffer.from(`${parts.join("")}--${boundary}--\r\n`, "utf8"),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
