import "server-only";
import { contentDisposition } from "./names";
import { parseRange } from "./range";
import { isInlineImage, OCTET_STREAM } from "./sniff";
import { fileStore } from "./store";

/** What a download needs to know of an attachment (lib/tickets/attachments.ts decides who gets it). */
export type Servable = { name: string; size: number; type: string; hash: string };

/**
 * The response that serves a file to someone already allowed to have it. Raster images (PNG,
 * JPEG, GIF, WebP, told by their bytes) are shown inline; everything else is a download. Never
 * sniffed by the browser, never run: nosniff, and a policy that allows no script, style or frame
 * even if an image were opened on its own. One range of bytes on request (a resumed download, a
 * seek); the ETag is the bytes' hash.
 */
export async function serveFile(request: Request, file: Servable, label: string): Promise<Response> {
  const inline = isInlineImage(file.type);
  const etag = `"${file.hash}"`;
  const headers: Record<string, string> = {
    "Content-Type": file.type || OCTET_STREAM,
    "Content-Disposition": contentDisposition(file.name, inline),
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
    // Only this site's pages may embed them (an <img> elsewhere gets nothing).
    "Cross-Origin-Resource-Policy": "same-origin",
    // The same bytes under this name forever (the hash names them), but who may read them can
    // change: the browser keeps them and asks again, with the ETag.
    "Cache-Control": "private, no-cache",
    ETag: etag,
    "Accept-Ranges": "bytes",
  };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });

  const ifRange = request.headers.get("if-range");
  const range = ifRange && ifRange !== etag ? null : parseRange(request.headers.get("range"), file.size);
  if (range === "unsatisfiable") {
    return new Response(null, { status: 416, headers: { ...headers, "Content-Range": `bytes */${file.size}` } });
  }
  const opened = await fileStore().open(file.hash, range ?? undefined);
  if (!opened) {
    console.error(`${label}: no stored file ${file.hash}`);
    return notFound();
  }
  // Next.js drops a route's Content-Length and sends the body chunked; the front door
  // (server/front-door.mjs) makes X-Triage-Length the Content-Length again.
  const length = (n: number) => ({ "Content-Length": String(n), "X-Triage-Length": String(n) });
  if (range) {
    return new Response(opened.body, {
      status: 206,
      headers: { ...headers, ...length(range.end - range.start + 1), "Content-Range": `bytes ${range.start}-${range.end}/${file.size}` },
    });
  }
  return new Response(opened.body, { status: 200, headers: { ...headers, ...length(opened.size) } });
}

/** The one answer to everything refused: no such file, not theirs, removed, a bad link. */
export function notFound(): Response {
  return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } });
}
