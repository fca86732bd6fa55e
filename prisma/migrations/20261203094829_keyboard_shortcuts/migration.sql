-- AlterTable
-- Written by hand: Prisma's diff rebuilds "user" to add a NOT NULL column on SQLite, and
-- dropping the table would drop its trigger "user_name_changed" (init migration). SQLite adds a
-- NOT NULL column with a constant default in place, the existing rows reading the default.
ALTER TABLE "user" ADD COLUMN "keyboardShortcuts" BOOLEAN NOT NULL DEFAULT true;
