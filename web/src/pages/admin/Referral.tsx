import { Alert, App, Card, Descriptions, Spin } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import type { ChainAction, ReferralView } from '../../api/views';
import { useI18n } from '../../app/i18n';
import { refusalOf } from '../../lib/context';
import { formatDate } from '../../lib/format';
import { ChainActions, ChainDetails, ChainStatusTag, performChainAction } from '../chain';

const load = async (id: number) =>
  (await call(() => api.GET('/api/v1/referrals/{id}', { params: { path: { id } } }))) as unknown as ReferralView;

/** One out-of-county referral: the record, its chain (steps, history) and the caller's actions. */
export default function ReferralPage() {
  const id = Number(useParams().id);
  const { t } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const referral = useQuery({ queryKey: ['referral', id], queryFn: () => load(id) });
  const act = useMutation({
    mutationFn: ({ action, comment }: { action: ChainAction; comment?: string }) =>
      performChainAction('/api/v1/referrals', id, action, referral.data!.version, undefined, comment),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['referral', id] });
      void queries.invalidateQueries({ queryKey: ['referrals'] });
      void queries.invalidateQueries({ queryKey: ['notifications'] });
      void message.success(t('done'));
    },
  });
  if (referral.isLoading) return <Spin />;
  if (referral.error || !referral.data) return <Alert type="error" role="alert" title={refusalOf(referral.error) ?? 'error'} />;
  const r = referral.data;
  return (
    <Card
      title={
        <h1 style={{ fontSize: 18, margin: 0 }}>
          {t('referral')} #{r.id} · {r.communityCode}
        </h1>
      }
      extra={<Link to="/referrals">{t('back')}</Link>}
    >
      <Descriptions bordered size="small" column={2} data-testid="referral">
        <Descriptions.Item label={t('chainStatus')}>
          <ChainStatusTag status={r.chain.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t('version')}>{r.version}</Descriptions.Item>
        <Descriptions.Item label={t('insuredMasked')}>{r.insuredMasked}</Descriptions.Item>
        <Descriptions.Item label={t('fromUnit')}>{r.fromUnitCode}</Descriptions.Item>
        <Descriptions.Item label={t('receivingHospital')}>{r.receivingHospital}</Descriptions.Item>
        <Descriptions.Item label={t('diagnosisCode')}>{r.diagnosisCode ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('validFrom')}>{r.validFrom}</Descriptions.Item>
        <Descriptions.Item label={t('validTo')}>{r.validTo}</Descriptions.Item>
        <Descriptions.Item label={t('referralReason')} span={2}>
          {r.reason}
        </Descriptions.Item>
        <Descriptions.Item label={t('recordedBy')}>{r.recordedBy}</Descriptions.Item>
        <Descriptions.Item label={t('createdAt')}>{formatDate(r.createdAt)}</Descriptions.Item>
      </Descriptions>
      <ChainActions allowed={r.allowedActions} chain={r.chain} act={act} asksStep={false} />
      <ChainDetails chain={r.chain} />
    </Card>
  );
}
