import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { knownMigrations, readiness } from "@/lib/db/readiness";

/** GET /readyz's answer (lib/db/readiness.ts), on this file's migrated database. */
const dir = path.resolve(env().dialect === "postgres" ? "prisma/postgres/migrations" : "prisma/migrations");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "triage-readiness-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of the migrations folder with `extra` migrations this version would know besides. */
function migrationsWith(extra: string[]): string {
  const copy = fs.mkdtempSync(path.join(tmp, "m-"));
  for (const m of [...knownMigrations(dir), ...extra]) {
    fs.mkdirSync(path.join(copy, m));
    fs.writeFileSync(path.join(copy, m, "migration.sql"), "SELECT 1;");
  }
  return copy;
}

describe("readiness", () => {
  it("is ready when every migration this version knows is applied", async () => {
    expect(knownMigrations(dir)).toContain("20261203031500_search_terms");
    expect(await readiness(dir)).toEqual({ ready: true });
  });

  it("is not ready while a migration is missing from the database, and names it", async () => {
    expect(await readiness(migrationsWith(["29991231000000_later"]))).toEqual({ ready: false, reason: "migrations not applied: 29991231000000_later" });
  });

  it("stays ready when the database has a migration this version does not know (a newer version's, mid-upgrade)", async () => {
    const older = migrationsWith([]);
    const newest = knownMigrations(older).at(-1)!;
    fs.rmSync(path.join(older, newest), { recursive: true });
    expect(await readiness(older)).toEqual({ ready: true });
  });
});
