"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireActor } from "@/lib/auth/session";
import { changeRole } from "@/lib/users/commands";
import { ROLES } from "@/lib/tickets/permissions";
import type { FormState } from "@/lib/forms";

/** "an admin", "an agent", "a requester". */
const withArticle = (role: string) => `${/^[aeiou]/i.test(role) ? "an" : "a"} ${role}`;

const schema = z.object({
  role: z.enum(ROLES, { message: "Choose requester, agent or admin." }),
});

export async function changeRoleAction(
  userId: string,
  _prev: FormState<"role">,
  form: FormData,
): Promise<FormState<"role">> {
  const actor = await requireActor();
  const raw = typeof form.get("role") === "string" ? String(form.get("role")) : "";
  const parsed = schema.safeParse({ role: raw });
  if (!parsed.success) {
    const message = parsed.error.issues[0].message;
    return { fieldErrors: { role: [message] }, values: { role: raw }, message };
  }
  const result = await changeRole(actor, userId, parsed.data.role);
  revalidatePath("/admin/users");
  switch (result.kind) {
    case "changed":
      return { ok: true, fieldErrors: {}, values: {}, message: `${result.name} is now ${withArticle(result.role)}.` };
    case "unchanged":
      return { ok: true, fieldErrors: {}, values: {}, message: `${result.name} is already ${withArticle(parsed.data.role)}.` };
    case "last_admin": {
      const message = "You cannot demote the last admin. Make someone else an admin first.";
      return { fieldErrors: { role: [message] }, values: { role: raw }, message };
    }
    case "not_found":
      return { fieldErrors: {}, values: {}, message: "That user no longer exists." };
    case "forbidden":
      return { fieldErrors: {}, values: {}, message: "Only admins can change roles." };
  }
}
