"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction, userIdArg } from "@/lib/action";
import { changeRole } from "@/lib/people/commands";
import type { FormState } from "@/lib/forms";
import { ROLES } from "@/lib/people/identity";

/** "an admin", "an agent", "a requester". */
const withArticle = (role: string) => `${/^[aeiou]/i.test(role) ? "an" : "a"} ${role}`;

const roleForm = z.object({
  role: z.preprocess((v) => v ?? "", z.enum(ROLES, { message: "Choose requester, agent or admin." })),
});

export const changeRoleAction = defineAction({
  who: "actor",
  bound: [userIdArg],
  withState: true,
  form: roleForm,
  echo: ["role"],
  rejected: { fieldErrors: {}, values: {}, message: "That user no longer exists." } as FormState<"role">,
  async run({ actor, args: [userId], data: { role }, values }) {
    const result = await changeRole(actor, userId, role);
    revalidatePath("/admin/users");
    switch (result.kind) {
      case "changed":
        return { ok: true, fieldErrors: {}, values: {}, message: `${result.name} is now ${withArticle(result.role)}.` };
      case "unchanged":
        return { ok: true, fieldErrors: {}, values: {}, message: `${result.name} is already ${withArticle(role)}.` };
      case "last_admin": {
        const message = "You cannot demote the last admin. Make someone else an admin first.";
        return { fieldErrors: { role: [message] }, values, message };
      }
      case "not_found":
        return { fieldErrors: {}, values: {}, message: "That user no longer exists." };
      case "forbidden":
        return { fieldErrors: {}, values: {}, message: "Only admins can change roles." };
    }
  },
});
