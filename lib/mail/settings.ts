import "server-only";
import { db, reader } from "../db";
import type { Actor } from "../tickets/permissions";
import { builtInDefault, kindsFor, NOTIFICATION_KINDS, type NotificationKind } from "./kinds";

/** What each person hears, and what people hear who have not chosen (admins set that). */

export type Choice = { kind: NotificationKind; label: string; enabled: boolean };

/** Every time zone this server knows, for the settings form (UTC first). */
export function timeZones(): string[] {
  const all = Intl.supportedValuesOf("timeZone");
  return ["UTC", ...all.filter((z) => z !== "UTC")];
}

export function isTimeZone(v: string): boolean {
  return timeZones().includes(v);
}

export async function defaults(): Promise<Choice[]> {
  const rows = await reader.notificationDefault.findMany();
  return NOTIFICATION_KINDS.map((k) => ({
    kind: k.kind,
    label: k.label,
    enabled: rows.find((r) => r.kind === k.kind)?.enabled ?? builtInDefault(k.kind),
  }));
}

/** The person's settings: each kind they can receive, as it stands for them now. */
export async function settingsOf(actor: Actor) {
  const [user, choices, defs] = await Promise.all([
    reader.user.findUnique({ where: { id: actor.id }, select: { timeZone: true, email: true } }),
    reader.notificationChoice.findMany({ where: { userId: actor.id } }),
    defaults(),
  ]);
  const kinds = kindsFor(actor.role).map((k) => ({
    kind: k.kind,
    label: k.label,
    enabled: choices.find((c) => c.kind === k.kind)?.enabled ?? defs.find((d) => d.kind === k.kind)!.enabled,
  }));
  return { timeZone: user?.timeZone ?? "UTC", email: user?.email ?? "", kinds };
}

/** Saves the person's choices for the kinds their role receives, and their time zone. */
export async function saveSettings(actor: Actor, input: { enabled: Set<NotificationKind>; timeZone: string }) {
  await db.$transaction(async (tx) => {
    for (const k of kindsFor(actor.role)) {
      const enabled = input.enabled.has(k.kind);
      await tx.notificationChoice.upsert({
        where: { userId_kind: { userId: actor.id, kind: k.kind } },
        create: { userId: actor.id, kind: k.kind, enabled },
        update: { enabled },
      });
    }
    await tx.user.update({ where: { id: actor.id }, data: { timeZone: input.timeZone === "UTC" ? null : input.timeZone } });
  });
}

/** An admin sets what everyone who has not chosen hears. */
export async function saveDefaults(actor: Actor, enabled: Set<NotificationKind>): Promise<boolean> {
  if (actor.role !== "admin") return false;
  await db.$transaction(async (tx) => {
    for (const k of NOTIFICATION_KINDS) {
      const on = enabled.has(k.kind);
      await tx.notificationDefault.upsert({ where: { kind: k.kind }, create: { kind: k.kind, enabled: on }, update: { enabled: on } });
    }
  });
  return true;
}
