import { lazy } from 'react';
import type { Area } from './area';

// Pooling above the county: the prefecture's and province's screen (its own chunk).
const PoolingPage = lazy(() => import('../../pages/pooling/Pooling'));

export const poolingArea: Area = {
  screens: [{ path: '/pooling', element: <PoolingPage /> }],
  menu: [{ path: '/pooling', label: 'poMenu', roles: ['BUREAU_CLERK', 'BUREAU_APPROVER', 'APPROVER', 'AUDITOR'] }],
};
