-- PostgreSQL: the whole schema as SQLite's migrations up to 20261130152828_people_by_name leave it
-- (the tables from `prisma migrate diff --from-empty --to-schema-datamodel prisma/postgres/schema.prisma`),
-- then the counterparts of SQLite's triggers and full-text index. Applied by
-- scripts/db/migrate-postgres.ts; tests/postgres/drift.test.ts compares the result with SQLite's.

-- CreateTable
CREATE TABLE "user" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "emailVerified" BOOLEAN NOT NULL DEFAULT false,
    "image" TEXT,
    "role" TEXT NOT NULL DEFAULT 'requester',
    "timeZone" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "session" (
    "id" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "token" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "ipAddress" TEXT,
    "userAgent" TEXT,
    "userId" TEXT NOT NULL,

    CONSTRAINT "session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "account" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "accessToken" TEXT,
    "refreshToken" TEXT,
    "idToken" TEXT,
    "accessTokenExpiresAt" TIMESTAMP(3),
    "refreshTokenExpiresAt" TIMESTAMP(3),
    "scope" TEXT,
    "password" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "verification" (
    "id" TEXT NOT NULL,
    "identifier" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "verification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sign_in_throttle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "lockedUntil" TIMESTAMP(3),

    CONSTRAINT "sign_in_throttle_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "ticket" (
    "number" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 2,
    "status" INTEGER NOT NULL DEFAULT 1,
    "requesterId" TEXT NOT NULL,
    "assigneeId" TEXT,
    "requesterName" TEXT,
    "assigneeName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "ticket_pkey" PRIMARY KEY ("number")
);

-- CreateTable
CREATE TABLE "activity" (
    "id" SERIAL NOT NULL,
    "ticketNumber" INTEGER NOT NULL,
    "actorId" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "fromValue" TEXT,
    "toValue" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "activity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "comment" (
    "id" SERIAL NOT NULL,
    "ticketNumber" INTEGER NOT NULL,
    "authorId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "internal" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "comment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_default" (
    "kind" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,

    CONSTRAINT "notification_default_pkey" PRIMARY KEY ("kind")
);

-- CreateTable
CREATE TABLE "notification_choice" (
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,

    CONSTRAINT "notification_choice_pkey" PRIMARY KEY ("userId","kind")
);

-- CreateTable
CREATE TABLE "outbound_mail" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "ticketNumber" INTEGER,
    "toUserId" TEXT,
    "toAddress" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "inReplyTo" TEXT,
    "references" TEXT,
    "replyTo" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "lastResponse" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "outbound_mail_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inbound_mail" (
    "id" SERIAL NOT NULL,
    "messageKey" TEXT NOT NULL,
    "uidKey" TEXT,
    "fromAddress" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "raw" BYTEA NOT NULL,
    "size" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "ticketNumber" INTEGER,
    "commentId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbound_mail_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lease" (
    "name" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "until" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "lease_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "ticket_tally" (
    "status" INTEGER NOT NULL,
    "priority" INTEGER NOT NULL,
    "requesterId" TEXT NOT NULL,
    "assigneeId" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "ticket_tally_pkey" PRIMARY KEY ("status","priority","requesterId","assigneeId")
);

-- CreateIndex
CREATE UNIQUE INDEX "user_email_key" ON "user"("email");

-- CreateIndex
CREATE INDEX "user_role_name_idx" ON "user"("role", "name");

-- CreateIndex
CREATE INDEX "user_name_id_idx" ON "user"("name", "id");

-- CreateIndex
CREATE UNIQUE INDEX "session_token_key" ON "session"("token");

-- CreateIndex
CREATE INDEX "session_userId_idx" ON "session"("userId");

-- CreateIndex
CREATE INDEX "account_userId_idx" ON "account"("userId");

-- CreateIndex
CREATE INDEX "verification_identifier_idx" ON "verification"("identifier");

-- CreateIndex
CREATE INDEX "ticket_updatedAt_number_idx" ON "ticket"("updatedAt", "number");

-- CreateIndex
CREATE INDEX "ticket_createdAt_number_idx" ON "ticket"("createdAt", "number");

-- CreateIndex
CREATE INDEX "ticket_status_updatedAt_number_idx" ON "ticket"("status", "updatedAt", "number");

-- CreateIndex
CREATE INDEX "ticket_priority_updatedAt_number_idx" ON "ticket"("priority", "updatedAt", "number");

-- CreateIndex
CREATE INDEX "ticket_assigneeId_updatedAt_number_idx" ON "ticket"("assigneeId", "updatedAt", "number");

-- CreateIndex
CREATE INDEX "ticket_requesterId_updatedAt_number_idx" ON "ticket"("requesterId", "updatedAt", "number");

-- CreateIndex
CREATE INDEX "ticket_title_number_idx" ON "ticket"("title", "number");

-- CreateIndex
-- Nulls first, as SQLite orders them: "sort by requester" walks this index either way.
CREATE INDEX "ticket_requesterName_updatedAt_number_idx" ON "ticket"("requesterName" NULLS FIRST, "updatedAt", "number");

-- CreateIndex
-- Nulls first, as SQLite orders them: "sort by assignee" walks this index either way.
CREATE INDEX "ticket_assigneeName_updatedAt_number_idx" ON "ticket"("assigneeName" NULLS FIRST, "updatedAt", "number");

-- CreateIndex
CREATE INDEX "activity_ticketNumber_id_idx" ON "activity"("ticketNumber", "id");

-- CreateIndex
CREATE INDEX "comment_ticketNumber_id_idx" ON "comment"("ticketNumber", "id");

-- CreateIndex
CREATE UNIQUE INDEX "outbound_mail_messageId_key" ON "outbound_mail"("messageId");

-- CreateIndex
CREATE INDEX "outbound_mail_status_nextAttemptAt_idx" ON "outbound_mail"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "outbound_mail_ticketNumber_id_idx" ON "outbound_mail"("ticketNumber", "id");

-- CreateIndex
CREATE INDEX "outbound_mail_toAddress_kind_createdAt_idx" ON "outbound_mail"("toAddress", "kind", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "inbound_mail_messageKey_key" ON "inbound_mail"("messageKey");

-- CreateIndex
CREATE UNIQUE INDEX "inbound_mail_uidKey_key" ON "inbound_mail"("uidKey");

-- CreateIndex
CREATE INDEX "inbound_mail_status_id_idx" ON "inbound_mail"("status", "id");

-- CreateIndex
CREATE INDEX "inbound_mail_ticketNumber_idx" ON "inbound_mail"("ticketNumber");

-- AddForeignKey
ALTER TABLE "session" ADD CONSTRAINT "session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account" ADD CONSTRAINT "account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ticket" ADD CONSTRAINT "ticket_requesterId_fkey" FOREIGN KEY ("requesterId") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ticket" ADD CONSTRAINT "ticket_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity" ADD CONSTRAINT "activity_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "ticket"("number") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity" ADD CONSTRAINT "activity_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "comment" ADD CONSTRAINT "comment_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "ticket"("number") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "comment" ADD CONSTRAINT "comment_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_choice" ADD CONSTRAINT "notification_choice_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbound_mail" ADD CONSTRAINT "outbound_mail_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "ticket"("number") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbound_mail" ADD CONSTRAINT "outbound_mail_toUserId_fkey" FOREIGN KEY ("toUserId") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inbound_mail" ADD CONSTRAINT "inbound_mail_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "ticket"("number") ON DELETE SET NULL ON UPDATE CASCADE;


-- Raw SQL that the Prisma schema cannot express: the counterparts of SQLite's triggers and FTS5
-- index (prisma/migrations/20261125150000_init), with the same behaviour. ---------------------

-- Text the list sorts by compares byte by byte, as SQLite's BINARY collation does, whatever the
-- database's locale: the same order on both, and an index walk for "sort by title/name".
ALTER TABLE "ticket" ALTER COLUMN "title" TYPE TEXT COLLATE "C";
ALTER TABLE "ticket" ALTER COLUMN "requesterName" TYPE TEXT COLLATE "C";
ALTER TABLE "ticket" ALTER COLUMN "assigneeName" TYPE TEXT COLLATE "C";
ALTER TABLE "user" ALTER COLUMN "name" TYPE TEXT COLLATE "C";

-- ticket_tally: ticket counts by (status, priority, requester, assignee), kept in step by a
-- trigger, so that the list's "of N tickets" and the quick views' counts sum a few rows instead of
-- counting the table. An unassigned ticket counts under assigneeId ''. When a ticket moves, the
-- two rows are touched in key order, so that two transactions moving tickets in opposite
-- directions never wait on each other in a cycle.
CREATE FUNCTION "ticket_tally_change"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_key text;
  new_key text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "ticket_tally_add"(NEW."status", NEW."priority", NEW."requesterId", COALESCE(NEW."assigneeId", ''), 1);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM "ticket_tally_add"(OLD."status", OLD."priority", OLD."requesterId", COALESCE(OLD."assigneeId", ''), -1);
  ELSE
    old_key := concat_ws(chr(1), OLD."status", OLD."priority", OLD."requesterId", COALESCE(OLD."assigneeId", ''));
    new_key := concat_ws(chr(1), NEW."status", NEW."priority", NEW."requesterId", COALESCE(NEW."assigneeId", ''));
    IF old_key COLLATE "C" < new_key COLLATE "C" THEN
      PERFORM "ticket_tally_add"(OLD."status", OLD."priority", OLD."requesterId", COALESCE(OLD."assigneeId", ''), -1);
      PERFORM "ticket_tally_add"(NEW."status", NEW."priority", NEW."requesterId", COALESCE(NEW."assigneeId", ''), 1);
    ELSE
      PERFORM "ticket_tally_add"(NEW."status", NEW."priority", NEW."requesterId", COALESCE(NEW."assigneeId", ''), 1);
      PERFORM "ticket_tally_add"(OLD."status", OLD."priority", OLD."requesterId", COALESCE(OLD."assigneeId", ''), -1);
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION "ticket_tally_add"(s integer, p integer, r text, a text, d integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "ticket_tally" ("status", "priority", "requesterId", "assigneeId", "n") VALUES (s, p, r, a, d)
  ON CONFLICT ("status", "priority", "requesterId", "assigneeId") DO UPDATE SET "n" = "ticket_tally"."n" + d;
$$;

CREATE TRIGGER "ticket_tally_insert" AFTER INSERT ON "ticket" FOR EACH ROW EXECUTE FUNCTION "ticket_tally_change"();
CREATE TRIGGER "ticket_tally_delete" AFTER DELETE ON "ticket" FOR EACH ROW EXECUTE FUNCTION "ticket_tally_change"();
CREATE TRIGGER "ticket_tally_update" AFTER UPDATE OF "status", "priority", "requesterId", "assigneeId" ON "ticket"
FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status" OR OLD."priority" IS DISTINCT FROM NEW."priority"
  OR OLD."requesterId" IS DISTINCT FROM NEW."requesterId" OR OLD."assigneeId" IS DISTINCT FROM NEW."assigneeId")
EXECUTE FUNCTION "ticket_tally_change"();

-- requesterName / assigneeName: copies of the people's names for sorting by an index. Commands
-- set them when they know the name; these triggers make them right whatever wrote the row (here
-- before the row is written, where SQLite updates it after).
CREATE FUNCTION "ticket_names"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."requesterName" IS NOT NULL AND (NEW."assigneeId" IS NULL OR NEW."assigneeName" IS NOT NULL) THEN
      RETURN NEW;
    END IF;
  END IF;
  NEW."requesterName" := (SELECT "name" FROM "user" WHERE "id" = NEW."requesterId");
  NEW."assigneeName" := (SELECT "name" FROM "user" WHERE "id" = NEW."assigneeId");
  RETURN NEW;
END $$;

CREATE TRIGGER "ticket_names_insert" BEFORE INSERT ON "ticket" FOR EACH ROW EXECUTE FUNCTION "ticket_names"();
CREATE TRIGGER "ticket_names_people_changed" BEFORE UPDATE OF "requesterId", "assigneeId" ON "ticket"
FOR EACH ROW WHEN (OLD."requesterId" IS DISTINCT FROM NEW."requesterId" OR OLD."assigneeId" IS DISTINCT FROM NEW."assigneeId")
EXECUTE FUNCTION "ticket_names"();

CREATE FUNCTION "user_name_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "ticket" SET "requesterName" = NEW."name" WHERE "requesterId" = NEW."id";
  UPDATE "ticket" SET "assigneeName" = NEW."name" WHERE "assigneeId" = NEW."id";
  RETURN NULL;
END $$;

CREATE TRIGGER "user_name_changed" AFTER UPDATE OF "name" ON "user"
FOR EACH ROW WHEN (OLD."name" IS DISTINCT FROM NEW."name") EXECUTE FUNCTION "user_name_changed"();

-- search_index: full-text search over everything a ticket says, one row per document: a ticket's
-- title and description under id = ticket number, and each public comment under id = -(comment
-- id) (internal notes are not indexed, so that a requester's search can never match words only
-- agents can read). Words are runs of letters and digits, lower-cased, without diacritics, as
-- SQLite's unicode61 tokenizer reads them; the title's words weigh A, the rest D.
CREATE EXTENSION IF NOT EXISTS "unaccent";

CREATE FUNCTION "search_words"(t text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT regexp_replace(unaccent(lower(t)), '[^[:alnum:]]+', ' ', 'g');
$$;

CREATE TABLE "search_index" (
  "id" BIGINT NOT NULL PRIMARY KEY,
  "ticketNumber" INTEGER NOT NULL,
  "document" TSVECTOR NOT NULL
);
CREATE INDEX "search_index_document_idx" ON "search_index" USING GIN ("document");

CREATE FUNCTION "ticket_search"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM "search_index" WHERE "id" = OLD."number";
    RETURN NULL;
  END IF;
  INSERT INTO "search_index" ("id", "ticketNumber", "document")
  VALUES (NEW."number", NEW."number",
          setweight(to_tsvector('simple', "search_words"(NEW."title")), 'A') ||
          setweight(to_tsvector('simple', "search_words"(NEW."description")), 'D'))
  ON CONFLICT ("id") DO UPDATE SET "document" = EXCLUDED."document";
  RETURN NULL;
END $$;

CREATE TRIGGER "ticket_search_insert" AFTER INSERT ON "ticket" FOR EACH ROW EXECUTE FUNCTION "ticket_search"();
CREATE TRIGGER "ticket_search_update" AFTER UPDATE OF "title", "description" ON "ticket" FOR EACH ROW EXECUTE FUNCTION "ticket_search"();
CREATE TRIGGER "ticket_search_delete" AFTER DELETE ON "ticket" FOR EACH ROW EXECUTE FUNCTION "ticket_search"();

CREATE FUNCTION "comment_search"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM "search_index" WHERE "id" = -OLD."id";
  ELSE
    INSERT INTO "search_index" ("id", "ticketNumber", "document")
    VALUES (-NEW."id", NEW."ticketNumber", setweight(to_tsvector('simple', "search_words"(NEW."body")), 'D'));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "comment_search_insert" AFTER INSERT ON "comment" FOR EACH ROW WHEN (NOT NEW."internal") EXECUTE FUNCTION "comment_search"();
CREATE TRIGGER "comment_search_delete" AFTER DELETE ON "comment" FOR EACH ROW WHEN (NOT OLD."internal") EXECUTE FUNCTION "comment_search"();
