/** The accounts that the setup project creates once, and the files their sessions are kept in. */
export const PASSWORD = "correct horse battery staple";

export const ACCOUNTS = {
  admin: { name: "Ada Admin", email: "admin@example.test", file: "e2e/.auth/admin.json" },
  agent: { name: "Alan Agent", email: "agent@example.test", file: "e2e/.auth/agent.json" },
  requester: { name: "Rita Requester", email: "rita@example.test", file: "e2e/.auth/requester.json" },
  other: { name: "Otto Other", email: "otto@example.test", file: "e2e/.auth/other.json" },
} as const;

export type RoleName = keyof typeof ACCOUNTS;
