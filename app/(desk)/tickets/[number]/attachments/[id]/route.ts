import { getActor } from "@/lib/auth/session";
import { notFound, serveFile } from "@/lib/files/serve";
import { parseSerialId, parseTicketNumber } from "@/lib/limits";
import { attachmentFor } from "@/lib/tickets/attachments";

type Params = Promise<{ number: string; id: string }>;

/**
 * One attachment's bytes, to whoever may see it (lib/tickets/attachments.ts attachmentFor: its
 * ticket, and for a file of an internal note, staff only), served as lib/files/serve.ts says.
 * Anyone else, and any id that names nothing, gets the same 404; someone signed out, sign-in.
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
  return serveFile(request, file, `attachment ${id} of ticket #${number}`);
}
