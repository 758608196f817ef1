import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Checkbox, Descriptions, Progress, Table, Upload } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, uploadFile, type Schemas } from '../api/client';
import { useI18n } from '../app/i18n';

type Outcome = Schemas['IntakeOutcomeResponse'];
type RowError = Schemas['ErrorDetailResponse'];
type ReportedRow = Schemas['ReportedRowResponse'];
type Result =
  | { kind: 'stored'; outcome: Outcome }
  | { kind: 'refused'; message: string; errors: RowError[] }
  | { kind: 'queued'; upload: Schemas['UploadResponse'] }
  | { kind: 'finished'; upload: Schemas['UploadResponse']; outcome: Outcome };

/** The row errors as a CSV file to fix the source data with (text only, as the API sent it). */
function errorsCsv(errors: RowError[]): string {
  const cell = (v: string | number | undefined) => `"${String(v ?? '').replace(/"/g, '""')}"`;
  return ['row,field,rule,message', ...errors.map((e) => [e.row, e.field, e.rule, e.message].map(cell).join(','))].join('\n');
}

type QueuedUpload = Schemas['UploadResponse'];

/** How often a queued upload's progress is asked for. */
const POLL_MS = 1000;

/**
 * A large file the API queued (202): its state is read from GET settlement-records/uploads/:id
 * until the worker finishes it, then its outcome is shown like an immediate one.
 */
function QueuedProgress({ upload, onFinished }: { upload: QueuedUpload; onFinished: (u: QueuedUpload) => void }) {
  const { t, code } = useI18n();
  const state = useQuery({
    queryKey: ['upload', upload.id],
    queryFn: () => call(() => api.GET('/api/v1/settlement-records/uploads/{id}', { params: { path: { id: upload.id } } })),
    initialData: upload,
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'DONE' || q.state.data.status === 'REJECTED') ? false : POLL_MS),
  });
  const u = state.data;
  const label = { QUEUED: code('QUEUED'), RUNNING: t('uploadRunning'), DONE: t('uploadDone'), REJECTED: t('uploadRejected') };
  const finished = u.status === 'DONE' || u.status === 'REJECTED';
  useEffect(() => {
    if (finished) onFinished(u);
  }, [finished, u, onFinished]);
  // The bar shows the API's counts of rows processed and rows in the file.
  const percent = u.rowCount > 0 ? Math.floor((u.processedRows * 100) / u.rowCount) : 0;
  return (
    <div data-testid="upload-progress" style={{ marginTop: 16 }}>
      <Alert
        type={u.status === 'REJECTED' ? 'error' : finished ? 'success' : 'info'}
        role="status"
        title={u.status === 'DONE' ? t('uploadDone') : u.status === 'REJECTED' ? t('uploadRejected') : t('uploadQueuedProgress')}
      />
      <Descriptions bordered size="small" column={3} style={{ marginTop: 8 }}>
        <Descriptions.Item label={t('status')}>{label[u.status]}</Descriptions.Item>
        <Descriptions.Item label={t('rowCount')}>{u.rowCount}</Descriptions.Item>
        <Descriptions.Item label={t('uploadProcessed')}>{u.processedRows}</Descriptions.Item>
      </Descriptions>
      <Progress
        percent={finished ? 100 : percent}
        status={u.status === 'REJECTED' ? 'exception' : finished ? 'success' : 'active'}
        aria-label={t('uploadProcessed')}
        style={{ marginTop: 8 }}
      />
      {state.error && <Alert type="error" role="alert" title={(state.error as Error).message} />}
    </div>
  );
}

export default function UploadPage() {
  const { t, code } = useI18n();
  const queries = useQueryClient();
  const [skip, setSkip] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (file: File) => {
    setBusy(true);
    setResult(null);
    try {
      const path = `/api/v1/settlement-records/upload${skip ? '?onError=skip' : ''}`;
      const { status, body } = await uploadFile(path, file);
      if (status === 202) setResult({ kind: 'queued', upload: body as Schemas['UploadResponse'] });
      else if (status < 300) setResult({ kind: 'stored', outcome: body as Outcome });
      else {
        const error = body as Schemas['ApiErrorResponse'];
        setResult({ kind: 'refused', message: error.message, errors: error.details.filter((d) => d.row !== undefined || d.field) });
      }
      void queries.invalidateQueries({ queryKey: ['member-claims'] });
      void queries.invalidateQueries({ queryKey: ['inbox'] });
    } finally {
      setBusy(false);
    }
  };

  const outcome = result?.kind === 'stored' || result?.kind === 'finished' ? result.outcome : null;
  const errors = outcome ? outcome.errors : result?.kind === 'refused' ? result.errors : [];
  const finishQueued = useCallback(
    (upload: Schemas['UploadResponse']) => {
      setResult((r) => (r?.kind === 'queued' && upload.outcome ? { kind: 'finished', upload, outcome: upload.outcome } : r));
      void queries.invalidateQueries({ queryKey: ['member-claims'] });
      void queries.invalidateQueries({ queryKey: ['inbox'] });
    },
    [queries],
  );
  const download = () => {
    const url = URL.createObjectURL(new Blob(['\ufeff', errorsCsv(errors)], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'upload-errors.csv';
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('upload')}</h1>}>
      <Checkbox checked={skip} onChange={(e) => setSkip(e.target.checked)} style={{ marginBottom: 16 }}>
        {t('skipBadRows')}
      </Checkbox>
      <Upload.Dragger
        accept=".csv,.xlsx"
        multiple={false}
        showUploadList={false}
        disabled={busy}
        customRequest={({ file }) => void send(file as File)}
      >
        <p>{t('dragHere')}</p>
        <p style={{ color: '#595959' }}>{t('uploadHint')}</p>
        <p style={{ color: '#595959' }}>{t('uploadFormats')}</p>
      </Upload.Dragger>

      {(result?.kind === 'queued' || result?.kind === 'finished') && (
        <QueuedProgress key={result.upload.id} upload={result.upload} onFinished={finishQueued} />
      )}
      {result?.kind === 'refused' && <Alert type="error" role="alert" title={result.message} style={{ marginTop: 16 }} />}
      {outcome && (
        <Descriptions title={t('uploadResult')} bordered size="small" column={4} style={{ marginTop: 16 }} data-testid="upload-outcome">
          <Descriptions.Item label={t('received')}>{outcome.received}</Descriptions.Item>
          <Descriptions.Item label={t('stored')}>{outcome.stored}</Descriptions.Item>
          <Descriptions.Item label={t('duplicates')}>{outcome.duplicates}</Descriptions.Item>
          <Descriptions.Item label={t('rejectedRows')}>{outcome.rejected}</Descriptions.Item>
          <Descriptions.Item label={t('reportedRows')}>{outcome.reported.length}</Descriptions.Item>
          <Descriptions.Item label={t('heldOrphans')}>{outcome.orphans}</Descriptions.Item>
        </Descriptions>
      )}
      {outcome && outcome.reported.length > 0 && (
        <Card type="inner" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('reportedRows')}</h2>} style={{ marginTop: 16 }}>
          <Table<ReportedRow>
            data-testid="reported-rows"
            rowKey={(r) => `${r.row}`}
            dataSource={outcome.reported}
            pagination={outcome.reported.length > 20 ? { pageSize: 20 } : false}
            columns={[
              { title: t('row'), dataIndex: 'row' },
              { title: t('externalIdCol'), dataIndex: 'externalId' },
              { title: t('rule'), dataIndex: 'rule', render: (v: string) => code(v) },
              { title: t('reportedReason'), dataIndex: 'reason' },
            ]}
          />
        </Card>
      )}
      {errors.length > 0 && (
        <Card
          type="inner"
          title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('rowErrors')}</h2>}
          extra={<Button onClick={download}>{t('downloadErrors')}</Button>}
          style={{ marginTop: 16 }}
        >
          <Table<RowError>
            data-testid="row-errors"
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
        </Card>
      )}
    </Card>
  );
}
