import { z } from 'zod';
import { appCommandIds } from '../appCommands';
import { defineArea, Empty, method } from './area';

/** Facts about the running app the UI adapts to. */
export const AppInfo = z.object({
  version: z.string(),
  mode: z.enum(['desktop', 'browser']),
  platform: z.string(),
  /** How secrets are sealed at rest, e.g. "OS keychain (libsecret)" or "AES-256-GCM key file". */
  secretStorage: z.string(),
  capabilities: z.object({
    /** A native file picker that returns a path (desktop only). */
    nativeFileDialog: z.boolean(),
    /** Reports can be saved as PDF (desktop only: the host prints them); absent means no. */
    pdfExport: z.boolean().optional(),
  }),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** The app area: facts about the running app, and the menu's commands. */
export const appContract = defineArea('app', {
  methods: {
    'app.info': method(Empty, AppInfo),
  },
  events: {
    /** The application menu asked the UI to do something. */
    'app.command': z.object({ command: z.enum(appCommandIds) }),
  },
});
