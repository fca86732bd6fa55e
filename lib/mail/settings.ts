import "server-only";
import { read, write, type Rows } from "../db";
import { audit } from "../audit/log";
import { setKeyboardShortcutsIn, setTimeZoneIn } from "../people/commands";
import { isAdmin, type Actor } from "../people/identity";
import { builtInDefault, kindsFor, NOTIFICATION_KINDS, type NotificationKind } from "./kinds";

/** What each person hears, and what people hear who have not chosen (admins set that). */

export type Choice = { kind: NotificationKind; label: string; enabled: boolean };

export async function defaults(): Promise<Choice[]> {
  return defaultsIn(read);
}

async function defaultsIn(rows: Rows): Promise<Choice[]> {
  const stored = await rows.all<{ kind: string; enabled: number | boolean }>(`SELECT "kind", "enabled" FROM "notification_default"`);
  return NOTIFICATION_KINDS.map((k) => {
    const row = stored.find((r) => r.kind === k.kind);
    return { kind: k.kind, label: k.label, enabled: row ? Boolean(row.enabled) : builtInDefault(k.kind) };
  });
}

/**
 * The person's settings: each kind they can receive, as it stands for them now, their time zone,
 * and whether keyboard shortcuts are on.
 */
export async function settingsOf(actor: Actor) {
  const [user, choices, defs] = await Promise.all([
    read.get<{ timeZone: string | null; email: string; keyboardShortcuts: boolean | number }>(
      `SELECT "timeZone", "email", "keyboardShortcuts" FROM "user" WHERE "id" = ?`,
      actor.id,
    ),
    read.all<{ kind: string; enabled: number | boolean }>(`SELECT "kind", "enabled" FROM "notification_choice" WHERE "userId" = ?`, actor.id),
    defaults(),
  ]);
  const kinds = kindsFor(actor.role).map((k) => {
    const mine = choices.find((c) => c.kind === k.kind);
    return { kind: k.kind, label: k.label, enabled: mine ? Boolean(mine.enabled) : defs.find((d) => d.kind === k.kind)!.enabled };
  });
  return { timeZone: user?.timeZone ?? "UTC", email: user?.email ?? "", keyboardShortcuts: Boolean(user?.keyboardShortcuts ?? true), kinds };
}

/**
 * Saves the person's choices for the kinds their role receives, their time zone (a zone
 * isTimeZone accepted) and, when given, whether keyboard shortcuts are on.
 */
export async function saveSettings(actor: Actor, input: { enabled: Set<NotificationKind>; timeZone: string; keyboardShortcuts?: boolean }) {
  await write(async (tx) => {
    for (const k of kindsFor(actor.role)) {
      await tx.run(
        `INSERT INTO "notification_choice" ("userId", "kind", "enabled") VALUES (?, ?, ?)
         ON CONFLICT ("userId", "kind") DO UPDATE SET "enabled" = excluded."enabled"`,
        actor.id, k.kind, input.enabled.has(k.kind),
      );
    }
    await setTimeZoneIn(tx, actor.id, input.timeZone);
    if (input.keyboardShortcuts !== undefined) await setKeyboardShortcutsIn(tx, actor.id, input.keyboardShortcuts);
  });
}

/** An admin sets what everyone who has not chosen hears; the audit log records what changed. */
export async function saveDefaults(actor: Actor, enabled: Set<NotificationKind>, from: string | null = null): Promise<boolean> {
  if (!isAdmin(actor)) return false;
  await write(async (tx) => {
    const before = await defaultsIn(tx);
    const changed = NOTIFICATION_KINDS.filter((k) => before.find((d) => d.kind === k.kind)?.enabled !== enabled.has(k.kind));
    if (changed.length) {
      const detail = changed.map((k) => `${k.label}: ${enabled.has(k.kind) ? "on" : "off"}`).join("; ");
      await audit(tx, actor, { action: "mail_defaults", target: "Notification defaults", detail, from });
    }
    for (const k of NOTIFICATION_KINDS) {
      await tx.run(
        `INSERT INTO "notification_default" ("kind", "enabled") VALUES (?, ?) ON CONFLICT ("kind") DO UPDATE SET "enabled" = excluded."enabled"`,
        k.kind, enabled.has(k.kind),
      );
    }
  });
  return true;
}
