/**
 * Amounts arrive as decimal strings in yuan ("1234567.50"). They are shown as ¥ with thousands
 * separators by rearranging the text: the console never turns money into a JS number.
 */
export function formatYuan(amount: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount);
  if (!match) return amount;
  const [, sign, whole, fraction = ''] = match;
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}¥${grouped}.${fraction.padEnd(2, '0')}`;
}

const SHANGHAI = 'Asia/Shanghai';

/** A calendar date (YYYY-MM-DD, already a Shanghai business date) or a timestamp shown in Asia/Shanghai. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: SHANGHAI,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** The current month in Asia/Shanghai as YYYY-MM. */
export function currentPeriod(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: SHANGHAI, year: 'numeric', month: '2-digit' }).format(now).slice(0, 7);
}
