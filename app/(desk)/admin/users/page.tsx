import { requireAdmin } from "@/lib/auth/session";
import { listUsers } from "@/lib/people/queries";
import { Time } from "../../../_components/Time";
import { RoleForm } from "./RoleForm";
import { changeRoleAction } from "./actions";

export const metadata = { title: "Users" };

export default async function UsersPage() {
  const actor = await requireAdmin();
  const users = await listUsers(actor);
  return (
    <>
      <div className="page-head">
        <h1>Users</h1>
      </div>
      <p className="summary">{users.length} {users.length === 1 ? "person" : "people"}. Requesters see their own tickets; agents and admins work every ticket; admins also manage roles here.</p>
      <div className="table-wrap">
        <table className="users">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Joined</th>
              <th scope="col">Role</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td data-label="Name">{u.name}{u.id === actor.id ? <span className="muted"> (you)</span> : null}</td>
                <td data-label="Email">{u.email}</td>
                <td data-label="Joined"><Time date={u.createdAt} /></td>
                <td data-label="Role"><RoleForm save={changeRoleAction.bind(null, u.id)} userId={u.id} role={u.role} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
