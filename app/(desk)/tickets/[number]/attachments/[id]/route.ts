import { getActor } from "@/lib/auth/session";
import { fileStore } from "@/lib/files/store";
import { contentDisposition } from "@/lib/files/names";
import { parseRange } from "@/lib/files/range";
import { isInlineImage, OCTET_STREAM } from "@/lib/files/sniff";
import { parseSerialId, parseTicketNumber } from "@/lib/limits";
import { attachmentFor } from "@/lib/tickets/attachments";

type Params = Promise<{ number: string; id: string }>;

/**
 * One attachment's bytes, to whoever may see it (lib/tickets/attachments.ts attachmentFor: its
 * ticket, and for a file of an internal note, staff only). Anyone else, and any id that names
 * nothing, gets the same 404. Raster images (PNG, JPEG, GIF, WebP, told by their bytes) are shown
 * inline; everything else is a download. Never sniffed by the browser, never run: nosniff, and a
 * policy that allows no script, style or frame even if an image were opened on its own. One
 * range of bytes on request (a resumed download, a seek).
 */
export async function GET(request: Request, { params }: { params: Params }) {
  const actor = await getActor();
  const p = await params;
  if (!actor) {
    const next = encodeURIComponent(`/tickets/${encodeURIComponent(p.number)}/attachments/${encodeURIComponent(p.id)}`);
    return new Response(null, { status: 303, headers: { Location: `/sign-in?next=${next}`, "Cache-Control": "no-store" } });
  }
  const number = parseTicketNumber(p.number);
  const id = parseSerialId(p.id);
  const file = number === null || id === null ? null : await attachmentFor(actor, number, id);
  if (!file) return notFound();

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
    console.error(`attachment ${id} of ticket #${number}: no stored file ${file.hash}`);
    return notFound();
  }
  if (range) {
    return new Response(opened.body, {
      status: 206,
      headers: { ...headers, "Content-Length": String(range.end - range.start + 1), "Content-Range": `bytes ${range.start}-${range.end}/${file.size}` },
    });
  }
  return new Response(opened.body, { status: 200, headers: { ...headers, "Content-Length": String(opened.size) } });
}

function notFound() {
  return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } });
}
