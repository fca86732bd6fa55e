"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/action";
import { requestClientAddress } from "@/lib/auth/request-address";
import { saveSignUpPolicy } from "@/lib/desk/settings";
import { parseDomains, SIGN_UP_MODES } from "@/lib/desk/sign-up-policy";
import type { FormState } from "@/lib/forms";

export type SignUpField = "mode" | "domains" | "unknownSenders";

const form = z
  .object({
    mode: z.preprocess((v) => v ?? "", z.enum(SIGN_UP_MODES, { message: "Choose Anyone, Only these domains or Nobody." })),
    domains: z.preprocess((v) => v ?? "", z.string().max(30_000, "That list is too long.")).transform((text, ctx) => {
      const parsed = parseDomains(text);
      if (parsed.ok) return parsed.domains;
      ctx.addIssue({ code: "custom", message: parsed.error });
      return z.NEVER;
    }),
    // A checkbox: present ("on") when ticked, absent when not.
    unknownSenders: z.preprocess((v) => v === "on", z.boolean()),
  })
  .superRefine((v, ctx) => {
    if (v.mode === "domains" && v.domains.length === 0) {
      ctx.addIssue({ code: "custom", path: ["domains"], message: "List at least one domain, or choose Anyone or Nobody." });
    }
  });

export const saveSignUpAction = defineAction({
  who: "actor",
  bound: [],
  withState: true,
  form,
  echo: ["mode", "domains", "unknownSenders"] as SignUpField[],
  rejected: { fieldErrors: {}, values: {}, message: "That form could not be read. Reload the page and try again." } as FormState<SignUpField>,
  async run({ actor, data }): Promise<FormState<SignUpField>> {
    const result = await saveSignUpPolicy(actor, data, await requestClientAddress());
    revalidatePath("/admin/sign-up");
    switch (result.kind) {
      case "saved":
        return { ok: true, fieldErrors: {}, values: {}, message: "Sign-up settings saved." };
      case "unchanged":
        return { ok: true, fieldErrors: {}, values: {}, message: "Nothing changed." };
      case "forbidden":
        return { fieldErrors: {}, values: {}, message: "Only admins can change who may sign up." };
    }
  },
});
