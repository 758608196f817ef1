import { useState } from 'react';
import { Alert, Button, Card, Checkbox, Descriptions, Table, Upload } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { uploadFile, type Schemas } from '../api/client';
import { useI18n } from '../app/i18n';

type Outcome = Schemas['IntakeOutcomeResponse'];
type RowError = Schemas['ErrorDetailResponse'];
type Result =
  | { kind: 'stored'; outcome: Outcome }
  | { kind: 'refused'; message: string; errors: RowError[] }
  | { kind: 'queued'; upload: Schemas['UploadResponse'] };

/** The row errors as a CSV file to fix the source data with (text only, as the API sent it). */
function errorsCsv(errors: RowError[]): string {
  const cell = (v: string | number | undefined) => `"${String(v ?? '').replace(/"/g, '""')}"`;
  return ['row,field,rule,message', ...errors.map((e) => [e.row, e.field, e.rule, e.message].map(cell).join(','))].join('\n');
}

export default function UploadPage() {
  const { t } = useI18n();
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

  const errors = result?.kind === 'stored' ? result.outcome.errors : result?.kind === 'refused' ? result.errors : [];
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
      </Upload.Dragger>

      {result?.kind === 'queued' && <Alert type="info" title={t('queued')} style={{ marginTop: 16 }} />}
      {result?.kind === 'refused' && <Alert type="error" role="alert" title={result.message} style={{ marginTop: 16 }} />}
      {result?.kind === 'stored' && (
        <Descriptions title={t('uploadResult')} bordered size="small" column={4} style={{ marginTop: 16 }} data-testid="upload-outcome">
          <Descriptions.Item label={t('received')}>{result.outcome.received}</Descriptions.Item>
          <Descriptions.Item label={t('stored')}>{result.outcome.stored}</Descriptions.Item>
          <Descriptions.Item label={t('duplicates')}>{result.outcome.duplicates}</Descriptions.Item>
          <Descriptions.Item label={t('rejectedRows')}>{result.outcome.rejected}</Descriptions.Item>
        </Descriptions>
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
