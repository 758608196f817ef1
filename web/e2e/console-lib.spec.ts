import { expect, test } from '@playwright/test';
import { currentPeriod, formatDate, formatYuan } from '../src/lib/format';
import { toPage } from '../src/lib/lists';

// The console's own helpers (no browser needed): money shown from the API's text, dates in Asia/Shanghai, the list envelope.

test('amounts are the API text with ¥ and thousands separators, never rounded through a number', () => {
  expect(formatYuan('0.00')).toBe('¥0.00');
  expect(formatYuan('830.00')).toBe('¥830.00');
  expect(formatYuan('1234.50')).toBe('¥1,234.50');
  expect(formatYuan('-1234567.05')).toBe('-¥1,234,567.05');
  // Beyond 2^53 fen a JS number would lose the last digits; the text keeps them.
  expect(formatYuan('123456789012345678.91')).toBe('¥123,456,789,012,345,678.91');
  expect(formatYuan('12.5')).toBe('¥12.50');
  expect(formatYuan(null)).toBe('—');
  expect(formatYuan('')).toBe('—');
  expect(formatYuan('not money')).toBe('not money');
});

test('business dates pass through; timestamps and the current period are read in Asia/Shanghai', () => {
  expect(formatDate('2026-12-03')).toBe('2026-12-03');
  expect(formatDate('2026-11-30T17:30:00.000Z')).toBe('2026-12-01 01:30');
  expect(formatDate(null)).toBe('—');
  expect(currentPeriod(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11');
  expect(currentPeriod(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12');
});

test('lists read as the envelope: a bare array is wrapped, an envelope keeps its paging and extra fields', () => {
  expect(toPage([1, 2, 3])).toEqual({ items: [1, 2, 3], page: 1, pageSize: 3, total: 3 });
  expect(toPage({ items: ['a'], page: 2, pageSize: 1, total: 7 })).toEqual({ items: ['a'], page: 2, pageSize: 1, total: 7 });
  expect(toPage({ items: ['x', 'y'], institutionCode: 'WS-TC-01', today: '2026-11-10', overdue: 1 })).toEqual({
    items: ['x', 'y'],
    page: 1,
    pageSize: 2,
    total: 2,
    institutionCode: 'WS-TC-01',
    today: '2026-11-10',
    overdue: 1,
  });
});
