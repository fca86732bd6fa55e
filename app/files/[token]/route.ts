import { readFileLink } from "@/lib/files/links";
import { notFound, serveFile } from "@/lib/files/serve";
import { attachmentForLink } from "@/lib/tickets/attachments";

type Params = Promise<{ token: string }>;

/**
 * A file through a link in mail (lib/files/links.ts): no sign-in, but the link must be one this
 * desk signed, unexpired, and its recipient must still be allowed the file. Anything else is the
 * same 404 as a missing file.
 */
export async function GET(request: Request, { params }: { params: Params }) {
  const link = readFileLink((await params).token, new Date());
  const file = link ? await attachmentForLink(link) : null;
  if (!file) return notFound();
  return serveFile(request, file, `attachment ${link!.id} of ticket #${link!.ticket} (mailed link)`);
}
