import { describe, expect, it } from 'vitest';
import { classifyEntry } from '../ingest/classify.js';
import type { FieldList, StreamWriter } from '../ingest/stream-writer.js';
import { Simulator } from '../simulate/simulator.js';
import { inputsFromClassified, type RuleInput } from './inputs.js';
import { MinuteAggregator } from './minute-aggregator.js';
import { RuleEngine } from './rule-engine.js';
import { defaultRuleSettings } from './settings.js';

/** The rule inputs of `minutes` simulated minutes with anomalies, in the order a reader would apply them. */
async function simulatedInputs(minutes: number): Promise<RuleInput[]> {
  let nowMs = Date.UTC(2025, 2, 3, 9, 0, 0);
  const inputs: RuleInput[] = [];
  const aggregator = new MinuteAggregator();
  const writer: StreamWriter = {
    async append(stream: string, entries: readonly FieldList[]) {
      for (const fields of entries) {
        const classified = classifyEntry({ stream: stream === 'kw:security' ? 'security' : 'collect', id: `${nowMs}-0`, arrivalMs: nowMs, fields: [...fields] }, 10_000);
        if (classified.kind === 'point') aggregator.add(classified.entry, classified.second);
        inputs.push(...inputsFromClassified(classified, 'kw:'));
      }
      return [];
    },
  };
  const simulator = new Simulator(writer, { collectors: 12, anomalies: true, clock: '09:00', seed: 11, now: () => nowMs });
  for (let step = 0; step < minutes * 60; step++) {
    nowMs += 1000;
    await simulator.step(nowMs);
    inputs.push(...aggregator.takeCompleted(nowMs - 10_000), { type: 'tick', nowMs });
  }
  return inputs;
}

describe('RuleEngine state', () => {
  it('continues after snapshot → JSON → load exactly as if it had never stopped', async () => {
    const inputs = await simulatedInputs(90);
    const half = Math.floor(inputs.length / 2);
    const straight = new RuleEngine(defaultRuleSettings());
    straight.applyAll(inputs.slice(0, half));
    const restarted = new RuleEngine(defaultRuleSettings());
    restarted.load(JSON.parse(JSON.stringify(straight.snapshot())));
    expect(restarted.snapshot()).toEqual(straight.snapshot());
    const expected = straight.applyAll(inputs.slice(half));
    expect(expected.length).toBeGreaterThan(100);
    expect(restarted.applyAll(inputs.slice(half))).toEqual(expected);
  }, 30_000);

  it('refuses a state it did not write, changing nothing', () => {
    const engine = new RuleEngine(defaultRuleSettings());
    const before = engine.snapshot();
    expect(() => engine.load({ version: 2, families: {} })).toThrow(/version 2, expected 1/);
    const broken = structuredClone(before);
    (broken.families.collection as { unencrypted: unknown }).unencrypted = { 'c-1': { team: 'a', lastAt: -5 } };
    expect(() => engine.load(broken)).toThrow(/alert rule state "collection" is not valid at \/unencrypted\/c-1\/lastAt/);
    expect(engine.snapshot()).toEqual(before);
  });
});
