import type { SavedView } from "@/lib/tickets/saved-views";

const nf = new Intl.NumberFormat("en-US");

/** A saved view's count as the list says it: exact, or "about" for a broad search's estimate. */
export const viewCountText = (v: Pick<SavedView, "count" | "estimated">) => `${v.estimated ? "about " : ""}${nf.format(v.count)}`;
