"use server";

import { redirect } from "next/navigation";
import { defineAction } from "@/lib/action";
import { newTicketSchema } from "@/lib/tickets/schema";

let posts = 0;

/**
 * The benchmark's floor for a create: the new-ticket form's fields posted without JavaScript to an
 * action made like createTicketAction (the front door's wire check of the post, the session, every
 * field parsed) that saves nothing and answers 303. What a create costs beyond this is its
 * command's (the transaction and the mail it queues). In the build only with the floor's page
 * (page.bench.tsx), which is built only for the benchmark.
 */
export const floorCreate = defineAction({
  who: "actor",
  bound: [],
  withState: false,
  form: newTicketSchema,
  echo: [],
  rejected: undefined,
  async run() {
    redirect(`/bench-floor?created=${++posts}`);
  },
});
