import Link from "next/link";
import { notFound } from "next/navigation";
import { requireStaff } from "@/lib/auth/session";
import { parseSerialId } from "@/lib/limits";
import { getSavedReply } from "@/lib/replies/replies";
import { deleteSavedReplyAction, updateSavedReplyAction } from "../actions";
import { ReplyForm } from "../ReplyForm";
import styles from "../replies.module.css";

export const metadata = { title: "Edit saved reply" };

/** One saved reply to change or delete: 404 to requesters, and for an id that names none. */
export default async function EditSavedReplyPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireStaff();
  const id = parseSerialId((await params).id);
  const reply = id === null ? null : await getSavedReply(actor, id);
  if (!reply) notFound();
  return (
    <div className="narrow">
      <p className="crumbs"><Link href="/saved-replies" prefetch={false}>Saved replies</Link></p>
      <h1>Edit “{reply.name}”</h1>
      <ReplyForm save={updateSavedReplyAction.bind(null, reply.id)} name={reply.name} body={reply.body} />
      <form action={deleteSavedReplyAction.bind(null, reply.id)} className={styles.dangerZone}>
        <h2>Delete this reply</h2>
        <p className="hint">It is removed for all staff. Comments it was inserted into keep their text.</p>
        <button type="submit" className={`button ${styles.danger}`}>Delete reply</button>
      </form>
    </div>
  );
}
