import { describe, expect, it } from 'vitest';
import { RULE_CATALOG, STREAM_RULE_NAMES } from './catalog.js';

// The rule table of interfaces.md ("Alerts"), as published: names, severities, labels.
const SPEC_TABLE = `
raw_content_in_stream | critical | stream, collector, field
consent_revoked_collection | critical | team, collector
unauthorized_raw_access | critical | actor, resource
redaction_policy_weakened | critical | actor, detail
redaction_rate_drop | high | team, app
unencrypted_collection | high | team, collector
raw_access_denied_burst | high | actor
bulk_export | high | actor, resource
auth_failure_burst | high | actor, source
collector_tamper | high | actor, resource
retention_breach | high | actor, resource
volume_spike | warning | team, app
collector_silent | warning | team, collector
dropped_events | warning | team, collector
off_hours_collection | info | team
`;

// Raised by an event, so they wait for a person (interfaces.md): everything from kw:security,
// raw_content_in_stream and consent_revoked_collection.
const EVENT_RULES = [
  'raw_content_in_stream', 'consent_revoked_collection', 'unauthorized_raw_access', 'redaction_policy_weakened',
  'raw_access_denied_burst', 'bulk_export', 'auth_failure_burst', 'collector_tamper', 'retention_breach',
];

describe('the rule catalog', () => {
  it('is the spec table: every stream rule with its severity and labels', () => {
    const spec = SPEC_TABLE.trim().split('\n').map((line) => line.split(' | '));
    expect(STREAM_RULE_NAMES).toEqual(spec.map(([name]) => name));
    for (const [name = '', severity, labels = ''] of spec) {
      expect(RULE_CATALOG[name as keyof typeof RULE_CATALOG]).toMatchObject({ severity, labels: labels.split(', ') });
    }
  });

  it('makes event alerts wait for a person and condition alerts resolve themselves', () => {
    for (const name of STREAM_RULE_NAMES) {
      expect({ name, lifecycle: RULE_CATALOG[name].lifecycle }).toEqual({ name, lifecycle: EVENT_RULES.includes(name) ? 'event' : 'condition' });
    }
  });
});
