import "server-only";
import { asDate, sqlDate, write } from "../db";

/**
 * Named leases in the database: a job that only one process may run at a time (the mailbox
 * poller) takes one before it starts and gives it back when done. A process that dies holding it
 * blocks the job only until the lease runs out.
 */
export async function takeLease(name: string, owner: string, ms: number, now = new Date()): Promise<boolean> {
  const until = sqlDate(now.getTime() + ms);
  return write(async (tx) => {
    const held = await tx.get<{ owner: string; until: string | Date }>(`SELECT "owner", "until" FROM "lease" WHERE "name" = ?`, name);
    if (held && held.owner !== owner && asDate(held.until) > now) return false;
    await tx.run(
      `INSERT INTO "lease" ("name", "owner", "until") VALUES (?, ?, ?)
       ON CONFLICT ("name") DO UPDATE SET "owner" = excluded."owner", "until" = excluded."until"`,
      name, owner, until,
    );
    return true;
  }, { exclusive: true });
}

/** Gives a lease back (only if this owner still holds it). */
export async function releaseLease(name: string, owner: string) {
  await write((tx) => tx.run(`DELETE FROM "lease" WHERE "name" = ? AND "owner" = ?`, name, owner));
}
