import type { Area } from './area';

// The finance screens: each page is its own chunk (React.lazy), registered here with its menu entries.
export const financeArea: Area = {
  screens: [],
  menu: [],
};
