import { appContract, type AppInfo } from '../../../shared/contract';
import type { ServiceArea } from './serviceArea';

/** The app area: what the UI adapts to (mode, platform, how secrets are kept). */
export function createAppArea(info: () => AppInfo): ServiceArea<typeof appContract> {
  return {
    contract: appContract,
    handlers: { 'app.info': () => info() },
    endSession: () => {},
    close: () => {},
  };
}
