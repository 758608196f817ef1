import { Alert, Card, Descriptions, Spin, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, call, type Schemas } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { refusalOf } from '../../lib/context';
import { formatDate } from '../../lib/format';

type RowError = Schemas['ErrorDetailResponse'];

/** An import's counts and row errors as the API reports them. */
export interface ImportOutcome {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  errors: RowError[];
}

export function ImportOutcomeView({ outcome, errorsOnly = false }: { outcome: ImportOutcome; errorsOnly?: boolean }) {
  const { t } = useI18n();
  const errors = outcome.errors ?? [];
  return (
    <>
      {!errorsOnly && (
        <Descriptions bordered size="small" column={4} style={{ marginTop: 12 }} data-testid="import-outcome">
          <Descriptions.Item label={t('importCreated')}>{outcome.created}</Descriptions.Item>
          <Descriptions.Item label={t('importUpdated')}>{outcome.updated}</Descriptions.Item>
          <Descriptions.Item label={t('importUnchanged')}>{outcome.unchanged}</Descriptions.Item>
          <Descriptions.Item label={t('importSkipped')}>{outcome.rejected}</Descriptions.Item>
        </Descriptions>
      )}
      {errors.length > 0 && (
        <Table<RowError>
          style={{ marginTop: 12 }}
          size="small"
          data-testid="import-errors"
          rowKey={(e) => `${e.row ?? ''}:${e.field}:${e.rule}`}
          dataSource={errors}
          pagination={errors.length > 20 ? { pageSize: 20 } : false}
          columns={[
            { title: t('row'), dataIndex: 'row' },
            { title: t('field'), dataIndex: 'field' },
            { title: t('rule'), dataIndex: 'rule' },
            { title: t('message'), dataIndex: 'message' },
          ]}
        />
      )}
    </>
  );
}

const FINISHED = ['DONE', 'REJECTED'];

/** The record of an institution import (GET institutions/imports/:id), followed until it finishes. */
export default function RegistryImportPage() {
  const id = useParams().id!;
  const { t, code } = useI18n();
  const record = useQuery({
    queryKey: ['registry-import', id],
    queryFn: () => call(() => api.GET('/api/v1/institutions/imports/{id}', { params: { path: { id } } })),
    refetchInterval: (q) => (q.state.data && FINISHED.includes(q.state.data.status) ? false : 1000),
  });
  if (record.isLoading) return <Spin />;
  if (record.error || !record.data) return <Alert type="error" role="alert" title={refusalOf(record.error) ?? 'error'} />;
  const r = record.data;
  const outcome = r.outcome as unknown as ImportOutcome | null | undefined;
  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('importRecord')}</h1>} extra={<Link to="/admin/registry">{t('back')}</Link>}>
      <Descriptions bordered size="small" column={2}>
        <Descriptions.Item label="ID">{r.id}</Descriptions.Item>
        <Descriptions.Item label={t('importStatus')}>
          <Tag color={r.status === 'DONE' ? 'green' : r.status === 'REJECTED' ? 'red' : 'blue'}>{code(r.status)}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('rowCount')}>{r.rowCount}</Descriptions.Item>
        <Descriptions.Item label={t('createdAt')}>{formatDate(r.createdAt)}</Descriptions.Item>
        <Descriptions.Item label={t('finishedAt')}>{formatDate(r.finishedAt as unknown as string | null)}</Descriptions.Item>
      </Descriptions>
      {outcome && <ImportOutcomeView outcome={outcome} />}
    </Card>
  );
}
