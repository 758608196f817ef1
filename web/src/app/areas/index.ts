import { adminArea } from './admin';
import { bureauArea } from './bureau';
import { financeArea } from './finance';
import { intakeArea } from './intake';
import { poolingArea } from './pooling';
import { rulesArea } from './rules';
import { statementsArea } from './statements';
import type { Area } from './area';

export type { Area, MenuEntry, Screen } from './area';

/** The areas beyond the month's core screens (App.tsx and Layout.tsx hold those). */
export const areas: Area[] = [financeArea, bureauArea, adminArea, intakeArea, rulesArea, statementsArea, poolingArea];
