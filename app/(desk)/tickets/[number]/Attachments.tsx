import { formatBytes } from "@/lib/files/names";
import type { AttachmentView } from "@/lib/tickets/attachments";
import { Time } from "../../../_components/Time";

/** What a tile without a preview shows: the name's extension ("PDF", "LOG"), else "FILE". */
function kindOf(name: string): string {
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(name)?.[1];
  return ext ? ext.toUpperCase() : "FILE";
}

/**
 * The files of a description or a comment: a tile each, its link named by the file's name (the
 * preview is decoration: alt=""), its size below. An image (only the raster types the download
 * serves inline) shows as a bounded preview; anything else shows its kind. A removed file keeps
 * its place, saying who removed it and when. `remove` (staff only: removeAttachmentAction bound
 * to the ticket's number) gives each file a "Remove attachment" button, which sends the file's id. Nothing when there are none.
 */
export function Attachments({
  files,
  remove,
}: {
  files: readonly AttachmentView[] | undefined;
  remove?: (form: FormData) => Promise<void>;
}) {
  if (!files?.length) return null;
  return (
    // Named by its title, not aria-label: "Attachments" also labels the form's file field, and a
    // label lookup should find the field alone.
    <ul className="attachments" title="Attachments">
      {files.map((f) =>
        f.removed ? (
          <li key={f.id} className="removed">
            <span className="file-preview" aria-hidden="true" data-kind="—" />
            <span className="file-name">{f.name}</span>
            <span className="size">
              Removed by {f.removed.by} <Time date={f.removed.at} />
            </span>
          </li>
        ) : (
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
            {remove ? (
              <form action={remove} className="remove-file">
                <button type="submit" name="attachment" value={f.id} className="link-button">Remove attachment</button>
              </form>
            ) : null}
          </li>
        ),
      )}
    </ul>
  );
}
