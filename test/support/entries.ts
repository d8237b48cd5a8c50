/** Contract-valid stream entries for tests, as the flat field lists producers write. */

export interface CollectOverrides {
  [field: string]: string | number | undefined;
}

/** A valid `kw:collect` entry (small, fixed counts) with fields replaced or added by `overrides`. */
export function collectFields(overrides: CollectOverrides = {}): string[] {
  const base: Record<string, string | number | undefined> = {
    v: 1, ts: Date.now(), dur: 1000, collector: 'c-1', subject: 's-1', team: 'team-a', app: 'ide',
    keys: 10, clicks: 2, moves: 30, scrolls: 1, corrections: 1, dropped: 0, redacted: 3,
    red_password: 1, red_email: 1, bytes: 500, consent: 'granted', tls: 1,
    ...overrides,
  };
  const fields: string[] = [];
  for (const [name, value] of Object.entries(base)) if (value !== undefined) fields.push(name, String(value));
  return fields;
}

/** A valid `kw:security` entry. */
export function securityFields(overrides: CollectOverrides = {}): string[] {
  const base: Record<string, string | number | undefined> = {
    v: 1, ts: Date.now(), kind: 'export', actor: 'svc-export', resource: 'export:team-a', outcome: 'allowed', records: 10,
    ...overrides,
  };
  const fields: string[] = [];
  for (const [name, value] of Object.entries(base)) if (value !== undefined) fields.push(name, String(value));
  return fields;
}
