/**
 * Files in posts, streamed to disk before Next.js reads the post (server/post-guard.mjs calls
 * this for a signed-in multipart post). Next.js reads a server action's whole body into memory;
 * here every file part is written to a file of its own in the upload folder as it arrives, and
 * takes its place in the post as a short signed token (a text field of the same name). What
 * Next.js then reads is the form's text, at most MAX_BODY, and the tokens.
 *
 * The token names the temporary file, the name the browser gave, the size counted here, and
 * whether the file was over the limit (its bytes are then dropped as they arrive). It is signed
 * with a key drawn when the process starts (TRIAGE_UPLOAD_KEY): a client can neither forge one
 * nor point one at another file. The application checks it (lib/files/uploads.ts) and stores the
 * file; whatever is left of a post's files is deleted once its response is sent.
 *
 * Limits (TRIAGE_UPLOADS, set by server/start.ts from the configuration): the files of one post
 * together at most `maxBytes` (what is past it is dropped, and the file that crossed it is
 * marked); at most `maxFiles` + 1 file parts get a token (one more than allowed, so the form can
 * say there were too many); the whole post at most 4 × maxBytes + MAX_BODY, past which it is a 413.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Busboy from "busboy";

/** Marks a token in a form field (lib/files/uploads.ts reads the same prefix). */
export const TOKEN_PREFIX = "triage-file:";

/** The configuration server/start.ts passes on, or null (uploads then go the buffered way, within MAX_BODY). */
export function uploadConfig(env = process.env) {
  if (!env.TRIAGE_UPLOADS || !env.TRIAGE_UPLOAD_KEY) return null;
  const { dir, maxBytes, maxFiles } = JSON.parse(env.TRIAGE_UPLOADS);
  return { dir, maxBytes, maxFiles, key: env.TRIAGE_UPLOAD_KEY };
}

/** The token for one file part: its fields as JSON, then their HMAC, both base64url. */
export function signToken(key, fields) {
  const payload = Buffer.from(JSON.stringify(fields)).toString("base64url");
  const mac = crypto.createHmac("sha256", key).update(payload).digest("base64url");
  return `${TOKEN_PREFIX}${payload}.${mac}`;
}

/** One text part; a quote or line break in its name escaped as browsers do (HTML's multipart/form-data encoding). */
const part = (boundary, name, value) => {
  const safe = name.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  return Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${safe}"\r\n\r\n`, "latin1"), value, Buffer.from("\r\n")]);
};

/**
 * Reads a multipart post, writing its files to `config.dir`. Resolves to
 *   { kind: "ok", body, contentType, files }: the post rebuilt (text parts byte for byte, files as
 *     tokens) with its new content type, and the temporary files to delete afterwards;
 *   { kind: "too_large" }: the text is over `textLimit` or the post over the hard limit;
 *   { kind: "unreadable" }: not multipart that parses.
 * Nothing is left on disk unless the answer is "ok".
 */
export function streamFiles(req, config, textLimit) {
  const hardLimit = 4 * config.maxBytes + textLimit;
  return new Promise((resolve) => {
    let bb;
    try {
      // latin1 keeps every byte of names and values as they came: the rebuilt post is the same
      // bytes (a byte-order mark included, which post-guard.mjs then refuses as before).
      bb = Busboy({
        headers: req.headers,
        defCharset: "latin1",
        defParamCharset: "latin1",
        limits: { fieldSize: textLimit + 1, files: config.maxFiles + 1, parts: 100_000, fields: 100_000 },
      });
    } catch {
      req.resume();
      return resolve({ kind: "unreadable" });
    }
    const boundary = `----TriageUpload${crypto.randomBytes(12).toString("hex")}`;
    const parts = [];
    const files = [];
    const writes = [];
    let text = 0;
    let fileBytes = 0;
    let total = 0;
    let over = false;
    let done = false;

    /** Deletes a temporary file once its stream has let go of it (an unlink before the open would miss it). */
    const discard = (out, file, then = () => {}) => {
      const rm = () => fs.rm(file, { force: true }, () => then());
      if (out.closed) rm();
      else out.once("close", rm).destroy();
    };
    const opened = [];

    const finish = (answer) => {
      if (done) return;
      done = true;
      if (answer.kind !== "ok") {
        for (const [out, file] of opened) discard(out, file);
        req.unpipe(bb);
        req.resume(); // read and drop the rest, so the connection can answer
      }
      resolve(answer);
    };

    try {
      fs.mkdirSync(config.dir, { recursive: true, mode: 0o700 });
    } catch {
      req.resume();
      return resolve({ kind: "unreadable" });
    }
    req.on("data", (chunk) => {
      total += chunk.length;
      if (total > hardLimit) finish({ kind: "too_large" });
    });
    req.on("error", () => finish({ kind: "unreadable" }));

    bb.on("field", (name, value, info) => {
      if (done) return;
      text += Buffer.byteLength(name, "latin1") + Buffer.byteLength(value, "latin1");
      if (info.valueTruncated || text > textLimit) return finish({ kind: "too_large" });
      parts.push(part(boundary, name, Buffer.from(value, "latin1")));
    });

    bb.on("file", (name, stream, info) => {
      if (done) return stream.resume();
      const label = Buffer.from(info.filename ?? "", "latin1").toString("utf8");
      // Its place among the parts, filled with its token once its bytes are in (a file field left
      // empty, which browsers send as a nameless empty part, leaves it empty: it is no file).
      const slot = parts.length;
      parts.push(null);
      const id = crypto.randomBytes(16).toString("hex");
      const file = path.join(config.dir, `w${id}`);
      let size = 0;
      let dropped = over;
      // A megabyte of buffer: a page render between two writes then holds up the upload far less.
      const out = dropped ? null : fs.createWriteStream(file, { flags: "wx", mode: 0o600, highWaterMark: 1024 * 1024 });
      if (out) opened.push([out, file]);
      writes.push(
        new Promise((settle) => {
          stream.on("data", (chunk) => {
            size += chunk.length;
            // Parts are announced ahead of their bytes: a later file learns here that an earlier one crossed the limit.
            if (over) dropped = true;
            if (dropped) return;
            fileBytes += chunk.length;
            if (fileBytes > config.maxBytes) {
              dropped = true;
              over = true;
              return;
            }
            if (!out.write(chunk)) {
              stream.pause();
              out.once("drain", () => stream.resume());
            }
          });
          stream.on("end", () => {
            const emit = () => {
              const fields = { f: dropped ? null : `w${id}`, n: label, s: size, o: dropped };
              if (!(label === "" && size === 0)) parts[slot] = part(boundary, name, Buffer.from(signToken(config.key, fields), "latin1"));
              settle();
            };
            if (!out) return emit();
            if (dropped) return discard(out, file, emit);
            files.push(file);
            out.end(emit);
          });
          stream.on("error", () => settle());
          // A file being dropped is destroyed with writes still queued, which error: that is no fault.
          if (out) out.on("error", () => dropped || finish({ kind: "unreadable" }));
        }),
      );
    });

    bb.on("close", () => {
      Promise.all(writes).then(() => {
        if (done) return;
        const body = Buffer.concat([...parts.filter(Boolean), Buffer.from(`--${boundary}--\r\n`)]);
        finish({ kind: "ok", body, contentType: `multipart/form-data; boundary=${boundary}`, files });
      });
    });
    bb.on("error", () => finish({ kind: "unreadable" }));
    req.pipe(bb);
  });
}

/** Deletes what an earlier process left in the upload folder (it died mid-post), a day on. */
export function sweepLeftovers(dir, olderThanMs = 24 * 3600 * 1000) {
  fs.readdir(dir, (err, names) => {
    if (err) return;
    for (const name of names) {
      if (!/^w[0-9a-f]{32}$/.test(name)) continue;
      const p = path.join(dir, name);
      fs.stat(p, (e, st) => {
        if (!e && Date.now() - st.mtimeMs > olderThanMs) fs.rm(p, { force: true }, () => {});
      });
    }
  });
}
