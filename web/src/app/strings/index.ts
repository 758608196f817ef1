import * as admin from './admin';
import * as bureau from './bureau';
import * as finance from './finance';

/** The strings of every area of the console, joined; a key defined twice is a type error in i18n.tsx's users. */
export const areaStrings = {
  zh: { ...finance.zh, ...bureau.zh, ...admin.zh },
  en: { ...finance.en, ...bureau.en, ...admin.en },
  codes: {
    zh: { ...finance.codes.zh, ...bureau.codes.zh, ...admin.codes.zh },
    en: { ...finance.codes.en, ...bureau.codes.en, ...admin.codes.en },
  },
};
