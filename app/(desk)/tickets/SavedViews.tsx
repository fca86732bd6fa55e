import type { BoundFormAction } from "@/lib/forms";
import type { SavedView } from "@/lib/tickets/saved-views";
import { SAVED_VIEWS_PER_PERSON } from "@/lib/limits";
import { SaveViewForm } from "./SaveViewForm";
import type { ViewField } from "./list-actions";

const nf = new Intl.NumberFormat("en-US");

/** A saved view's count as the list says it: exact, or "about" for a broad search's estimate. */
export const viewCountText = (v: Pick<SavedView, "count" | "estimated">) => `${v.estimated ? "about " : ""}${nf.format(v.count)}`;

/**
 * Under the quick views: "Save view" for the list as it is now, and the reader's views with
 * "Delete view" (admins: the shared ones too). Folded by default: it is used now and then, the
 * list all day.
 */
export function SavedViewsPanel({
  views,
  query,
  mayShare,
  save,
  remove,
}: {
  views: SavedView[];
  query: string;
  mayShare: boolean;
  save: BoundFormAction<ViewField>;
  remove: (form: FormData) => Promise<void>;
}) {
  const deletable = views.filter((v) => v.deletable);
  return (
    <details className="views-panel">
      <summary>Save or delete views</summary>
      <div className="views-body">
        <SaveViewForm save={save} query={query} mayShare={mayShare} />
        {deletable.length ? (
          <ul className="views-own" aria-label="Your views">
            {deletable.map((v) => (
              <li key={v.id}>
                <span className="view-name">{v.name}</span>
                {v.shared ? <span className="view-shared">Shared</span> : null}
                <form action={remove}>
                  <input type="hidden" name="view" value={v.id} />
                  <button type="submit" className="link-button">Delete view</button>
                </form>
              </li>
            ))}
          </ul>
        ) : (
          <p className="hint">Filter and sort the list, then name it here: it appears beside the quick views, with its count. Up to {SAVED_VIEWS_PER_PERSON}.</p>
        )}
      </div>
    </details>
  );
}
