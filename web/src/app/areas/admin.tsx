import type { Area } from './area';

// The admin screens: each page is its own chunk (React.lazy), registered here with its menu entries.
export const adminArea: Area = {
  screens: [],
  menu: [],
};
