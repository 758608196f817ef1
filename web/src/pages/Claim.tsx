import { App, Alert, Button, Card, Descriptions, Space, Spin } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, ApiCallError, call, type Schemas } from '../api/client';
import { useI18n } from '../app/i18n';
import { formatDate, formatYuan } from '../lib/format';
import { ClaimStateTag } from './claimState';
import { ClaimRecords } from './Records';

type Claim = Schemas['MemberClaimResponse'];
type Action = Claim['allowedActions'][number];

/**
 * The actions this screen can perform, each a POST with the claim's version. A button appears
 * only when the API lists the action in the claim's `allowedActions`; the rest (declare, roll
 * over, settle) happen on other screens or in the cycles.
 */
const PERFORMABLE: Partial<Record<Action, (id: number, version: number) => Promise<Claim>>> = {
  submit: (id, version) => call(() => api.POST('/api/v1/member-claims/{id}/submit', { params: { path: { id } }, body: { version } })),
  completeReview: (id, version) => completeReview(id, version, false),
  reopenReview: (id, version) =>
    call(() => api.POST('/api/v1/member-claims/{id}/reopen-review', { params: { path: { id } }, body: { version } })).then(() =>
      reload(id),
    ),
};

/**
 * Ends pre-review. While records are still pending the API refuses unless the caller says to
 * accept the rest (`acceptPending: true`), which the page offers after showing the refusal.
 */
const completeReview = (id: number, version: number, acceptPending: boolean) =>
  call(() =>
    api.POST('/api/v1/member-claims/{id}/complete-review', {
      params: { path: { id } },
      body: (acceptPending ? { version, acceptPending: true } : { version }) as { version: number },
    }),
  ).then(() => reload(id));

const reload = (id: number) => call(() => api.GET('/api/v1/member-claims/{id}', { params: { path: { id } } }));

export default function ClaimPage() {
  const id = Number(useParams().id);
  const { t } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const claim = useQuery({ queryKey: ['member-claim', id], queryFn: () => reload(id) });
  const act = useMutation({
    mutationFn: ({ action, version, acceptPending }: { action: Action; version: number; acceptPending?: boolean }) =>
      action === 'completeReview' && acceptPending ? completeReview(id, version, true) : PERFORMABLE[action]!(id, version),
    onSuccess: (updated) => {
      queries.setQueryData(['member-claim', id], updated);
      void queries.invalidateQueries({ queryKey: ['member-claims'] });
      void queries.invalidateQueries({ queryKey: ['inbox'] });
      void message.success(t('done'));
    },
  });
  if (claim.isLoading) return <Spin />;
  if (claim.error || !claim.data) return <Alert type="error" title={(claim.error as Error | null)?.message ?? 'error'} />;
  const c = claim.data;
  const actions = c.allowedActions.filter((a) => PERFORMABLE[a]);
  const refusal = act.error instanceof ApiCallError ? (act.error.body?.message ?? act.error.message) : act.error?.message;
  return (
    <Card
      title={
        <h1 style={{ fontSize: 18, margin: 0 }}>
          {t('claim')} #{c.id} · {c.institutionCode} · {c.period}
        </h1>
      }
      extra={<Link to="/claims">{t('back')}</Link>}
    >
      {refusal && (
        <Alert
          type="error"
          role="alert"
          title={refusal}
          style={{ marginBottom: 16 }}
          action={
            act.variables?.action === 'completeReview' && !act.variables.acceptPending && c.allowedActions.includes('completeReview') ? (
              <Button danger size="small" onClick={() => act.mutate({ action: 'completeReview', version: c.version, acceptPending: true })}>
                {t('acceptRest')}
              </Button>
            ) : undefined
          }
        />
      )}
      <Descriptions bordered size="small" column={2}>
        <Descriptions.Item label={t('state')}>
          <ClaimStateTag state={c.state} />
        </Descriptions.Item>
        <Descriptions.Item label={t('version')}>{c.version}</Descriptions.Item>
        <Descriptions.Item label={t('records')}>{c.records}</Descriptions.Item>
        <Descriptions.Item label={t('cutoff')}>{formatDate(c.cutoff)}</Descriptions.Item>
        <Descriptions.Item label={t('claimed')}>{formatYuan(c.claimed)}</Descriptions.Item>
        <Descriptions.Item label={t('pending')}>{formatYuan(c.pending)}</Descriptions.Item>
        <Descriptions.Item label={t('accepted')}>{formatYuan(c.accepted)}</Descriptions.Item>
        <Descriptions.Item label={t('rejected')}>{formatYuan(c.rejected)}</Descriptions.Item>
        <Descriptions.Item label={t('deducted')}>{formatYuan(c.deducted)}</Descriptions.Item>
        <Descriptions.Item label={t('approved')}>{formatYuan(c.approved)}</Descriptions.Item>
        <Descriptions.Item label={t('submittedOn')}>
          {formatDate(c.submittedOn)} {c.late ? `(${t('late')})` : ''}
        </Descriptions.Item>
      </Descriptions>
      <Space style={{ marginTop: 16 }}>
        {actions.map((action, i) => (
          <Button
            key={action}
            type={i === 0 ? 'primary' : 'default'}
            loading={act.isPending && act.variables?.action === action}
            onClick={() => act.mutate({ action, version: c.version })}
          >
            {t(action as 'submit' | 'completeReview' | 'reopenReview')}
          </Button>
        ))}
      </Space>
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('records')}</h2>
      <ClaimRecords
        claimId={c.id}
        mode={c.allowedActions.includes('completeReview') ? 'review' : 'read'}
        onChanged={() => void queries.invalidateQueries({ queryKey: ['member-claim', id] })}
      />
    </Card>
  );
}
