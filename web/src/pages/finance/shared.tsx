import { useEffect, useState, type ReactNode } from 'react';
import { InputNumber, Select, Space, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api, call, type Schemas } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';
import { useInstitution, useToday } from '../../lib/context';
import { toPage } from '../../lib/lists';

// The API's answers as its OpenAPI document describes them. Money is text.

export type AllocationCommunity = Schemas['AllocationCommunityResponse'];
export type AllocationItem = Schemas['AllocationResponse'];
export type DocumentAction = AllocationItem['allowedActions'][number];
export type BudgetPlanView = Schemas['BudgetPlanResponse'];
export type PlanCategory = BudgetPlanView['lines'][number]['category'];
export const PLAN_CATEGORIES: readonly PlanCategory[] = ['OUT_OF_COUNTY', 'OUTPATIENT', 'INPATIENT', 'CHRONIC_SPECIAL'];

/** Roles of the bureau, who pick a community; the lead unit reads its own. */
export const BUREAU_READERS = ['BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR', 'APPROVER'];

/** The allocations of a fund year in the caller's county (newest version first). */
export function useAllocations(fundYear: number | undefined) {
  return useQuery({
    queryKey: ['allocations', fundYear],
    enabled: fundYear !== undefined,
    queryFn: async () =>
      toPage(
        (await call(() => api.GET('/api/v1/allocations', { params: { query: { fundYear } } as never }))) as unknown as {
          items: AllocationItem[];
        },
      ).items,
  });
}

/** The allocation in force: the approved (or published) version the API's rules use. */
export function inForce(items: AllocationItem[] | undefined): AllocationItem | undefined {
  return items?.find((a) => a.state === 'APPROVED' || a.state === 'PUBLISHED');
}

/**
 * The fund year (the API's business year unless chosen) and community a screen reads: the lead
 * unit's own community, or one the bureau picks from the year's allocation.
 */
export function useYearAndCommunity() {
  const me = useMe();
  const today = useToday();
  const institution = useInstitution();
  const [fundYear, setFundYear] = useState<number | undefined>(undefined);
  const year = fundYear ?? (today ? Number(today.slice(0, 4)) : undefined);
  // The registry describes the community code loosely in its OpenAPI schema: it is a code or null.
  const own = (institution.data?.communityCode as unknown as string | null | undefined) ?? undefined;
  const allocations = useAllocations(year);
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const choices = inForce(allocations.data)?.communities ?? [];
  const community = own ?? picked ?? choices[0]?.communityCode;
  const picks = !own && me.roles.some((r) => BUREAU_READERS.includes(r));
  useEffect(() => {
    if (picked && choices.length && !choices.some((c) => c.communityCode === picked)) setPicked(undefined);
  }, [choices, picked]);
  return { year, setFundYear, community, setCommunity: setPicked, picks, choices, allocations, countyCode: institution.data?.countyCode };
}

/** The fund-year and community pickers of a finance screen's header. */
export function YearCommunityPicker({ state }: { state: ReturnType<typeof useYearAndCommunity> }) {
  const { t } = useI18n();
  return (
    <Space>
      <label htmlFor="fin-year">{t('finFundYear')}</label>
      <InputNumber id="fin-year" min={2000} max={2100} value={state.year} onChange={(v) => v && state.setFundYear(v)} />
      {state.picks && (
        <>
          <label htmlFor="fin-community">{t('finCommunity')}</label>
          <Select
            id="fin-community"
            style={{ minWidth: 180 }}
            value={state.community}
            onChange={(v) => state.setCommunity(v)}
            options={state.choices.map((c) => ({ value: c.communityCode, label: `${c.communityName} (${c.communityCode})` }))}
          />
        </>
      )}
    </Space>
  );
}

const STATE_TONES: Record<string, Tone> = {
  DRAFT: 'plain',
  SUBMITTED: 'info',
  RETURNED: 'caution',
  APPROVED: 'good',
  PUBLISHED: 'good',
  SUPERSEDED: 'plain',
  POSTED: 'good',
  POSTING: 'notice',
};

/** A document's state as the API names it, in the console's language. */
export function StateTag({ state }: { state: string }) {
  const { code } = useI18n();
  return <Flag tone={STATE_TONES[state] ?? 'plain'}>{code(state)}</Flag>;
}

/** A ratio the API sends as text ("0.2500"), shown as a percentage by moving the decimal point (no arithmetic). */
export function formatRatio(ratio: string | null | undefined): string {
  if (ratio === null || ratio === undefined || ratio === '') return '—';
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(ratio);
  if (!match) return ratio;
  const [, sign, whole, fraction = ''] = match;
  const digits = fraction.padEnd(2, '0');
  const integer = `${whole}${digits.slice(0, 2)}`.replace(/^0+(?=\d)/, '');
  const rest = digits.slice(2);
  return `${sign}${integer}${rest ? `.${rest}` : ''}%`;
}

/** Dark text on a light ground for each tone: legible (WCAG AA) where Ant Design's coloured tags are not. */
const TONES = {
  good: { color: '#135200', background: '#f6ffed', borderColor: '#95de64' },
  bad: { color: '#a8071a', background: '#fff1f0', borderColor: '#ffa39e' },
  caution: { color: '#873800', background: '#fff7e6', borderColor: '#ffc069' },
  notice: { color: '#614700', background: '#feffe6', borderColor: '#fff566' },
  info: { color: '#003a8c', background: '#e6f4ff', borderColor: '#91caff' },
  plain: { color: '#262626', background: '#fafafa', borderColor: '#d9d9d9' },
} as const;
export type Tone = keyof typeof TONES;

/** A tag in one of the tones above. */
export function Flag({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <Tag style={TONES[tone]}>{children}</Tag>;
}

/** A link of the console in its primary colour (legible on white, where the default link blue is not). */
export function FinLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Link to={to} style={{ color: '#1d4f91' }}>
      {children}
    </Link>
  );
}
