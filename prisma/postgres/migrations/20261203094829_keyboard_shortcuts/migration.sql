-- AlterTable
ALTER TABLE "user" ADD COLUMN     "keyboardShortcuts" BOOLEAN NOT NULL DEFAULT true;
