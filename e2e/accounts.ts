/** The accounts that the setup project creates once, and the files their sessions are kept in. */
export const PASSWORD = "correct horse battery staple";

/** Sessions belong to one server's database: runs on different ports keep separate files. */
const DIR = `e2e/.auth/${process.env.E2E_PORT ?? 3210}`;

export const ACCOUNTS = {
  admin: { name: "Ada Admin", email: "admin@example.test", file: `${DIR}/admin.json` },
  agent: { name: "Alan Agent", email: "agent@example.test", file: `${DIR}/agent.json` },
  requester: { name: "Rita Requester", email: "rita@example.test", file: `${DIR}/requester.json` },
  other: { name: "Otto Other", email: "otto@example.test", file: `${DIR}/other.json` },
} as const;

export type RoleName = keyof typeof ACCOUNTS;
