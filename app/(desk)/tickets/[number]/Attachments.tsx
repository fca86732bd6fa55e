import { formatBytes } from "@/lib/files/names";
import type { AttachmentView } from "@/lib/tickets/attachments";

/** What a tile without a preview shows: the name's extension ("PDF", "LOG"), else "FILE". */
function kindOf(name: string): string {
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(name)?.[1];
  return ext ? ext.toUpperCase() : "FILE";
}

/**
 * The files of a description or a comment: a tile each, its link named by the file's name (the
 * preview is decoration: alt=""), its size below. An image (only the raster types the download
 * serves inline) shows as a bounded preview; anything else shows its kind. Nothing when there are
 * none.
 */
export function Attachments({ files }: { files: readonly AttachmentView[] | undefined }) {
  if (!files?.length) return null;
  return (
    <ul className="attachments" aria-label="Attachments">
      {files.map((f) => (
        <li key={f.id}>
          <a href={f.href} title={f.name}>
            {/* The kind is drawn by CSS (attr()), so that the link's text is the name alone. */}
            <span className="file-preview" aria-hidden="true" data-kind={f.image ? undefined : kindOf(f.name)}>
              {/* eslint-disable-next-line @next/next/no-img-element -- a permission-checked download, not a static asset to optimise */}
              {f.image ? <img src={f.href} alt="" loading="lazy" decoding="async" /> : null}
            </span>
            <span className="file-name">{f.name}</span>
          </a>
          <span className="size">{formatBytes(f.size)}</span>
        </li>
      ))}
    </ul>
  );
}
