import type { FormState } from "@/lib/forms";

/** The tags page's one form state; `values.tag` says which row's field an error belongs to. */
export type RenameState = FormState<"name" | "tag">;
