import { Table, Tag, Timeline } from 'antd';
import type { ChainStatus, ChainView } from '../api/views';
import { useI18n } from '../app/i18n';
import { formatDate } from '../lib/format';

const CHAIN_COLOURS: Record<ChainStatus, string> = {
  DRAFT: 'default',
  IN_REVIEW: 'blue',
  RETURNED: 'orange',
  APPROVED: 'green',
  REJECTED: 'red',
  EXECUTED: 'purple',
  WITHDRAWN: 'default',
};

/** A chain's status; REJECTED here is a refusal of the whole application (不予同意). */
export function ChainStatusTag({ status }: { status: ChainStatus }) {
  const { code, language } = useI18n();
  const label =
    status === 'REJECTED'
      ? language === 'zh'
        ? '不予同意'
        : 'Rejected'
      : status === 'APPROVED'
        ? language === 'zh'
          ? '已同意'
          : 'Approved'
        : code(status);
  return <Tag color={CHAIN_COLOURS[status]}>{label}</Tag>;
}

const STEP_LABELS = {
  zh: { WAITING: '待开始', OPEN: '办理中', APPROVED: '已同意', RETURNED: '已退回', REJECTED: '不予同意' },
  en: { WAITING: 'Waiting', OPEN: 'Open', APPROVED: 'Approved', RETURNED: 'Returned', REJECTED: 'Rejected' },
} as const;

/** A chain's steps with their state and deadline, and its history (who, institution, when, comment). */
export function ChainDetails({ chain }: { chain: ChainView }) {
  const { t, code, language } = useI18n();
  const titles = new Map(chain.steps.map((s) => [s.key, s.title]));
  return (
    <>
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('steps')}</h2>
      <Table
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={chain.steps}
        data-testid="chain-steps"
        columns={[
          { title: t('step'), dataIndex: 'title' },
          {
            title: t('status'),
            dataIndex: 'status',
            render: (s: keyof (typeof STEP_LABELS)['zh']) => (
              <Tag color={s === 'OPEN' ? 'blue' : s === 'APPROVED' ? 'green' : s === 'WAITING' ? 'default' : 'red'}>
                {STEP_LABELS[language][s]}
              </Tag>
            ),
          },
          { title: t('deadline'), dataIndex: 'deadline', render: (d: string | null) => formatDate(d) },
        ]}
      />
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('history')}</h2>
      <Timeline
        data-testid="chain-history"
        items={chain.history.map((h) => ({
          key: `${h.at}:${h.action}:${h.step ?? ''}`,
          content: (
            <span>
              {formatDate(h.at)} · {code(h.action)}
              {h.step ? ` · ${titles.get(h.step) ?? h.step}` : ''} · {h.username}
              {h.institutionCode ? `（${h.institutionCode}）` : ''}
              {h.comment ? ` ：${h.comment}` : ''}
            </span>
          ),
        }))}
      />
    </>
  );
}
