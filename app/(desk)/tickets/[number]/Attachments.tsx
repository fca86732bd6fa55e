import { formatBytes } from "@/lib/files/names";
import type { AttachmentView } from "@/lib/tickets/attachments";

/**
 * The files of a description or a comment: each a link named by the file's name, with its size;
 * an image (only the raster types the download serves inline) also as a bounded preview inside its
 * link. Nothing when there are none.
 */
export function Attachments({ files }: { files: readonly AttachmentView[] | undefined }) {
  if (!files?.length) return null;
  return (
    <ul className="attachments" aria-label="Attachments">
      {files.map((f) => (
        <li key={f.id}>
          <a href={f.href}>
            {/* eslint-disable-next-line @next/next/no-img-element -- a permission-checked download, not a static asset to optimise */}
            {f.image ? <img src={f.href} alt="" loading="lazy" decoding="async" /> : null}
            <span>{f.name}</span>
          </a>
          <span className="size">{formatBytes(f.size)}</span>
        </li>
      ))}
    </ul>
  );
}
