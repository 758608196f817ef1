import * as admin from './admin';
import * as bureau from './bureau';
import * as finance from './finance';
import * as intake from './intake';
import * as pooling from './pooling';
import * as rules from './rules';
import * as statements from './statements';

/** The strings of every area of the console, joined; a key defined twice is a type error in i18n.tsx's users. */
export const areaStrings = {
  zh: { ...finance.zh, ...bureau.zh, ...admin.zh, ...intake.zh, ...rules.zh, ...statements.zh, ...pooling.zh },
  en: { ...finance.en, ...bureau.en, ...admin.en, ...intake.en, ...rules.en, ...statements.en, ...pooling.en },
  codes: {
    zh: {
      ...finance.codes.zh,
      ...bureau.codes.zh,
      ...admin.codes.zh,
      ...intake.codes.zh,
      ...rules.codes.zh,
      ...statements.codes.zh,
      ...pooling.codes.zh,
    },
    en: {
      ...finance.codes.en,
      ...bureau.codes.en,
      ...admin.codes.en,
      ...intake.codes.en,
      ...rules.codes.en,
      ...statements.codes.en,
      ...pooling.codes.en,
    },
  },
};
