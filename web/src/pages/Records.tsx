import { lazy, Suspense, useState } from 'react';
import { Alert, Button, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../api/client';
import { REASON_CODES, type ReasonCode, type ReviewStatus, type SettlementRecordView } from '../api/views';
import { useI18n } from '../app/i18n';
import { formatYuan } from '../lib/format';
import { refusalOf } from '../lib/context';
import { toPage } from '../lib/lists';

export type RecordsMode = 'read' | 'review' | 'deduct';

// The rule review's hits on the claim, shown above its records (the lead's queue shows hits first).
const ClaimHits = lazy(() => import('./rules/ClaimHits'));

interface Decision {
  recordId: string;
  decision: 'ACCEPT' | 'REJECT';
  reason?: ReasonCode;
  note?: string;
}

interface Props {
  claimId: number;
  mode: RecordsMode;
  /** Performs a deduction (the declaration screen): reason null withdraws it. */
  onDeduct?: (recordId: string, reason: ReasonCode | null, note?: string) => Promise<unknown>;
  onChanged?: () => void;
}

/** A reason (and a note, required for OTHER) asked before a rejection or deduction. */
function ReasonModal({
  title,
  open,
  busy,
  onCancel,
  onOk,
}: {
  title: string;
  open: boolean;
  busy: boolean;
  onCancel(): void;
  onOk(reason: ReasonCode, note?: string): void;
}) {
  const { t, code } = useI18n();
  const [form] = Form.useForm<{ reason: ReasonCode; note?: string }>();
  const reason = Form.useWatch('reason', form);
  return (
    <Modal
      title={title}
      open={open}
      okText={t('confirm')}
      cancelText={t('cancel')}
      confirmLoading={busy}
      destroyOnHidden
      onCancel={onCancel}
      onOk={() => void form.validateFields().then((v) => onOk(v.reason, v.note?.trim() || undefined))}
    >
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item label={t('reason')} name="reason" rules={[{ required: true, message: t('reasonRequired') }]}>
          <Select options={REASON_CODES.map((r) => ({ value: r, label: code(r) }))} />
        </Form.Item>
        <Form.Item
          label={t('note')}
          name="note"
          rules={[{ required: reason === 'OTHER', whitespace: true, message: t('noteRequiredForOther') }]}
        >
          <Input.TextArea maxLength={500} rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * A claim's settlement records with their pre-review and deduction outcomes, filtered by review
 * status. In review mode the lead unit accepts or rejects records (one or the selection); in
 * deduct mode the bureau deducts accepted records with a reason.
 */
export function ClaimRecords({ claimId, mode, onDeduct, onChanged }: Props) {
  const { t, code } = useI18n();
  const queries = useQueryClient();
  const [status, setStatus] = useState<ReviewStatus | undefined>(undefined);
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<string[]>([]);
  const [asking, setAsking] = useState<string | null>(null);
  const key = ['claim-records', claimId, status ?? 'all', page];
  const records = useQuery({
    queryKey: key,
    queryFn: async () =>
      toPage(
        await call(() =>
          api.GET('/api/v1/member-claims/{id}/records', {
            params: { path: { id: claimId }, query: { page, pageSize: 20, ...(status ? { reviewStatus: status } : {}) } },
          }),
        ),
      ),
  });
  const done = () => {
    setSelected([]);
    setAsking(null);
    void queries.invalidateQueries({ queryKey: ['claim-records', claimId] });
    onChanged?.();
  };
  const review = useMutation({
    mutationFn: (decisions: Decision[]) =>
      call(() => api.POST('/api/v1/member-claims/{id}/review', { params: { path: { id: claimId } }, body: { decisions } })),
    onSuccess: done,
  });
  const deduct = useMutation({
    mutationFn: ({ recordId, reason, note }: { recordId: string; reason: ReasonCode | null; note?: string }) =>
      onDeduct!(recordId, reason, note),
    onSuccess: done,
  });
  const refusal = refusalOf(review.error ?? deduct.error);
  const busy = review.isPending || deduct.isPending;

  const actions = (r: SettlementRecordView) => {
    if (mode === 'review')
      return (
        <Space>
          {r.reviewStatus !== 'ACCEPTED' && (
            <Button size="small" onClick={() => review.mutate([{ recordId: r.id, decision: 'ACCEPT' }])} disabled={busy}>
              {t('accept')}
            </Button>
          )}
          {r.reviewStatus !== 'REJECTED' && (
            <Button size="small" danger onClick={() => setAsking(r.id)} disabled={busy}>
              {t('reject')}
            </Button>
          )}
        </Space>
      );
    if (mode === 'deduct' && r.reviewStatus === 'ACCEPTED')
      return r.deductionReason ? (
        <Button size="small" onClick={() => deduct.mutate({ recordId: r.id, reason: null })} disabled={busy}>
          {t('withdrawDeduction')}
        </Button>
      ) : (
        <Button size="small" danger onClick={() => setAsking(r.id)} disabled={busy}>
          {t('deduct')}
        </Button>
      );
    return null;
  };

  return (
    <>
      {mode !== 'deduct' && (
        <Suspense fallback={null}>
          <ClaimHits claimId={claimId} onChanged={onChanged} />
        </Suspense>
      )}
      <div data-testid={`records-${claimId}`}>
        {refusal && <Alert type="error" role="alert" title={refusal} style={{ marginBottom: 12 }} />}
        <Space style={{ marginBottom: 12 }} wrap>
          <label htmlFor={`review-status-${claimId}`}>{t('reviewStatus')}</label>
          <Select
            id={`review-status-${claimId}`}
            style={{ width: 140 }}
            value={status ?? 'ALL'}
            onChange={(v: string) => {
              setStatus(v === 'ALL' ? undefined : (v as ReviewStatus));
              setPage(1);
              setSelected([]);
            }}
            options={[
              { value: 'ALL', label: t('allStatuses') },
              ...(['PENDING', 'ACCEPTED', 'REJECTED'] as const).map((s) => ({ value: s, label: code(s) })),
            ]}
          />
          {mode === 'review' && (
            <Button
              disabled={selected.length === 0 || busy}
              onClick={() => review.mutate(selected.map((recordId) => ({ recordId, decision: 'ACCEPT' as const })))}
            >
              {t('acceptSelected')} ({selected.length})
            </Button>
          )}
        </Space>
        <Table<SettlementRecordView>
          rowKey="id"
          size="small"
          loading={records.isLoading}
          dataSource={records.data?.items ?? []}
          rowSelection={
            mode === 'review'
              ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)), columnTitle: t('selected') }
              : undefined
          }
          pagination={{ current: page, pageSize: 20, total: records.data?.total, onChange: setPage, hideOnSinglePage: true }}
          columns={[
            { title: t('externalId'), dataIndex: 'externalId' },
            { title: t('unit'), dataIndex: 'unitCode' },
            { title: t('visitType'), dataIndex: 'visitType', render: (v: string) => code(v) },
            { title: t('settlementDate'), dataIndex: 'settlementDate' },
            { title: t('insured'), dataIndex: 'insuredMasked' },
            { title: t('totalCost'), dataIndex: 'totalCost', align: 'right', render: (v: string) => formatYuan(v) },
            { title: t('fundPaid'), dataIndex: 'fundPaid', align: 'right', render: (v: string) => formatYuan(v) },
            {
              title: t('reviewStatus'),
              dataIndex: 'reviewStatus',
              render: (s: ReviewStatus, r) => (
                <Space size={4} wrap>
                  <Tag color={s === 'ACCEPTED' ? 'green' : s === 'REJECTED' ? 'red' : 'gold'}>{code(s)}</Tag>
                  {r.reviewReason && <span>{code(r.reviewReason)}</span>}
                  {r.reviewNote && <span>（{r.reviewNote}）</span>}
                </Space>
              ),
            },
            {
              title: t('deduction'),
              dataIndex: 'deductionReason',
              render: (d: string | null, r) => (d ? `${code(d)}${r.deductionNote ? `（${r.deductionNote}）` : ''}` : ''),
            },
            ...(mode === 'read'
              ? []
              : [{ title: t('actions'), key: 'actions', render: (_: unknown, r: SettlementRecordView) => actions(r) }]),
          ]}
        />
        <ReasonModal
          title={mode === 'deduct' ? t('deductRecord') : t('rejectRecord')}
          open={asking !== null}
          busy={busy}
          onCancel={() => setAsking(null)}
          onOk={(reason, note) => {
            if (!asking) return;
            if (mode === 'deduct') deduct.mutate({ recordId: asking, reason, note });
            else review.mutate([{ recordId: asking, decision: 'REJECT', reason, ...(note ? { note } : {}) }]);
          }}
        />
      </div>
    </>
  );
}
