"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requestClientAddress } from "@/lib/auth/request-address";
import { defineAction } from "@/lib/action";
import { type FormState, FORM_UNREADABLE } from "@/lib/forms";
import { KIND_NAMES, type NotificationKind } from "@/lib/mail/kinds";
import { saveDefaults, saveSettings } from "@/lib/mail/settings";
import { isTimeZone } from "@/lib/people/time-zone";

export type SettingsField = "timeZone" | "keyboardShortcuts";

/** One checkbox per kind: present ("on") when ticked, absent when not. */
const checkboxes = Object.fromEntries(
  KIND_NAMES.map((k) => [k, z.preprocess((v) => v === "on" || v === "true", z.boolean())]),
) as unknown as Record<NotificationKind, z.ZodType<boolean>>;

const ticked = (data: Record<string, unknown>) => new Set(KIND_NAMES.filter((k) => data[k] === true));

/**
 * The "Keyboard shortcuts" box, as the form sends it: "on" when ticked, absent when not. Anything
 * else did not come from the form and is refused, with nothing saved.
 */
const shortcutsBox = z
  .enum(["on"], { error: "Tick the box or leave it clear." })
  .optional()
  .transform((v) => v === "on");

const settingsForm = z.object({
  ...checkboxes,
  keyboardShortcuts: shortcutsBox,
  timeZone: z.preprocess(
    (v) => (typeof v === "string" && v !== "" ? v : "UTC"),
    z.string().max(64).refine(isTimeZone, "Choose a time zone from the list."),
  ),
});

const unreadable: FormState<SettingsField> = { fieldErrors: {}, values: {}, message: FORM_UNREADABLE };

export const saveSettingsAction = defineAction({
  who: "actor",
  bound: [],
  withState: true,
  form: settingsForm,
  echo: ["timeZone"] as SettingsField[],
  rejected: unreadable,
  async run({ actor, data }) {
    await saveSettings(actor, { enabled: ticked(data), timeZone: data.timeZone, keyboardShortcuts: data.keyboardShortcuts });
    revalidatePath("/", "layout");
    return { ok: true, fieldErrors: {}, values: {}, message: "Your settings are saved." };
  },
});

export const saveDefaultsAction = defineAction({
  who: "actor",
  bound: [],
  withState: true,
  form: z.object(checkboxes),
  echo: [] as never[],
  rejected: { fieldErrors: {}, values: {}, message: FORM_UNREADABLE } as FormState<never>,
  async run({ actor, data }) {
    if (!(await saveDefaults(actor, ticked(data), await requestClientAddress()))) {
      return { fieldErrors: {}, values: {}, message: "Only admins can change the defaults." };
    }
    revalidatePath("/admin/mail");
    return { ok: true, fieldErrors: {}, values: {}, message: "The defaults are saved. People who have not chosen for themselves get these." };
  },
});
