import { describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../../../shared/audit.js';
import { actionLabel, appendOlder, mergeSnapshot, prependNewer } from './audit-trail.js';

const entry = (at: number, target = 't', user = 'admin'): AuditEntryView => ({ at, user, action: 'sign_in', target });

describe('appendOlder', () => {
  it('appends what is older than everything held and skips the overlap', () => {
    const held = [entry(5), entry(4), entry(3)];
    const page = [entry(6), entry(4), entry(3), entry(2), entry(1)];
    expect(appendOlder(held, page).map((e) => e.at)).toEqual([5, 4, 3, 2, 1]);
  });

  it('keeps real repeats in the same millisecond apart', () => {
    const held = [entry(5), entry(3)];
    const page = [entry(3), entry(3), entry(3, 'other'), entry(2)];
    expect(appendOlder(held, page)).toEqual([entry(5), entry(3), entry(3), entry(3, 'other'), entry(2)]);
  });

  it('takes the page as is when nothing is held', () => {
    expect(appendOlder([], [entry(2), entry(1)])).toEqual([entry(2), entry(1)]);
  });
});

describe('prependNewer', () => {
  it('puts an update on top', () => {
    expect(prependNewer([entry(1)], [entry(3), entry(2)]).map((e) => e.at)).toEqual([3, 2, 1]);
  });
});

describe('mergeSnapshot', () => {
  it('keeps older pages below an overlapping snapshot', () => {
    const held = [entry(4), entry(3), entry(2), entry(1)];
    expect(mergeSnapshot(held, [entry(6), entry(5), entry(4)])).toEqual({
      entries: [entry(6), entry(5), entry(4), entry(3), entry(2), entry(1)], continuous: true,
    });
  });

  it('starts over when the snapshot does not reach back to what is held', () => {
    expect(mergeSnapshot([entry(2), entry(1)], [entry(9), entry(8)])).toEqual({ entries: [entry(9), entry(8)], continuous: false });
  });
});

describe('actionLabel', () => {
  it('reads like a sentence, and passes unknown actions through', () => {
    expect(actionLabel('view_collectors')).toBe('viewed collectors');
    expect(actionLabel('something_new')).toBe('something_new');
  });
});
