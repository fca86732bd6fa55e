import "server-only";
import { db, serialTransaction } from "../db";

/**
 * Named leases in the database: a job that only one process may run at a time (the mailbox
 * poller) takes one before it starts and gives it back when done. A process that dies holding it
 * blocks the job only until the lease runs out.
 */
export async function takeLease(name: string, owner: string, ms: number, now = new Date()): Promise<boolean> {
  const until = new Date(now.getTime() + ms);
  return serialTransaction(async (tx) => {
    const held = await tx.lease.findUnique({ where: { name } });
    if (held && held.owner !== owner && held.until > now) return false;
    await tx.lease.upsert({ where: { name }, create: { name, owner, until }, update: { owner, until } });
    return true;
  });
}

/** Gives a lease back (only if this owner still holds it). */
export async function releaseLease(name: string, owner: string) {
  await db.lease.deleteMany({ where: { name, owner } });
}
