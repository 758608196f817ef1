import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Descriptions, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useMutation } from '@tanstack/react-query';
import type { Dayjs } from 'dayjs';
import { api, call, type Schemas } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf } from '../../lib/context';
import { formatDate } from '../../lib/format';
import { useList } from '../../lib/lists';

/** An audit entry as GET /audit answers it. */
type AuditEntry = Schemas['AuditEntryResponse'];

/** The chain verification (GET /audit/verify). */
type ChainVerification = Schemas['ChainVerificationResponse'];

interface Filter {
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  outcome?: AuditEntry['outcome'];
  from?: Dayjs | null;
  to?: Dayjs | null;
}

/**
 * A calendar day in Asia/Shanghai as the instant it starts (the API takes ISO instants):
 * midnight in Shanghai is 16:00 UTC of the day before.
 */
function shanghaiMidnight(day: Dayjs): string {
  return new Date(`${day.format('YYYY-MM-DD')}T00:00:00+08:00`).toISOString();
}

// Colours whose text keeps the WCAG AA contrast on the tag's background.
const OUTCOME_COLOURS = { SUCCESS: 'default', DENIED: 'red', REJECTED: 'magenta' } as const;
const OUTCOME_LABELS = { SUCCESS: 'outcomeSuccess', DENIED: 'outcomeDenied', REJECTED: 'outcomeRejected' } as const;

/** 审计日志: the county's audit entries with filters, and the hash chain's verification; read-only. */
export default function AuditPage() {
  const { t } = useI18n();
  const me = useMe();
  const [form] = Form.useForm<Filter>();
  const [filter, setFilter] = useState<Filter>({});
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const list = useList<AuditEntry>(['audit', filter, page], async () => {
    const trim = (v?: string) => v?.trim() || undefined;
    return (await call(() =>
      api.GET('/api/v1/audit', {
        params: {
          query: {
            page,
            pageSize,
            actor: trim(filter.actor),
            action: trim(filter.action),
            entityType: trim(filter.entityType),
            entityId: trim(filter.entityId),
            outcome: filter.outcome,
            from: filter.from ? shanghaiMidnight(filter.from) : undefined,
            // The day chosen is included: the API's `to` is exclusive.
            to: filter.to ? shanghaiMidnight(filter.to.add(1, 'day')) : undefined,
          },
        },
      }),
    )) as unknown as { items: AuditEntry[]; page: number; pageSize: number; total: number };
  });
  const canVerify = me.roles.includes('AUDITOR') || me.roles.includes('ADMIN');
  const verify = useMutation({
    mutationFn: async () => (await call(() => api.GET('/api/v1/audit/verify'))) as unknown as ChainVerification,
  });
  const v = verify.data;
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('auditLog')}</h1>}
      extra={
        canVerify ? (
          <Button type="primary" loading={verify.isPending} onClick={() => verify.mutate()}>
            {t('verifyChain')}
          </Button>
        ) : null
      }
    >
      {verify.error && <Alert type="error" role="alert" title={refusalOf(verify.error)} style={{ marginBottom: 16 }} />}
      {v && (
        <div data-testid="chain-verification" style={{ marginBottom: 16 }}>
          <Alert type={v.intact ? 'success' : 'error'} role="status" title={v.intact ? t('chainIntact') : t('chainBroken')} />
          <Descriptions bordered size="small" column={3} style={{ marginTop: 8 }}>
            <Descriptions.Item label={t('chainEntries')}>{v.entries}</Descriptions.Item>
            <Descriptions.Item label={t('chainHeadMatches')}>{v.headMatches ? t('yesText') : t('noText')}</Descriptions.Item>
            <Descriptions.Item label={t('firstBroken')}>
              {v.firstBroken ? `#${v.firstBroken.id} · ${t(v.firstBroken.reason)}` : '—'}
            </Descriptions.Item>
          </Descriptions>
        </div>
      )}
      <Form
        form={form}
        layout="inline"
        style={{ marginBottom: 16, rowGap: 8 }}
        onFinish={(values) => {
          setPage(1);
          setFilter(values);
        }}
      >
        <Form.Item label={t('actor')} name="actor">
          <Input allowClear style={{ width: 150 }} />
        </Form.Item>
        <Form.Item label={t('auditAction')} name="action">
          <Input allowClear style={{ width: 170 }} placeholder="user.create" />
        </Form.Item>
        <Form.Item label={t('entityType')} name="entityType">
          <Input allowClear style={{ width: 130 }} placeholder="allocation" />
        </Form.Item>
        <Form.Item label={t('entityId')} name="entityId">
          <Input allowClear style={{ width: 110 }} />
        </Form.Item>
        <Form.Item label={t('outcome')} name="outcome">
          <Select
            allowClear
            style={{ width: 120 }}
            options={(['SUCCESS', 'DENIED', 'REJECTED'] as const).map((o) => ({ value: o, label: t(OUTCOME_LABELS[o]) }))}
          />
        </Form.Item>
        <Form.Item label={t('fromDate')} name="from">
          <DatePicker />
        </Form.Item>
        <Form.Item label={t('toDate')} name="to">
          <DatePicker />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit">
            {t('auditSearch')}
          </Button>
          <Button
            onClick={() => {
              form.resetFields();
              setPage(1);
              setFilter({});
            }}
          >
            {t('auditReset')}
          </Button>
        </Space>
      </Form>
      {list.error && <Alert type="error" role="alert" title={refusalOf(list.error)} />}
      <Table<AuditEntry>
        rowKey="id"
        size="small"
        data-testid="audit-entries"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ current: page, pageSize, total: list.data?.total ?? 0, showSizeChanger: false, onChange: setPage }}
        expandable={{
          expandedRowRender: (e) => (
            <Typography.Paragraph code style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
              {e.changes}
            </Typography.Paragraph>
          ),
        }}
        columns={[
          { title: '#', dataIndex: 'id' },
          { title: t('occurredAt'), dataIndex: 'occurredAt', render: (d: string) => formatDate(d) },
          { title: t('actor'), dataIndex: 'actor' },
          { title: t('actorInstitution'), dataIndex: 'actorInstitution', render: (v: string | null) => v ?? '—' },
          { title: t('auditAction'), dataIndex: 'action' },
          { title: t('entityType'), dataIndex: 'entityType' },
          { title: t('entityId'), dataIndex: 'entityId' },
          {
            title: t('outcome'),
            dataIndex: 'outcome',
            render: (o: AuditEntry['outcome']) => <Tag color={OUTCOME_COLOURS[o]}>{t(OUTCOME_LABELS[o])}</Tag>,
          },
        ]}
      />
    </Card>
  );
}
