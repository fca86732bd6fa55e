-- AlterTable
ALTER TABLE "user" ADD COLUMN "deactivatedAt" DATETIME;

-- CreateTable
CREATE TABLE "desk_setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT NOT NULL,
    "actorName" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "detail" TEXT,
    "address" TEXT
);

-- CreateIndex
CREATE INDEX "audit_log_action_id_idx" ON "audit_log"("action", "id");

-- CreateIndex
CREATE INDEX "audit_log_actorId_id_idx" ON "audit_log"("actorId", "id");

-- The audit log is append-only for the application: nothing may change or remove an entry.
CREATE TRIGGER "audit_log_no_update" BEFORE UPDATE ON "audit_log" BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER "audit_log_no_delete" BEFORE DELETE ON "audit_log" BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
