import Link from "next/link";
import { requireStaff } from "@/lib/auth/session";
import { createSavedReplyAction } from "../actions";
import { ReplyForm } from "../ReplyForm";

export const metadata = { title: "New saved reply" };

export default async function NewSavedReplyPage() {
  await requireStaff();
  return (
    <div className="narrow">
      <p className="crumbs"><Link href="/saved-replies" prefetch={false}>Saved replies</Link></p>
      <h1>New saved reply</h1>
      <ReplyForm save={createSavedReplyAction} />
    </div>
  );
}
