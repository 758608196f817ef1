import type { ReactElement } from 'react';
import type { I18nKey } from '../i18n';

/** A menu entry: which roles see it (the API decides what each call may do; the menu only avoids dead ends). */
export interface MenuEntry {
  path: string;
  label: I18nKey;
  roles: readonly string[] | 'any';
}

/** A screen at a path of the console (React Router's syntax). */
export interface Screen {
  path: string;
  element: ReactElement;
}

/** One area of the console: its screens behind sign-in, its menu entries, and screens anyone may open. */
export interface Area {
  screens: Screen[];
  menu: MenuEntry[];
  publicScreens?: Screen[];
}
