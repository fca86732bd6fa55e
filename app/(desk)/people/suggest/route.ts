import { z } from "zod";
import { getActor } from "@/lib/auth/session";
import { isStaff } from "@/lib/people/identity";
import { suggestPeople } from "@/lib/people/queries";
import { EMAIL_MAX } from "@/lib/limits";

/**
 * Suggestions for the Requester and Assignee fields (app/(desk)/tickets/PersonInput.tsx): at most
 * ten people whose email or name starts with `q`, as JSON. Staff only, checked here: to anyone
 * else it does not exist (404, no body), as an admin page does not for an agent. `for=assignee`
 * offers only people who may be given tickets (active agents and admins). Never cached: people
 * sign up and change roles through any process.
 */
const params = z.object({
  q: z.string().max(EMAIL_MAX * 4).catch(""),
  for: z.enum(["requester", "assignee"]).catch("requester"),
});

const HEADERS = { "Cache-Control": "no-store", Vary: "Cookie" };

export async function GET(request: Request) {
  const actor = await getActor();
  if (!actor) return new Response(null, { status: 401, headers: HEADERS });
  if (!isStaff(actor)) return new Response(null, { status: 404, headers: HEADERS });
  const url = new URL(request.url);
  const { q, for: scope } = params.parse({ q: url.searchParams.get("q") ?? "", for: url.searchParams.get("for") ?? "" });
  const people = await suggestPeople(actor, q, { assignable: scope === "assignee" });
  return Response.json(
    { people: people.map((p) => ({ email: p.email, name: p.name, ...(p.deactivated ? { note: "deactivated" } : {}) })) },
    { headers: HEADERS },
  );
}
