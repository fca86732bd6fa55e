"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction, serialIdArg } from "@/lib/action";
import { retryMail } from "@/lib/mail/outbox";
import { isAdmin } from "@/lib/people/identity";

export type RetryState = { ok?: boolean; message?: string };

/** Queues a failed message again (admins), by its id bound on the server: positive, and fits the column. */
export const retryMailAction = defineAction({
  who: "actor",
  bound: [serialIdArg],
  withState: true,
  form: z.object({}),
  echo: [] as never[],
  rejected: { message: "That message no longer exists." } as RetryState,
  invalid: () => ({ message: "That message no longer exists." }),
  async run({ actor, args: [id] }): Promise<RetryState> {
    if (!isAdmin(actor)) return { message: "That message no longer exists." };
    const ok = await retryMail(id);
    revalidatePath("/admin/mail");
    return ok ? { ok: true, message: "Queued again." } : { message: "That message is not failed any more." };
  },
});
