import { Alert } from 'antd';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';

/** Whether the signed-in user drafted (or submitted) the document: the API refuses them its approval. */
export function draftedByMe(me: { name: string }, makers: readonly (string | null | undefined)[]): boolean {
  return makers.some((m) => m === me.name);
}

/**
 * Maker-checker made visible: on a document awaiting approval that the caller drafted, the
 * notice that another approver must approve it (the API offers them no approval).
 */
export function MakerChecker({
  state,
  awaiting,
  makers,
}: {
  state: string;
  awaiting: string | readonly string[];
  makers: readonly (string | null | undefined)[];
}) {
  const { t } = useI18n();
  const me = useMe();
  const waiting = typeof awaiting === 'string' ? state === awaiting : awaiting.includes(state);
  if (!waiting || !draftedByMe(me, makers)) return null;
  return <Alert type="info" showIcon title={t('buMakerChecker')} data-testid="maker-checker" style={{ marginBottom: 16 }} />;
}
