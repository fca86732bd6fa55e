"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/action";
import { retryMail } from "@/lib/mail/outbox";

export type RetryState = { ok?: boolean; message?: string };

/**
 * An outbox row id, bound on the server: a positive whole number that fits the column
 * (PostgreSQL's `integer`; a larger one would make the query throw, where SQLite's is wider).
 */
const MAX_MAIL_ID = 2_147_483_647;
const mailIdArg = z.custom<number>((v) => Number.isSafeInteger(v) && (v as number) > 0 && (v as number) <= MAX_MAIL_ID);

export const retryMailAction = defineAction({
  who: "actor",
  bound: [mailIdArg],
  withState: true,
  form: z.object({}),
  echo: [] as never[],
  rejected: { message: "That message no longer exists." } as RetryState,
  invalid: () => ({ message: "That message no longer exists." }),
  async run({ actor, args: [id] }): Promise<RetryState> {
    if (actor.role !== "admin") return { message: "That message no longer exists." };
    const ok = await retryMail(id);
    revalidatePath("/admin/mail");
    return ok ? { ok: true, message: "Queued again." } : { message: "That message is not failed any more." };
  },
});
