/** An agent as the organization's employee records know them. */
export interface Employee {
  id: string;
  externalId: string | null;
  email: string | null;
  name: string | null;
  /** Grows with every stored write; a writer checks it to detect concurrent changes. */
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/** Emails are compared case-insensitively; this is the form they are compared in. */
export function emailKey(email: string): string {
  return email.toLowerCase();
}
