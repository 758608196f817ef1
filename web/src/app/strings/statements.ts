// Strings of the console's statements screens, Chinese first; `en` must name every key of `zh`.
export const zh = {} as const;

export const en: Record<keyof typeof zh, string> = {};

/** Names of the API's codes these screens show, in each language. */
export const codes: { zh: Record<string, string>; en: Record<string, string> } = { zh: {}, en: {} };
