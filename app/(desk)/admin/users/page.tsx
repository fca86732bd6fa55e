import Link from "next/link";
import { requireAdmin } from "@/lib/auth/session";
import { parsePeopleQuery, peopleHref, PEOPLE_SHOW } from "@/lib/people/people-params";
import { listUsers, PEOPLE_PAGE } from "@/lib/people/queries";
import { listQuery } from "@/lib/tickets/list-params";
import { isDone, STATUSES } from "@/lib/tickets/schema";
import { Time } from "../../../_components/Time";
import { ActiveForm } from "./ActiveForm";
import { InviteForm } from "./InviteForm";
import { RoleForm } from "./RoleForm";
import { changeRoleAction, inviteAction, setActiveAction } from "./actions";

export const metadata = { title: "Users" };

const number = new Intl.NumberFormat("en");
const OPEN = STATUSES.filter((s) => !isDone(s));

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireAdmin();
  const query = parsePeopleQuery(await searchParams);
  const list = await listUsers(actor, query);
  const from = list.rows.length ? (list.page - 1) * PEOPLE_PAGE + 1 : 0;
  const to = from ? from + list.rows.length - 1 : 0;
  const of = list.capped ? `more than ${number.format(list.total)}` : number.format(list.total);
  const noun = !list.capped && list.total === 1 ? "person" : "people";
  return (
    <>
      <div className="page-head">
        <h1>Users</h1>
        <Link href="/admin/sign-up" prefetch={false}>Sign-up settings</Link>
      </div>
      <p className="summary">Requesters see their own tickets; agents and admins work every ticket; admins also manage people here. A deactivated person cannot sign in or be assigned; what they wrote stays.</p>

      <InviteForm invite={inviteAction} />

      <form className="people-search" role="search" action="/admin/users">
        <div className="field">
          <label htmlFor="people-q">Search people</label>
          <input id="people-q" name="q" type="search" defaultValue={query.q} maxLength={200} placeholder="Name or email" />
        </div>
        <div className="field">
          <label htmlFor="people-show">Show</label>
          <select id="people-show" name="show" defaultValue={query.show}>
            {Object.entries(PEOPLE_SHOW).map(([v, label]) => <option key={v} value={v}>{label}</option>)}
          </select>
        </div>
        <button type="submit" className="button secondary">Search</button>
        {query.q || query.show !== "all" ? <Link href="/admin/users" prefetch={false}>Clear</Link> : null}
      </form>

      <p className="summary" role="status">
        {list.rows.length
          ? `Showing ${number.format(from)}\u2013${number.format(to)} of ${of} ${noun}`
          : list.page > 1
            ? "No more people past the previous page."
            : query.q
              ? `Nobody matches \u201c${query.q}\u201d.`
              : query.show === "deactivated" ? "Nobody is deactivated." : "Nobody here yet."}
      </p>

      <div className="table-wrap">
        <table className="users">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col" className="col-joined">Joined</th>
              <th scope="col" className="col-role">Role</th>
              <th scope="col" className="col-access">Access</th>
            </tr>
          </thead>
          <tbody>
            {list.rows.map((u) => (
              <tr key={u.id} className={u.deactivated ? "deactivated" : undefined}>
                <td data-label="Name">
                  {u.name}
                  {u.id === actor.id ? <span className="muted"> (you)</span> : null}
                  {u.deactivated ? <span className="tag">Deactivated</span> : u.invited ? <span className="tag">No password yet</span> : null}
                </td>
                <td data-label="Email">{u.email}</td>
                <td data-label="Joined"><Time date={u.createdAt} /></td>
                <td data-label="Role"><RoleForm save={changeRoleAction.bind(null, u.id)} userId={u.id} role={u.role} /></td>
                <td data-label="Access">
                  {u.id === actor.id ? (
                    <span className="muted">Signed in</span>
                  ) : (
                    <ActiveForm
                      act={setActiveAction.bind(null, u.id)}
                      active={!u.deactivated}
                      reassignHref={`/tickets${listQuery({ assignee: u.id, status: OPEN })}`}
                    />
                  )}
                  {u.deactivated && u.openAssigned ? (
                    <p className="hint">
                      <Link href={`/tickets${listQuery({ assignee: u.id, status: OPEN })}`} prefetch={false}>
                        {u.openAssigned} open {u.openAssigned === 1 ? "ticket" : "tickets"} to reassign
                      </Link>
                    </p>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <nav aria-label="Pagination" className="pagination">
        {list.page > 1 ? (
          <Link href={peopleHref({ ...query, page: list.page - 1 })} rel="prev" prefetch={false}>Previous page</Link>
        ) : (
          <span className="disabled" aria-hidden="true">Previous page</span>
        )}
        {list.hasNext ? (
          <Link href={peopleHref({ ...query, page: list.page + 1 })} rel="next" prefetch={false}>Next page</Link>
        ) : (
          <span className="disabled" aria-hidden="true">Next page</span>
        )}
      </nav>
    </>
  );
}
