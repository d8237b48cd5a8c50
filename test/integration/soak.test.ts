/**
 * The bounded soak, short form: two minutes of steady load on the built server with
 * steady and churning WebSocket clients (`npm run soak` runs the same for ten). Heap and
 * open handles stay flat, the backlog returns to zero once the producer stops, and the
 * server accepted exactly the entries written. The figures are printed for the record.
 */
import { expect, it } from 'vitest';
import { formatReport } from '../soak/report.js';
import { runSoak } from '../soak/soak.js';

const MINUTES = 2;

it(`stays flat over a ${MINUTES}-minute soak and counts every entry`, async () => {
  const result = await runSoak({ minutes: MINUTES });
  console.log(`soak, ${MINUTES} minutes\n${formatReport(result)}`);
  const failed = result.verdicts.filter((verdict) => !verdict.passed).map((verdict) => `${verdict.name}: ${verdict.detail}`);
  expect(failed, result.serverLogTail).toEqual([]);
  expect(result.verdicts.map((verdict) => verdict.name)).toEqual(['load as asked', 'heap flat', 'open handles flat', 'backlog back to zero', 'exact counts', 'clients served']);
}, 4 * 60_000);
