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
 * its place, saying who removed it and when. `remove` (staff only) gives each file a "Remove
 * attachment" button, which sends the file's id with the page's one form for it (the button's
 * `form` attribute): one form a page, however many files. Nothing when there are none.
 */
export function Attachments({
  files,
  remove,
}: {
  files: readonly AttachmentView[] | undefined;
  /** The id of the page's one Remove attachment form (RemoveAttachmentForm), for staff. */
  remove?: string;
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
              <span className="file-name" id={`file-${f.id}`}>{f.name}</span>
            </a>
            <span className="size">{formatBytes(f.size)}</span>
            {remove ? (
              <button type="submit" form={remove} name="attachment" value={f.id} className="link-button remove-file" aria-describedby={`file-${f.id}`}>
                Remove attachment
              </button>
            ) : null}
          </li>
        ),
      )}
    </ul>
  );
}

/**
 * The page's one form for removing a file (removeAttachmentAction bound to the ticket's number):
 * empty, the buttons under each file submit it from where they stand.
 */
export function RemoveAttachmentForm({ id, action }: { id: string; action: (form: FormData) => Promise<void> }) {
  return <form id={id} action={action} hidden />;
}
