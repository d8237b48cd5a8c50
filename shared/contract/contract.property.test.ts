import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTION_REASONS } from '../overview.js';
import { COLLECT_TABLE, CONSENT_STATES, CollectEntry, parseCollectEntry } from './collect.js';
import { MAX_REPORTED_UNKNOWN_FIELDS } from './entry-reader.js';
import type { FieldSpec, FieldTable } from './field-table.js';
import { ID_PATTERN, MAX_INT, isContractId, safeFieldName } from './fields.js';
import type { ParseResult } from './parse-result.js';
import { SECURITY_TABLE, SecurityEntry, parseSecurityEntry } from './security.js';

// Canary values carry a `!`, which no contract value may contain (ints, ids, words and
// IP literals all exclude it), so a canary is invalid wherever it is put — and finding
// `!kwcanary` anywhere in a serialised result means a value leaked.
const CANARY = '!kwcanary';
const canary = (index: number, padding: number) => `${CANARY}_${index}_${'x'.repeat(padding)}`;

const SAFE_REPORTED_NAME = /^(?:[a-z][a-z0-9_]{0,31}|#[0-9a-f]{8})$/;

const int = (min = 0, max = MAX_INT) => fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number);
/** Small counts most of the time, the full int range sometimes. */
const count = fc.oneof(fc.nat(1000), int());
const id = fc.stringMatching(new RegExp(ID_PATTERN));

/** A valid wire value for one row of a field table. */
function validWire(spec: FieldSpec): fc.Arbitrary<string> {
  switch (spec.kind) {
    case 'version':
      return fc.constant('1');
    case 'int':
      return int(spec.min, spec.max).map(String);
    case 'id':
      return id;
    case 'word':
      return fc.constantFrom(...(spec.words ?? []));
    case 'flag':
      return fc.constantFrom('0', '1');
    case 'address':
      return fc.oneof(id, fc.ipV4(), fc.ipV6());
  }
}

/** A valid `kw:collect` entry in wire form, with the entry it must parse to. */
const validCollect = fc
  .record({
    ts: int(),
    dur: fc.option(int(1, 60_000), { nil: undefined }),
    collector: id, subject: id, team: id, app: id,
    keys: count,
    clicks: fc.option(count, { nil: undefined }),
    moves: fc.option(count, { nil: undefined }),
    scrolls: fc.option(count, { nil: undefined }),
    dropped: fc.option(count, { nil: undefined }),
    bytes: fc.option(count, { nil: undefined }),
    // Shares place redacted, red_* and corrections anywhere within their sum limits, ends included.
    redactedShare: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
    redShares: fc.array(fc.option(fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })), { nil: undefined }), {
      minLength: 7, maxLength: 7,
    }),
    correctionsShare: fc.option(fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })), { nil: undefined }),
    consent: fc.constantFrom(...CONSENT_STATES),
    tls: fc.option(fc.constantFrom('0', '1'), { nil: undefined }),
  })
  .map((draw) => {
    const events = draw.keys + (draw.clicks ?? 0) + (draw.moves ?? 0) + (draw.scrolls ?? 0);
    const redacted = Math.min(Math.floor(events * draw.redactedShare), MAX_INT);
    let remaining = redacted;
    const red = draw.redShares.map((share) => {
      if (share === undefined) return undefined;
      const part = Math.floor(remaining * share);
      remaining -= part;
      return part;
    });
    const corrections = draw.correctionsShare === undefined ? undefined : Math.floor(draw.keys * draw.correctionsShare);
    const wire: [string, string][] = [];
    const put = (name: string, value: string | number | undefined) => {
      if (value !== undefined) wire.push([name, String(value)]);
    };
    put('v', 1); put('ts', draw.ts); put('dur', draw.dur); put('collector', draw.collector);
    put('subject', draw.subject); put('team', draw.team); put('app', draw.app); put('keys', draw.keys);
    put('clicks', draw.clicks); put('moves', draw.moves); put('scrolls', draw.scrolls);
    put('corrections', corrections); put('dropped', draw.dropped); put('redacted', redacted);
    REDACTION_REASONS.forEach((reason, index) => put(`red_${reason}`, red[index]));
    put('bytes', draw.bytes); put('consent', draw.consent); put('tls', draw.tls);
    const expected: CollectEntry = {
      ts: draw.ts, dur: draw.dur ?? 1000, collector: draw.collector, subject: draw.subject, team: draw.team,
      app: draw.app, keys: draw.keys, clicks: draw.clicks ?? 0, moves: draw.moves ?? 0, scrolls: draw.scrolls ?? 0,
      corrections: corrections ?? 0, dropped: draw.dropped ?? 0, redacted,
      red: {
        password: red[0] ?? 0, email: red[1] ?? 0, phone: red[2] ?? 0, card: red[3] ?? 0, credential: red[4] ?? 0,
        govid: red[5] ?? 0, other: red[6] ?? 0,
      },
      bytes: draw.bytes ?? 0, consent: draw.consent, tls: draw.tls !== '0',
    };
    return { wire, expected };
  });

/** A valid `kw:security` entry in wire form, with the entry it must parse to. */
const validSecurity = fc
  .tuple(...SECURITY_TABLE.specs.map((spec) => fc.option(validWire(spec), { nil: undefined, freq: 3 })))
  .map((values) => {
    const wire: [string, string][] = [];
    const read = new Map<string, string | null>();
    SECURITY_TABLE.specs.forEach((spec, index) => {
      const value = spec.required ? values[index] ?? validFallback(spec) : values[index];
      if (value !== undefined) wire.push([spec.name, value]);
      read.set(spec.name, value ?? null);
    });
    const expected: SecurityEntry = {
      ts: Number(read.get('ts')), kind: read.get('kind') as SecurityEntry['kind'], actor: read.get('actor')!,
      resource: read.get('resource') ?? null, outcome: read.get('outcome') as SecurityEntry['outcome'],
      records: Number(read.get('records') ?? 0), detail: read.get('detail') ?? null, source: read.get('source') ?? null,
    };
    return { wire, expected };
  });

/** A fixed valid value for a required field the option arbitrary left out. */
function validFallback(spec: FieldSpec): string {
  return spec.kind === 'word' ? spec.words![0]! : spec.kind === 'id' ? 'someone' : '1';
}

/** Unknown names: arbitrary text, raw-looking names, and names that could hurt an object. */
function unknownName(contractNames: readonly string[]): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('text', 'Keystrokes', 'clipboard', 'payload', 'note', 'region', 'x', ''),
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'),
    )
    .filter((name) => !contractNames.includes(name) && !name.includes('kwcanary'));
}

/** One field of a generated map: what value goes with it. */
type ValueChoice = { kind: 'wire'; wire: string } | { kind: 'canary'; padding: number };

const canaryChoice = fc.record({ kind: fc.constant('canary' as const), padding: fc.oneof(fc.nat(8), fc.nat(200)) });

/** A valid entry of either stream in wire form, with the entry it must parse to. */
type ValidEntry = fc.Arbitrary<{ wire: [string, string][]; expected: object }>;

/**
 * A field map mixing contract fields (valid, arbitrary or canary values) and unknown
 * fields (canary values). It starts from a valid entry so that many maps are accepted.
 */
function fieldMap(table: FieldTable, valid: ValidEntry) {
  const contractField = fc.constantFrom(...table.specs).chain((spec) =>
    fc.tuple(
      fc.constant(spec.name),
      fc.oneof(
        { weight: 4, arbitrary: validWire(spec).map((wire): ValueChoice => ({ kind: 'wire', wire })) },
        { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((wire): ValueChoice => ({ kind: 'wire', wire })) },
        { weight: 2, arbitrary: canaryChoice },
      ),
    ),
  );
  const unknownField = fc.tuple(unknownName(table.names), canaryChoice as fc.Arbitrary<ValueChoice>);
  return fc
    .tuple(
      valid,
      fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(contractField, { maxLength: 3 }) }),
      fc.uniqueArray(unknownField, { maxLength: 8, selector: ([name]) => name }),
      fc.oneof(
        { weight: 8, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom(...table.names) },
        { weight: 1, arbitrary: unknownName(table.names) },
      ),
      fc.nat(20) /* out of 20: how often a field goes missing, or the last value is cut off */,
    )
    .chain(([base, overrides, unknown, repeated, roll]) => {
      // Overrides replace a base field, keeping contract names unique; `repeated` gives a name twice on purpose.
      const byName = new Map<string, ValueChoice>(base.wire.map(([name, wire]) => [name, { kind: 'wire', wire }]));
      for (const [name, choice] of overrides) byName.set(name, choice);
      const pairs: [string, ValueChoice][] = [...byName, ...unknown];
      if (repeated !== null) pairs.push([repeated, { kind: 'canary', padding: 0 }]);
      const order =
        roll === 0
          ? fc.shuffledSubarray(pairs, { minLength: 0, maxLength: pairs.length })
          : fc.shuffledSubarray(pairs, { minLength: pairs.length, maxLength: pairs.length });
      return order.map((chosen) => ({ pairs: chosen, dropTrailingValue: roll === 1 }));
    })
    .map(({ pairs, dropTrailingValue }) => {
      const flat: string[] = [];
      const canaryFields = new Set<string>();
      pairs.forEach(([name, choice], index) => {
        flat.push(name, choice.kind === 'wire' ? choice.wire : canary(index, choice.padding));
        if (choice.kind === 'canary') canaryFields.add(name);
      });
      if (dropTrailingValue && flat.length > 0) flat.pop();
      const unknownNames = new Set(pairs.map(([name]) => name).filter((name) => !table.slotByName.has(name)));
      return { flat, canaryFields, unknownNames };
    });
}

/** Anything at all where the field array goes, and arrays of anything. */
const hostileInput = fc.oneof(
  fc.anything(),
  fc.array(fc.oneof(fc.string(), fc.constantFrom('v', '1', 'ts', 'keys', '__proto__'), fc.anything()), { maxLength: 60 }),
);

interface Stream {
  name: string;
  table: FieldTable;
  valid: ValidEntry;
  schema: TSchema;
  parse: (fields: readonly string[]) => ParseResult<object>;
}

const STREAMS: Stream[] = [
  { name: 'kw:collect', table: COLLECT_TABLE, valid: validCollect, schema: CollectEntry, parse: parseCollectEntry },
  { name: 'kw:security', table: SECURITY_TABLE, valid: validSecurity, schema: SecurityEntry, parse: parseSecurityEntry },
];

describe.each(STREAMS)('$name parser properties', ({ table, valid, schema, parse }) => {
  it('is fed field maps that reach acceptance and every kind of rejection', () => {
    const outcomes = new Map<string, number>();
    for (const { flat } of fc.sample(fieldMap(table, valid), { numRuns: 2000, seed: 42 })) {
      const result = parse(flat);
      const outcome = result.ok ? 'ok' : result.reason;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // Otherwise the properties below would hold vacuously.
    expect(outcomes.get('ok')).toBeGreaterThan(400);
    for (const reason of ['missing', 'type', 'id', 'duplicate_field', 'version']) expect(outcomes.get(reason)).toBeGreaterThan(5);
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(hostileInput, (input) => {
        const result = parse(input as readonly string[]);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });

  it('never lets an unknown or invalid value into its result', () => {
    fc.assert(
      fc.property(fieldMap(table, valid), ({ flat }) => {
        expect(JSON.stringify(parse(flat))).not.toContain(CANARY);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts only entries whose contract fields are all valid, and keeps only contract fields', () => {
    fc.assert(
      fc.property(fieldMap(table, valid), ({ flat, canaryFields }) => {
        const result = parse(flat);
        if (!result.ok) return;
        expect([...canaryFields].some((name) => table.slotByName.has(name))).toBe(false);
        expect(Value.Check(schema, result.entry)).toBe(true);
        expect(Object.keys(result.entry).sort()).toEqual(Object.keys(schema['properties'] as object).sort());
      }),
      { numRuns: 1000 },
    );
  });

  it('reports unknown fields by safe name only, bounded, and all of them when few', () => {
    fc.assert(
      fc.property(fieldMap(table, valid), ({ flat, unknownNames }) => {
        const result = parse(flat);
        const reported = result.unknownFields.map((field) => field.name);
        const expected = [...unknownNames].map(safeFieldName);
        for (const name of reported) expect(name).toMatch(SAFE_REPORTED_NAME);
        expect(reported.length).toBeLessThanOrEqual(MAX_REPORTED_UNKNOWN_FIELDS);
        for (const name of reported) expect(expected).toContain(name);
        expect(new Set(reported)).toEqual(new Set(expected));
      }),
      { numRuns: 1000 },
    );
  });

  it('flags every unknown field whose value is longer than 64 characters', () => {
    fc.assert(
      fc.property(fieldMap(table, valid), ({ flat }) => {
        const result = parse(flat);
        for (let index = 0; index + 1 < flat.length; index += 2) {
          const [name, value] = [flat[index]!, flat[index + 1]!];
          if (table.slotByName.has(name) || value.length <= 64) continue;
          expect(result.unknownFields).toContainEqual({ name: safeFieldName(name), rawLooking: true });
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('names in a rejection only a contract field, a safe name, or nothing', () => {
    fc.assert(
      fc.property(fieldMap(table, valid), ({ flat }) => {
        const result = parse(flat);
        if (result.ok) return;
        if (result.field !== null) expect(result.field).toMatch(SAFE_REPORTED_NAME);
        if (result.collector !== null) {
          expect(isContractId(result.collector)).toBe(true);
          expect(flat).toContain(result.collector);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

/** Shuffles the pairs of a valid entry and flattens them, with unknown fields mixed in. */
const withOrderAndExtras = <E>(valid: fc.Arbitrary<{ wire: [string, string][]; expected: E }>, table: FieldTable) =>
  valid.chain(({ wire, expected }) =>
    fc
      .tuple(
        fc.shuffledSubarray(wire, { minLength: wire.length, maxLength: wire.length }),
        fc.uniqueArray(unknownName(table.names), { maxLength: 5 }),
      )
      .map(([ordered, extras]) => ({
        flat: [...ordered.flat(), ...extras.flatMap((name, index) => [name, canary(index, index * 20)])],
        expected,
      })),
  );

describe('valid entries round-trip', () => {
  it('accepts every valid kw:collect entry and returns its values', () => {
    fc.assert(
      fc.property(withOrderAndExtras(validCollect, COLLECT_TABLE), ({ flat, expected }) => {
        const result = parseCollectEntry(flat);
        expect(result.ok ? result.entry : result).toEqual(expected);
        expect(JSON.stringify(result)).not.toContain(CANARY);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts every valid kw:security entry and returns its values', () => {
    fc.assert(
      fc.property(withOrderAndExtras(validSecurity, SECURITY_TABLE), ({ flat, expected }) => {
        const result = parseSecurityEntry(flat);
        expect(result.ok ? result.entry : result).toEqual(expected);
        expect(JSON.stringify(result)).not.toContain(CANARY);
      }),
      { numRuns: 1000 },
    );
  });
});

