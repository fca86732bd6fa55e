-- CreateIndex
CREATE INDEX "user_name_id_idx" ON "user"("name", "id");
