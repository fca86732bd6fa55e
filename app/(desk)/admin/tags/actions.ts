"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/action";
import { requestClientAddress } from "@/lib/auth/request-address";
import { parseSerialId } from "@/lib/limits";
import { normaliseTag, TAG_RULE } from "@/lib/tickets/tag-names";
import { renameTag } from "@/lib/tickets/tags";
import type { RenameState } from "./rename-state";

const form = z.object({
  // Which tag: every row's form posts to this one action, so the tag is a field (a serial id).
  tag: z.preprocess((v) => (typeof v === "string" ? parseSerialId(v) : null), z.number({ message: "That tag no longer exists." })),
  name: z.preprocess(
    (v) => (typeof v === "string" ? v : ""),
    z.string().max(200, TAG_RULE).transform((v, ctx) => {
      const tag = normaliseTag(v);
      if (tag) return tag;
      ctx.addIssue({ code: "custom", message: v.trim() ? `"${v.trim().slice(0, 50)}" is not a tag. ${TAG_RULE}` : "Type the tag's new name." });
      return z.NEVER;
    }),
  ),
});

const GONE: RenameState = { fieldErrors: {}, values: {}, message: "That tag no longer exists." };

/** Renames a tag, or merges it into the tag that has the new name (admins): lib/tickets/tags.ts renameTag. */
export const renameTagAction = defineAction({
  who: "actor",
  bound: [],
  withState: true,
  form,
  echo: ["name", "tag"] as ("name" | "tag")[],
  rejected: { fieldErrors: {}, values: {}, message: "That form could not be read. Reload the page and try again." } as RenameState,
  async run({ actor, data, values }): Promise<RenameState> {
    const result = await renameTag(actor, data.tag, data.name, await requestClientAddress());
    revalidatePath("/admin/tags");
    switch (result.kind) {
      case "renamed":
        return { ok: true, fieldErrors: {}, values: {}, message: `Renamed ${result.from} to ${result.to}.` };
      case "merged":
        return { ok: true, fieldErrors: {}, values: {}, message: `Merged ${result.from} into ${result.into}: ${result.tickets.toLocaleString("en-US")} ${result.tickets === 1 ? "ticket" : "tickets"}` };
      case "unchanged":
        return { fieldErrors: { name: ["That is its name already."] }, values, message: "That is its name already." };
      case "not_found":
        return GONE;
      case "forbidden":
        return { fieldErrors: {}, values: {}, message: "Only admins can rename tags." };
    }
  },
});
