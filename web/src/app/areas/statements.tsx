import type { Area } from './area';

// The statements screens: each page is its own chunk (React.lazy), registered here with its menu entries.
export const statementsArea: Area = {
  screens: [],
  menu: [],
};
