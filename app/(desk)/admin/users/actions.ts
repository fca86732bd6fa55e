"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction, userIdArg } from "@/lib/action";
import { theirEmail } from "@/lib/auth/schema";
import { requestClientAddress } from "@/lib/auth/request-address";
import { env } from "@/lib/env";
import { changeRole, INVITATION_DAYS, invitePerson, setActive } from "@/lib/people/commands";
import type { FormState } from "@/lib/forms";
import { ROLES } from "@/lib/people/identity";
import { withArticle } from "@/lib/text";


const role = z.preprocess((v) => v ?? "", z.enum(ROLES, { message: "Choose requester, agent or admin." }));

const roleForm = z.object({ role });

export const changeRoleAction = defineAction({
  who: "actor",
  bound: [userIdArg],
  withState: true,
  form: roleForm,
  echo: ["role"],
  rejected: { fieldErrors: {}, values: {}, message: "That user no longer exists." } as FormState<"role">,
  async run({ actor, args: [userId], data: { role }, values }) {
    const result = await changeRole(actor, userId, role, await requestClientAddress());
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

export type InviteField = "email" | "role";

/** An invitation's answer; `link` only while mail is off, for the admin to pass on by hand. */
export type InviteState = FormState<InviteField> & { link?: string };

export const inviteAction = defineAction({
  who: "actor",
  bound: [],
  withState: true,
  form: z.object({ email: theirEmail, role }),
  echo: ["email", "role"] as InviteField[],
  rejected: { fieldErrors: {}, values: {}, message: "That form could not be read. Reload the page and try again." } as InviteState,
  async run({ actor, data, values }): Promise<InviteState> {
    const result = await invitePerson(actor, data, await requestClientAddress());
    switch (result.kind) {
      case "invited": {
        revalidatePath("/admin/users");
        const what = `${result.again ? "A new invitation" : "An invitation"} for ${result.email} as ${withArticle(result.role)}`;
        if (!env().TRIAGE_SMTP_URL) {
          return {
            ok: true, fieldErrors: {}, values: {},
            message: `${what} is ready. Mail is off, so nothing was sent: give them this link yourself (it works once, for ${INVITATION_DAYS} days).`,
            link: result.link,
          };
        }
        return { ok: true, fieldErrors: {}, values: {}, message: `${what} is on its way. The link works once, for ${INVITATION_DAYS} days.` };
      }
      case "exists": {
        const message = `${result.name} already has an account with this address. Change their role in the list instead.`;
        return { fieldErrors: { email: [message] }, values, message };
      }
      case "deactivated": {
        const message = `${result.name} has a deactivated account with this address. Reactivate it in the list instead.`;
        return { fieldErrors: { email: [message] }, values, message };
      }
      case "too_many":
        return { fieldErrors: {}, values, message: "You have sent many invitations this hour. Try again later." };
      case "forbidden":
        return { fieldErrors: {}, values: {}, message: "Only admins can invite people." };
    }
  },
});

/** The answer in the person's row: what happened, and where their open tickets are. */
export type ActiveState = FormState<never> & { openTickets?: number };

const activeRejected: ActiveState = { fieldErrors: {}, values: {}, message: "That user no longer exists." };

async function answer(actor: Parameters<typeof setActive>[0], userId: string, active: boolean): Promise<ActiveState> {
  const result = await setActive(actor, userId, active, await requestClientAddress());
  revalidatePath("/admin/users");
  switch (result.kind) {
    case "deactivated":
      return {
        ok: true, fieldErrors: {}, values: {}, openTickets: result.openTickets,
        message: `${result.name} is deactivated and signed out everywhere.${result.openTickets ? ` ${result.openTickets} open ${result.openTickets === 1 ? "ticket is" : "tickets are"} still assigned to them.` : ""}`,
      };
    case "reactivated":
      return { ok: true, fieldErrors: {}, values: {}, message: `${result.name} is active again and may sign in.` };
    case "unchanged":
      return { ok: true, fieldErrors: {}, values: {}, message: `${result.name} is already ${result.active ? "active" : "deactivated"}.` };
    case "self":
      return { fieldErrors: {}, values: {}, message: "You cannot deactivate yourself. Ask another admin." };
    case "last_admin":
      return { fieldErrors: {}, values: {}, message: "You cannot deactivate the last admin. Make someone else an admin first." };
    case "not_found":
      return activeRejected;
    case "forbidden":
      return { fieldErrors: {}, values: {}, message: "Only admins can deactivate people." };
  }
}

/**
 * "Deactivate" and "Reactivate" are one action, told which by the form: the row's form keeps its
 * identity when its button flips, so that without JavaScript the answer still lands beside it.
 */
export const setActiveAction = defineAction({
  who: "actor",
  bound: [userIdArg],
  withState: true,
  form: z.object({ to: z.enum(["active", "deactivated"]) }),
  echo: [],
  rejected: activeRejected,
  run: ({ actor, args: [userId], data: { to } }) => answer(actor, userId, to === "active"),
});
