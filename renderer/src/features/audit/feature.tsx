import type { Feature } from '../../shell/feature';
import { navigate } from '../../shell/routes';
import { AuditPage } from './AuditPage';

/** The audit log of every change made through Pilothouse, with undo where the change allows it. */
export const auditFeature: Feature<'audit', never, 'go-audit'> = {
  id: 'audit',
  page: { route: 'audit', label: 'Audit', navOrder: 90, component: AuditPage },
  appCommands: { 'go-audit': () => navigate('audit') },
};
