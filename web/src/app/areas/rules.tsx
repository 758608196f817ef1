import type { Area } from './area';

// The rules screens: each page is its own chunk (React.lazy), registered here with its menu entries.
export const rulesArea: Area = {
  screens: [],
  menu: [],
};
