import { Alert, App, Card, Descriptions, Spin } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, call } from '../api/client';
import type { ChainAction, ReserveUseView } from '../api/views';
import { useI18n } from '../app/i18n';
import { refusalOf } from '../lib/context';
import { formatDate, formatYuan } from '../lib/format';
import { ChainActions, ChainDetails, ChainStatusTag, performChainAction } from './chain';

const load = async (id: number) =>
  (await call(() => api.GET('/api/v1/reserve-uses/{id}', { params: { path: { id } } }))) as unknown as ReserveUseView;

/** One reserve use: the application, the chain's steps, deadlines and history, and the caller's actions. */
export default function ReserveUsePage() {
  const id = Number(useParams().id);
  const { t } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const use = useQuery({ queryKey: ['reserve-use', id], queryFn: () => load(id) });
  const act = useMutation({
    mutationFn: ({ action, step, comment }: { action: ChainAction; step?: string; comment?: string }) =>
      performChainAction('/api/v1/reserve-uses', id, action, use.data!.version, step, comment),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['reserve-use', id] });
      void queries.invalidateQueries({ queryKey: ['reserve-uses'] });
      void queries.invalidateQueries({ queryKey: ['notifications'] });
      void message.success(t('done'));
    },
  });
  if (use.isLoading) return <Spin />;
  if (use.error || !use.data) return <Alert type="error" title={refusalOf(use.error) ?? 'error'} />;
  const u = use.data;
  return (
    <Card
      title={
        <h1 style={{ fontSize: 18, margin: 0 }}>
          {t('reserveUse')} #{u.id} · {u.countyCode} · {u.fundYear}
        </h1>
      }
      extra={<Link to="/reserve-uses">{t('back')}</Link>}
    >
      <Descriptions bordered size="small" column={2}>
        <Descriptions.Item label={t('chainStatus')}>
          <ChainStatusTag status={u.chain.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t('version')}>{u.version}</Descriptions.Item>
        <Descriptions.Item label={t('purpose')}>{u.purpose}</Descriptions.Item>
        <Descriptions.Item label={t('amount')}>{formatYuan(u.amount)}</Descriptions.Item>
        <Descriptions.Item label={t('target')}>
          {u.target.kind === 'PACKAGE_INCREASE'
            ? `${t('packageIncrease')} · ${u.target.communityCode}`
            : `${t('directPayment')} · ${u.target.risk}`}
        </Descriptions.Item>
        <Descriptions.Item label={t('reserveBalance')}>{formatYuan(u.reserveBalance)}</Descriptions.Item>
        <Descriptions.Item label={t('applicationReason')} span={2}>
          {u.reason}
        </Descriptions.Item>
        <Descriptions.Item label={t('createdBy')}>{u.createdBy}</Descriptions.Item>
        <Descriptions.Item label={t('executedOn')}>
          {formatDate(u.executedOn)} {u.executedBy ? `· ${u.executedBy}` : ''}
        </Descriptions.Item>
      </Descriptions>
      <ChainActions allowed={u.allowedActions} chain={u.chain} act={act} />
      <ChainDetails chain={u.chain} />
    </Card>
  );
}
