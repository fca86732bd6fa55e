import { AsyncLocalStorage } from "node:async_hooks";
import type { SqlDriverAdapter, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";

/**
 * The better-sqlite3 adapter runs everything on one connection, and only transactions take its
 * lock: a plain query issued by another request while a transaction is open would run inside
 * that transaction (and be rolled back with it). This wrapper puts every top-level query on the
 * writing connection behind the same lock as transactions, so each transaction is isolated from
 * concurrent requests: a statement on this connection waits while another request's interactive
 * transaction is open, even between its statements. That is why pages read through a second,
 * read-only connection (openRows): in WAL mode it reads the last committed state without
 * waiting for the writer at all.
 */
export class Lock {
  #tail: Promise<void> = Promise.resolve();
  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return ready;
  }
}

/**
 * One lock per database file in this process, shared by the Prisma client that writes and by the
 * writer's own connection (openWriter), so that neither starts a transaction while the other has
 * one open. On globalThis: Next.js may load this module more than once.
 */
export function lockFor(file: string): Lock {
  const g = globalThis as unknown as { triageWriteLocks?: Map<string, Lock> };
  const locks = (g.triageWriteLocks ??= new Map());
  let lock = locks.get(file);
  if (!lock) locks.set(file, (lock = new Lock()));
  return lock;
}

/**
 * Set while a write() transaction's function runs on the writer's connection. Prisma's client
 * (Better Auth's) takes the same lock: used from inside such a function it would wait for the
 * lock that function holds, forever. So it refuses, loudly, instead. On globalThis: Next.js may
 * load this module more than once.
 */
const g = globalThis as unknown as { triageInsideWrite?: AsyncLocalStorage<true> };
export const insideWrite = (g.triageInsideWrite ??= new AsyncLocalStorage<true>());

function refuseInsideWrite() {
  if (insideWrite.getStore()) throw new Error("Prisma's client was used inside write(): run the statement on the transaction it was given");
}

export function serialised(inner: SqlDriverAdapter, lock: Lock): SqlDriverAdapter {
  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    refuseInsideWrite();
    const release = await lock.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (q: SqlQuery) => exclusive(() => inner.queryRaw(q)),
    executeRaw: (q: SqlQuery) => exclusive(() => inner.executeRaw(q)),
    executeScript: (s: string) => exclusive(() => inner.executeScript(s)),
    getConnectionInfo: inner.getConnectionInfo?.bind(inner),
    dispose: () => inner.dispose(),
    async startTransaction(level): Promise<Transaction> {
      refuseInsideWrite();
      const release = await lock.acquire();
      try {
        const tx = await inner.startTransaction(level);
        let released = false;
        const done = () => {
          if (!released) {
            released = true;
            release();
          }
        };
        return {
          provider: tx.provider,
          adapterName: tx.adapterName,
          options: tx.options,
          queryRaw: (q) => tx.queryRaw(q),
          executeRaw: (q) => tx.executeRaw(q),
          commit: () => tx.commit().finally(done),
          rollback: () => tx.rollback().finally(done),
        };
      } catch (e) {
        release();
        throw e;
      }
    },
  };
}

