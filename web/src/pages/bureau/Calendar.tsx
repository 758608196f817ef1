import { useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Form, Input, Modal, Row, Select, Space, Tag } from 'antd';
import { Link } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf } from '../../lib/context';
import { read, useCountyYear } from './api';
import type { YearScheduleView } from './views';

const lines = (text: string | undefined) =>
  (text ?? '')
    .split(/[\s,，]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The national holiday schedule the working-day deadlines count with: view a year, and load or correct it. */
export default function CalendarPage() {
  const { t } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const { fundYear: currentYear } = useCountyYear();
  const [chosen, setChosen] = useState<number | null>(null);
  const year = chosen ?? currentYear;
  const [editing, setEditing] = useState(false);
  const [form] = Form.useForm<{ holidays: string; makeUpWorkingDays: string; note?: string }>();
  const years = useQuery({
    queryKey: ['calendar-years'],
    queryFn: async () =>
      (
        await read<{ items: { year: number; source: string }[] }>(() =>
          api.GET('/api/v1/calendar/years', { params: { query: { pageSize: 500 } } }),
        )
      ).items,
  });
  const schedule = useQuery({
    queryKey: ['calendar-year', year],
    enabled: !!year,
    queryFn: () => read<YearScheduleView>(() => api.GET('/api/v1/calendar/years/{year}', { params: { path: { year: year! } } })),
  });
  const save = useMutation({
    mutationFn: (v: { holidays: string; makeUpWorkingDays: string; note?: string }) =>
      read<YearScheduleView>(() =>
        api.PUT('/api/v1/calendar/years/{year}', {
          params: { path: { year: year! } },
          body: {
            version: schedule.data?.version ?? 0,
            holidays: lines(v.holidays),
            makeUpWorkingDays: lines(v.makeUpWorkingDays),
            ...(v.note?.trim() ? { note: v.note.trim() } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setEditing(false);
      void message.success(t('done'));
      void queries.invalidateQueries({ queryKey: ['calendar-year'] });
      void queries.invalidateQueries({ queryKey: ['calendar-years'] });
    },
  });
  const s = schedule.data;
  const known = new Set((years.data ?? []).map((y) => y.year));
  if (year) known.add(year);
  if (year) known.add(year + 1);
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('buCalendar')}</h1>}
      extra={
        <Space>
          <Link to="/policy-parameters">{t('buPolicyParameters')}</Link>
          <Select
            aria-label={t('buYear')}
            style={{ width: 120 }}
            value={year}
            onChange={setChosen}
            options={[...known].sort().map((y) => ({ value: y, label: String(y) }))}
          />
          {me.roles.some((r) => r === 'BUREAU_CLERK' || r === 'BUREAU_APPROVER') && (
            <Button
              type="primary"
              disabled={!s && !schedule.error}
              onClick={() => {
                save.reset();
                form.setFieldsValue({
                  holidays: (s?.holidays ?? []).join('\n'),
                  makeUpWorkingDays: (s?.makeUpWorkingDays ?? []).join('\n'),
                  note: s?.note ?? '',
                });
                setEditing(true);
              }}
            >
              {t('buEditSchedule')}
            </Button>
          )}
        </Space>
      }
    >
      {schedule.error && <Alert type="warning" role="alert" title={refusalOf(schedule.error)} style={{ marginBottom: 16 }} />}
      {s && (
        <>
          <Descriptions bordered size="small" column={3} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('buYear')}>{s.year}</Descriptions.Item>
            <Descriptions.Item label={t('buSource')}>{s.source}</Descriptions.Item>
            <Descriptions.Item label={t('version')}>{s.version}</Descriptions.Item>
            <Descriptions.Item label={t('buScheduleNote')} span={3}>
              {s.note || '—'}
            </Descriptions.Item>
          </Descriptions>
          <Row gutter={24}>
            <Col xs={24} md={12}>
              <h2 style={{ fontSize: 16 }}>
                {t('buHolidays')} ({s.holidays.length} {t('buDays')})
              </h2>
              <div data-testid="holidays">
                {s.holidays.map((d) => (
                  <Tag key={d} color="red" style={{ marginBottom: 4 }}>
                    {d}
                  </Tag>
                ))}
              </div>
            </Col>
            <Col xs={24} md={12}>
              <h2 style={{ fontSize: 16 }}>
                {t('buMakeUpDays')} ({s.makeUpWorkingDays.length} {t('buDays')})
              </h2>
              <div data-testid="make-up-days">
                {s.makeUpWorkingDays.map((d) => (
                  <Tag key={d} color="blue" style={{ marginBottom: 4 }}>
                    {d}
                  </Tag>
                ))}
              </div>
            </Col>
          </Row>
        </>
      )}
      <Modal
        title={`${t('buEditSchedule')} · ${year ?? ''}`}
        open={editing}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={save.isPending}
        onCancel={() => setEditing(false)}
        onOk={() => void form.validateFields().then((v) => save.mutate(v))}
        destroyOnHidden
      >
        {save.error && <Alert type="error" role="alert" title={refusalOf(save.error)} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical">
          <Form.Item label={t('buHolidays')} name="holidays" extra={t('buDatesHint')}>
            <Input.TextArea rows={6} />
          </Form.Item>
          <Form.Item label={t('buMakeUpDays')} name="makeUpWorkingDays" extra={t('buDatesHint')}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Form.Item label={t('buScheduleNote')} name="note">
            <Input maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
