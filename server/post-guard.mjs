/**
 * The wire check of posts, in the front door (server/server.mjs) before Next.js reads them:
 * a body over 4 MB is a 413, and a server-action post that is not a form this site made is a 400
 * (action-guard.mjs says which), each with a plain page and nothing saved. Other posts pass
 * untouched. The body is read once, checked, and handed on to Next.js as a new request message
 * with the same headers, socket and bytes. It runs here rather than in proxy.ts, whose fixed cost
 * on every request a create should not pay. (Plain `next start` or `next dev` has no front door: there a malformed
 * action post fails inside React as a 500, vercel/next.js#86945, and nothing is saved.)
 */
import fs from "node:fs";
import http from "node:http";
import { checkFormPost, checkReply } from "./action-guard.mjs";
import { hasSessionCookie, isOpenPage } from "./front-door.mjs";
import { streamFiles, sweepLeftovers, uploadConfig } from "./uploads.mjs";

/** Where and how large files in posts may be (null without server/start.ts: then they count within MAX_BODY). */
const UPLOADS = uploadConfig();
if (UPLOADS) sweepLeftovers(UPLOADS.dir);

/** Matches serverActions.bodySizeLimit in next.config.mjs. */
export const MAX_BODY = 4 * 1024 * 1024;

/**
 * The ceiling of a signed-out form (sign-in, sign-up, the password pages, or any post without a
 * session cookie): their largest real body is a few KB, so an anonymous client cannot make the
 * server hold megabytes per request. TRIAGE_SIGNED_OUT_MAX_BODY_KB (validated by lib/env.ts).
 */
export const SIGNED_OUT_MAX_BODY = (Number(process.env.TRIAGE_SIGNED_OUT_MAX_BODY_KB) || 64) * 1024;

/** The most a post may carry: the signed-out ceiling for the signed-out forms, else MAX_BODY. */
export function bodyLimit(url, headers) {
  const q = (url ?? "/").indexOf("?");
  const pathname = q === -1 ? (url ?? "/") : url.slice(0, q);
  return isOpenPage(pathname) || !hasSessionCookie(headers.cookie) ? SIGNED_OUT_MAX_BODY : MAX_BODY;
}

/** A plain page for a post refused before any action ran. */
function refusalPage(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Triage</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<main><h1>${title}</h1>${body}<p><a href="/tickets">Go to the ticket list</a></p></main></body></html>`;
}

export const TOO_LARGE = refusalPage(
  "That was too large to accept",
  "<p>The form you sent is over 4 MB. Titles can be up to 200 characters and descriptions and comments up to 20,000. Nothing was saved.</p><p>Go back, shorten the text, and send it again.</p>",
);

export const TOO_LARGE_SIGNED_OUT = refusalPage(
  "That was too large to accept",
  `<p>The form you sent is over ${Math.round(SIGNED_OUT_MAX_BODY / 1024)} KB, far more than signing in or creating an account takes. Nothing was saved.</p><p>Go back, and send the form again.</p>`,
);

/** A post whose files are far past what a message may carry (uploads.mjs's hard limit). */
export const tooLargeFiles = (maxBytes) =>
  refusalPage(
    "That was too large to accept",
    `<p>The files you sent are far over the ${Math.round(maxBytes / 1048576)} MB a message's files may come to. Nothing was saved.</p><p>Go back, choose fewer or smaller files, and send it again.</p>`,
  );

export const UNREADABLE = refusalPage(
  "That form could not be read",
  "<p>What was sent is not a form this site made, so nothing was saved. Go back, reload the page, and try again.</p>",
);

/** Posts that are checked: a form (it has a content type) or a server action's call. */
export function isCheckedPost(method, headers) {
  return method === "POST" && (headers["content-type"] !== undefined || headers["next-action"] !== undefined);
}

/** A byte-order mark at the start of the multipart part named "0" (React would fail to parse it). */
function bomInPartZero(body) {
  return /name="0"\r\n(?:[^\r\n]+\r\n)*\r\n\u00ef\u00bb\u00bf/.test(body.toString("latin1"));
}

/**
 * Whether a post's body is in a wire format Next.js and React read without failing. Server-action
 * posts are checked as React would decode them; other forms for `$ACTION_` fields; anything else
 * passes. Pure, for tests/server/post-guard.test.ts.
 * @param {Record<string, string | string[] | undefined>} headers
 * @param {Buffer} body
 * @returns {Promise<import("./action-guard.mjs").Verdict>}
 */
export async function checkPost(headers, body) {
  const type = String(headers["content-type"] ?? "");
  const form = type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded");
  const formData = () => new Response(body, { headers: { "content-type": type } }).formData();
  try {
    if (headers["next-action"] !== undefined) {
      // Decoded as Next.js decodes it: a byte-order mark is kept, and refused.
      if (!form) return checkReply(new TextDecoder("utf-8", { ignoreBOM: true }).decode(body));
      const fields = await formData();
      if (fields.getAll("0").length !== 1) return { ok: false, reason: 'part "0" missing or sent twice' };
      if (bomInPartZero(body)) return { ok: false, reason: 'a byte-order mark in part "0"' };
      return checkReply(fields.get("0"));
    }
    if (!form) return { ok: true };
    return checkFormPost(await formData());
  } catch {
    return { ok: false, reason: "unreadable body" };
  }
}

/** The body, or null when it is over `limit` (read to the end all the same, and dropped: nothing past the limit is kept). */
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on("end", () => resolve(size > limit ? null : Buffer.concat(chunks, size)));
    req.on("error", reject);
  });
}

/**
 * A request message Next.js reads as it would have read `req`: the same headers (but those in
 * `headers`) and socket, `body` as its bytes.
 */
function replay(req, body, headers = req.headers) {
  const copy = new http.IncomingMessage(req.socket);
  copy.method = req.method;
  copy.url = req.url;
  copy.headers = headers;
  copy.rawHeaders = headers === req.headers ? req.rawHeaders : Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]).flat() : [k, String(v)]));
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  copy.complete = true;
  copy.push(body);
  copy.push(null);
  return copy;
}

function refuse(res, status, page) {
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }).end(page);
}

/**
 * Checks a post and hands it on with `pass(request)`, or answers it with a refusal. Anything else
 * is handed on at once, as it came.
 */
export function guardPost(req, res, pass) {
  if (!isCheckedPost(req.method, req.headers)) return pass(req);
  const limit = bodyLimit(req.url, req.headers);
  const tooLarge = limit < MAX_BODY ? TOO_LARGE_SIGNED_OUT : TOO_LARGE;
  if (UPLOADS && limit === MAX_BODY && String(req.headers["content-type"] ?? "").startsWith("multipart/form-data")) {
    return guardUpload(req, res, pass, UPLOADS);
  }
  if (Number(req.headers["content-length"] ?? 0) > limit) {
    // Node reads and drops the rest of the body after the answer, keeping the connection usable.
    return refuse(res, 413, tooLarge);
  }
  readBody(req, limit).then(
    async (body) => {
      if (body === null) return refuse(res, 413, tooLarge);
      if (!(await checkPost(req.headers, body)).ok) return refuse(res, 400, UNREADABLE);
      pass(replay(req, body));
    },
    () => req.socket.destroy(), // the client went away mid-body
  );
}

/**
 * A signed-in multipart post: its files go to disk as they arrive (uploads.mjs), the rest is
 * checked as any post, and the files left once the answer is sent are deleted.
 */
function guardUpload(req, res, pass, config) {
  const tooLarge = tooLargeFiles(config.maxBytes);
  if (Number(req.headers["content-length"] ?? 0) > 4 * config.maxBytes + MAX_BODY) return refuse(res, 413, tooLarge);
  streamFiles(req, config, MAX_BODY).then(async (read) => {
    if (read.kind === "too_large") return refuse(res, 413, tooLarge);
    if (read.kind === "unreadable") return refuse(res, 400, UNREADABLE);
    const cleanUp = () => {
      for (const f of read.files) fs.rm(f, { force: true }, () => {});
    };
    res.on("close", cleanUp);
    const headers = { ...req.headers, "content-type": read.contentType, "content-length": String(read.body.length) };
    delete headers["transfer-encoding"];
    if (!(await checkPost(headers, read.body)).ok) return refuse(res, 400, UNREADABLE);
    pass(replay(req, read.body, headers));
  });
}
