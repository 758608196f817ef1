import { lazy } from 'react';
import type { Area } from './area';

// The rules screens: each page is its own chunk (React.lazy), registered here with its menu entries.
// A claim's hits show above its records (pages/rules/ClaimHits.tsx, loaded by pages/Records.tsx).
const RuleSetPage = lazy(() => import('../../pages/rules/RuleSet'));

export const rulesArea: Area = {
  screens: [{ path: '/rules/rule-set', element: <RuleSetPage /> }],
  menu: [{ path: '/rules/rule-set', label: 'rulRuleSet', roles: ['BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR', 'LEAD_FINANCE'] }],
};
