import { useState } from 'react';
import { Alert, Button, Form, Input, Modal, Space, Statistic, Table, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { formatYuan } from '../../lib/format';
import { refusalOf } from '../../lib/context';

/** A hit of the rule review as the API answers it. */
export interface RuleHitView {
  id: string;
  ruleId: string;
  ruleName: string;
  severity: 'VIOLATION' | 'SUSPICIOUS';
  recordIds: string[];
  evidence: Record<string, unknown>;
  suggestedDeduction: string;
  reasonCode: string;
  status: 'OPEN' | 'ANSWERED' | 'ACCEPTED' | 'DISMISSED';
  answer: string | null;
  answeredBy: string | null;
  decidedBy: string | null;
  decisionNote: string | null;
  allowedActions: ('answer' | 'accept' | 'dismiss')[];
}

interface HitsPage {
  items: RuleHitView[];
  total: number;
  open: number;
  answered: number;
  openDeduction: string;
}

type Asking = { hit: RuleHitView; action: 'answer' | 'accept' | 'dismiss' } | null;

/**
 * The rule review's hits on a claim, shown above its records: undecided first, violations before
 * suspicions (the API's order). The member unit answers a hit (申诉); the lead unit accepts it
 * (the record is rejected with the rule's reason) or dismisses it. Buttons follow allowedActions.
 */
export function ClaimHits({ claimId, onChanged }: { claimId: number; onChanged?: () => void }) {
  const { t, code } = useI18n();
  const queries = useQueryClient();
  const [page, setPage] = useState(1);
  const [asking, setAsking] = useState<Asking>(null);
  const [form] = Form.useForm<{ text?: string }>();
  const hits = useQuery({
    queryKey: ['rule-hits', claimId, page],
    queryFn: async () =>
      (await call(() =>
        api.GET('/api/v1/member-claims/{id}/rule-hits', { params: { path: { id: claimId }, query: { page, pageSize: 10 } } }),
      )) as unknown as HitsPage,
  });
  const act = useMutation({
    mutationFn: async ({ hit, action, text }: { hit: RuleHitView; action: 'answer' | 'accept' | 'dismiss'; text?: string }) => {
      const path = { id: claimId, hitId: hit.id };
      if (action === 'answer')
        return call(() =>
          api.POST('/api/v1/member-claims/{id}/rule-hits/{hitId}/answer', { params: { path }, body: { answer: text ?? '' } }),
        );
      const body = text ? { note: text } : {};
      return action === 'accept'
        ? call(() => api.POST('/api/v1/member-claims/{id}/rule-hits/{hitId}/accept', { params: { path }, body }))
        : call(() => api.POST('/api/v1/member-claims/{id}/rule-hits/{hitId}/dismiss', { params: { path }, body }));
    },
    onSuccess: () => {
      setAsking(null);
      void queries.invalidateQueries({ queryKey: ['rule-hits', claimId] });
      void queries.invalidateQueries({ queryKey: ['claim-records', claimId] });
      onChanged?.();
    },
  });
  const data = hits.data;
  if (!data) return null;
  const refusal = refusalOf(act.error);
  const label = { answer: t('rulAnswerAction'), accept: t('rulAcceptAction'), dismiss: t('rulDismissAction') };
  return (
    <section data-testid={`rule-hits-${claimId}`} aria-label={t('rulHits')} style={{ marginBottom: 16 }}>
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('rulHits')}</h2>
      {refusal && <Alert type="error" role="alert" title={refusal} style={{ marginBottom: 12 }} />}
      {data.total === 0 ? (
        <p>{t('rulHitsNone')}</p>
      ) : (
        <>
          <Space size="large" style={{ marginBottom: 12 }}>
            <Statistic title={t('rulOpenHits')} value={data.open} />
            <Statistic title={t('rulAnsweredHits')} value={data.answered} />
            <Statistic title={t('rulOpenDeduction')} value={formatYuan(data.openDeduction)} />
          </Space>
          <Table<RuleHitView>
            rowKey="id"
            size="small"
            dataSource={data.items}
            pagination={{ current: page, pageSize: 10, total: data.total, onChange: setPage, hideOnSinglePage: true }}
            columns={[
              { title: t('rulRule'), dataIndex: 'ruleName', render: (name: string, h) => `${name}（${h.ruleId}）` },
              {
                title: t('rulSeverity'),
                dataIndex: 'severity',
                render: (s: string) => <Tag color={s === 'VIOLATION' ? 'red' : 'orange'}>{code(s)}</Tag>,
              },
              { title: t('rulRecords'), dataIndex: 'recordIds', render: (ids: string[]) => ids.join('、') },
              {
                title: t('rulEvidence'),
                dataIndex: 'evidence',
                render: (e: Record<string, unknown>) => <code style={{ fontSize: 12, whiteSpace: 'pre-wrap' }}>{JSON.stringify(e)}</code>,
              },
              { title: t('rulSuggestedDeduction'), dataIndex: 'suggestedDeduction', align: 'right', render: (v: string) => formatYuan(v) },
              {
                title: t('rulStatus'),
                dataIndex: 'status',
                render: (s: string, h) => (
                  <Space direction="vertical" size={2}>
                    <Tag>{code(`HIT_${s}`)}</Tag>
                    {h.answer && (
                      <span>
                        {t('rulAnswer')}：{h.answer}
                      </span>
                    )}
                    {h.decisionNote && (
                      <span>
                        {t('rulDecisionNote')}：{h.decisionNote}
                      </span>
                    )}
                  </Space>
                ),
              },
              {
                title: t('actions'),
                key: 'actions',
                render: (_: unknown, h) => (
                  <Space wrap>
                    {h.allowedActions.map((action) => (
                      <Button
                        key={action}
                        size="small"
                        danger={action === 'accept'}
                        disabled={act.isPending}
                        onClick={() => {
                          form.resetFields();
                          setAsking({ hit: h, action });
                        }}
                      >
                        {label[action]}
                      </Button>
                    ))}
                  </Space>
                ),
              },
            ]}
          />
        </>
      )}
      <Modal
        title={asking ? `${label[asking.action]}：${asking.hit.ruleName}` : ''}
        open={asking !== null}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={act.isPending}
        destroyOnHidden
        onCancel={() => setAsking(null)}
        onOk={() =>
          void form
            .validateFields()
            .then((v) => asking && act.mutate({ hit: asking.hit, action: asking.action, text: v.text?.trim() || undefined }))
        }
      >
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item
            label={asking?.action === 'answer' ? t('rulAnswer') : t('rulDecisionNote')}
            name="text"
            rules={[{ required: asking?.action !== 'accept', whitespace: true, message: t('rulTextRequired') }]}
          >
            <Input.TextArea maxLength={asking?.action === 'answer' ? 2000 : 500} rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </section>
  );
}

export default ClaimHits;
