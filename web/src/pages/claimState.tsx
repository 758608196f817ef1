import { Tag } from 'antd';
import { useI18n } from '../app/i18n';

const COLOURS: Record<string, string> = {
  OPEN: 'blue',
  SUBMITTED: 'gold',
  REVIEWED: 'cyan',
  DECLARED: 'purple',
  ROLLED_OVER: 'default',
  SETTLED: 'green',
};

export function ClaimStateTag({ state }: { state: string }) {
  const { code } = useI18n();
  return <Tag color={COLOURS[state] ?? 'default'}>{code(state)}</Tag>;
}
