import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Form, Input, InputNumber, Modal, Space, Table } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf } from '../../lib/context';
import { formatYuan } from '../../lib/format';
import { read, useCountyYear } from './api';
import type { PrivateBudgetsPage, PrivateBudgetView } from './views';

const AMOUNT = /^\d{1,16}(\.\d{1,2})?$/;

/** The private designated institutions' annual budgets (总额控制) within the private pool, set by the bureau. */
export default function PrivateBudgetsPage() {
  const { t } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const { county, fundYear: currentYear } = useCountyYear();
  const [chosenYear, setChosenYear] = useState<number | null>(null);
  const fundYear = chosenYear ?? currentYear;
  const [editing, setEditing] = useState(false);
  const [form] = Form.useForm<{ budgets: { institutionCode: string; amount: string }[] }>();
  const budgets = useQuery({
    queryKey: ['private-budgets', county, fundYear],
    enabled: !!county && !!fundYear,
    queryFn: () =>
      read<PrivateBudgetsPage>(() =>
        api.GET('/api/v1/counties/{countyCode}/private-budgets/{fundYear}', {
          params: { path: { countyCode: county!, fundYear: fundYear! }, query: { pageSize: 500 } },
        }),
      ),
  });
  const save = useMutation({
    mutationFn: (rows: { institutionCode: string; amount: string }[]) =>
      read<unknown>(() =>
        api.PUT('/api/v1/counties/{countyCode}/private-budgets/{fundYear}', {
          params: { path: { countyCode: county!, fundYear: fundYear! } },
          body: { budgets: rows.map((r) => ({ institutionCode: r.institutionCode.trim(), amount: r.amount.trim() })) },
        }),
      ),
    onSuccess: () => {
      setEditing(false);
      void message.success(t('done'));
      void queries.invalidateQueries({ queryKey: ['private-budgets'] });
    },
  });
  const b = budgets.data;
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('buPrivateBudgets')}</h1>}
      extra={
        <Space>
          <Link to="/private-payments">{t('buPrivatePayments')}</Link>
          <InputNumber aria-label={t('fundYear')} min={2000} max={2100} value={fundYear} onChange={(v) => v && setChosenYear(v)} />
          {me.roles.some((r) => r === 'BUREAU_CLERK' || r === 'BUREAU_APPROVER') && (
            <Button
              type="primary"
              disabled={!b}
              onClick={() => {
                save.reset();
                form.setFieldsValue({ budgets: (b?.items ?? []).map((i) => ({ institutionCode: i.institutionCode, amount: i.amount })) });
                setEditing(true);
              }}
            >
              {t('buEditBudgets')}
            </Button>
          )}
        </Space>
      }
    >
      {budgets.error && <Alert type="error" role="alert" title={refusalOf(budgets.error)} style={{ marginBottom: 16 }} />}
      <Descriptions bordered size="small" column={2} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('buPrivatePoolLabel')}>{formatYuan(b?.privatePool)}</Descriptions.Item>
        <Descriptions.Item label={t('buBudgeted')}>{formatYuan(b?.budgeted)}</Descriptions.Item>
      </Descriptions>
      <Table<PrivateBudgetView>
        rowKey="institutionCode"
        size="small"
        loading={budgets.isLoading}
        dataSource={b?.items ?? []}
        pagination={false}
        columns={[
          { title: t('institution'), dataIndex: 'institutionCode' },
          { title: t('buInstitutionName'), dataIndex: 'institutionName' },
          { title: t('buAnnualBudget'), dataIndex: 'amount', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('buSetBy'), dataIndex: 'setBy' },
        ]}
      />
      <Modal
        title={`${t('buEditBudgets')} · ${fundYear ?? ''}`}
        open={editing}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={save.isPending}
        onCancel={() => setEditing(false)}
        onOk={() => void form.validateFields().then((v) => save.mutate(v.budgets ?? []))}
        width={600}
        destroyOnHidden
      >
        {save.error && <Alert type="error" role="alert" title={refusalOf(save.error)} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical">
          <Form.List name="budgets">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <Space key={field.key} align="baseline">
                    <Form.Item
                      name={[field.name, 'institutionCode']}
                      label={t('institution')}
                      rules={[{ required: true, whitespace: true, message: t('required') }]}
                    >
                      <Input placeholder="WS-MY-01" />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'amount']}
                      label={`${t('buAnnualBudget')}（元）`}
                      rules={[
                        { required: true, message: t('required') },
                        { pattern: AMOUNT, message: t('buInvalidInput') },
                      ]}
                    >
                      <Input inputMode="decimal" placeholder="1200000.00" />
                    </Form.Item>
                    <Button type="text" aria-label={t('buRemove')} icon={<MinusCircleOutlined />} onClick={() => remove(field.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add()}>
                  {t('buAddBudget')}
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      </Modal>
    </Card>
  );
}
