/**
 * The server-action wire format, checked before React decodes it. React's decoder turns some
 * malformed posts into a 500 before any action runs: a bound-arguments field that is not JSON, a
 * reference to a part that was never sent ("$Q5", "$1"), a BigInt that is not a number ("$nx").
 * Triage's actions only ever receive plain values (numbers, strings, small objects) and, with
 * JavaScript, the form itself ("$K1"), so anything else is refused here with a 400, and what does
 * pass is parsed again by each action (lib/action.ts). Pure: the post guard (post-guard.mjs)
 * feeds it the body. Plain ESM with JSDoc types, because server/server.mjs runs it without a build.
 *
 * Workaround of a framework limit: these rules restate what React's reply decoder
 * (decodeReply/decodeReplyFromBusboy) accepts, because Next.js answers every error of that decoder
 * with a 500 (vercel/next.js#86945, open; fixes proposed in vercel/next.js#90109 and #98105). It can
 * go when the installed Next.js answers a body its decoder cannot read with a 4xx (check: the
 * fuzz suite, e2e/fuzz, sees no 5xx with checkPost's call removed from post-guard.mjs); the
 * 4 MB limit stays.
 */
/** @typedef {{ ok: true } | { ok: false; reason: string }} Verdict */

/** @type {Verdict} */
const OK = { ok: true };
/** @returns {Verdict} */
const bad = (/** @type {string} */ reason) => ({ ok: false, reason });

const MAX_DEPTH = 32;
/** React refuses more than 1,000 bound arguments, and Next.js more than 1,000 arguments. */
const MAX_ITEMS = 1_000;
/** Far above any real reply (a previous state echoes a 20,000-character description); React counts string lengths against its own limit of 1,000,000. */
const MAX_TEXT = 256 * 1024;

/**
 * Strings that React's reply decoder reads as something other than a string start with "$".
 * Allowed: an escaped "$" ("$$…"), undefined, NaN, ±Infinity, -0, a date, a BigInt of digits,
 * and (JavaScript posts only) a reference to the form's own fields.
 */
/** @param {string} s @param {boolean} formRefs */
function allowedDollar(s, formRefs) {
  if (s.length < 2) return true; // "$" alone is a plain string
  switch (s[1]) {
    case "$":
      return true;
    case "u":
      return s === "$undefined";
    case "N":
      return s === "$NaN";
    case "I":
      return s === "$Infinity";
    case "-":
      return s === "$-Infinity" || s === "$-0";
    case "D":
      return true; // new Date(anything) never throws
    case "n":
      // React parses at most 300 characters of a BigInt.
      return s.length <= 300 && /^\$n-?\d+$/.test(s);
    case "K":
      return formRefs && /^\$K[0-9a-f]{1,8}$/.test(s);
    default:
      return false;
  }
}

/** A decoded JSON value holds only plain values, no deeper than MAX_DEPTH. Iterative. */
/** @param {unknown} root @param {boolean} formRefs @returns {Verdict} */
export function plainValue(root, formRefs) {
  /** @type {[unknown, number][]} */
  const stack = [[root, 0]];
  let text = 0;
  while (stack.length) {
    const [v, depth] = /** @type {[unknown, number]} */ (stack.pop());
    if (depth > MAX_DEPTH) return bad("nested too deeply");
    if (typeof v === "string") {
      text += v.length;
      if (text > MAX_TEXT) return bad("too much text");
      if (v.startsWith("$") && !allowedDollar(v, formRefs)) return bad(`reference ${JSON.stringify(v.slice(0, 20))}`);
    } else if (Array.isArray(v)) {
      if (v.length > MAX_ITEMS) return bad("too many items");
      for (const x of v) stack.push([x, depth + 1]);
    } else if (v !== null && typeof v === "object") {
      const entries = Object.entries(v);
      if (entries.length > MAX_ITEMS) return bad("too many keys");
      for (const [k, x] of entries) {
        text += k.length;
        if (k.startsWith("$")) return bad("reserved key");
        stack.push([x, depth + 1]);
      }
    }
  }
  return OK;
}

/** @param {unknown} text @returns {{ ok: true; value: unknown } | { ok: false }} */
function json(text) {
  if (typeof text !== "string") return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * A post without JavaScript: `$ACTION_ID_<id>` (no arguments) or `$ACTION_REF_<n>` with its
 * metadata in `$ACTION_<n>:0` ({"id", "bound": "$@1" | null}) and bound arguments in
 * `$ACTION_<n>:1` (a JSON array).
 */
/** @param {FormData} form @returns {Verdict} */
export function checkFormPost(form) {
  // React reads the last of repeated fields and this the first: no $ACTION_ field may repeat.
  const seen = new Set();
  for (const key of form.keys()) {
    if (!key.startsWith("$ACTION_")) continue;
    if (seen.has(key)) return bad(`${key} sent twice`);
    seen.add(key);
  }
  for (const key of seen) {
    if (!key.startsWith("$ACTION_REF_")) continue;
    const prefix = `$ACTION_${key.slice("$ACTION_REF_".length)}:`;
    const meta = json(form.get(`${prefix}0`));
    if (!meta.ok || meta.value === null || typeof meta.value !== "object" || Array.isArray(meta.value)) {
      return bad("unreadable action metadata");
    }
    if (Object.keys(meta.value).some((k) => k !== "id" && k !== "bound")) return bad("unexpected action metadata");
    const { id, bound } = /** @type {{ id?: unknown; bound?: unknown }} */ (meta.value);
    if (typeof id !== "string") return bad("no action id");
    if (bound === null || bound === undefined) continue;
    if (bound !== "$@1") return bad("unexpected bound reference");
    const args = json(form.get(`${prefix}1`));
    if (!args.ok || !Array.isArray(args.value)) return bad("bound arguments are not a JSON array");
    const v = plainValue(args.value, false);
    if (!v.ok) return v;
  }
  return OK;
}

/**
 * A post from JavaScript (`Next-Action` header): the arguments as JSON, either the whole body or
 * the form part "0" of a multipart body whose other parts are the form's fields. Always a list.
 */
/** @param {unknown} root @returns {Verdict} */
export function checkReply(root) {
  if (typeof root === "string" && root.startsWith("\uFEFF")) return bad("a byte-order mark before the arguments");
  const args = json(root);
  if (!args.ok) return bad("arguments are not JSON");
  // Next.js applies the decoded value as the argument list.
  if (!Array.isArray(args.value)) return bad("arguments are not a list");
  return plainValue(args.value, true);
}
