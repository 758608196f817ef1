import type { Area } from './area';

// The intake screens: each page is its own chunk (React.lazy), registered here with its menu entries.
export const intakeArea: Area = {
  screens: [],
  menu: [],
};
