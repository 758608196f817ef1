import type { Area } from './area';

// The bureau screens: each page is its own chunk (React.lazy), registered here with its menu entries.
export const bureauArea: Area = {
  screens: [],
  menu: [],
};
