import { z } from 'zod';
import { defineArea, method } from './area';

/** Where an audited action stands. */
export const AuditStatus = z.enum(['pending', 'succeeded', 'failed']);

/** One audited action: written before it acts, completed after. */
export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  connectionId: z.string().optional(),
  connectionName: z.string().optional(),
  /** What was done, e.g. "connections.import" or "deployment.rollback". */
  action: z.string(),
  /** What it was done to, e.g. "prod-eu/ml-serving/deployment/ranker". */
  target: z.string(),
  status: AuditStatus,
  finishedAt: z.string().optional(),
  before: z.string().optional(),
  after: z.string().optional(),
  detail: z.string().optional(),
  error: z.string().optional(),
  /** What undoing it would do ("Scale back to 3 replicas"); present while it can be undone. */
  undo: z.object({ label: z.string() }).optional(),
  /** The entry that undid this one. */
  undoneBy: z.number().int().optional(),
  /** The entry this one undid. */
  undoOf: z.number().int().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = z.object({
  limit: z.number().int().min(1).max(500).default(100),
  /** Entries older than this id (paging backwards). */
  beforeId: z.number().int().optional(),
  connectionId: z.string().optional(),
  /** Matches action, target, connection name or detail; `#12` finds entry 12 and those linked to it by undo (`shared/auditFilter.ts`). */
  text: z.string().max(200).optional(),
});

/** The audit area: the log of every change, and undo. */
export const auditContract = defineArea('audit', {
  methods: {
    'audit.list': method(AuditQuery.strict(), z.object({ entries: z.array(AuditEntry), hasMore: z.boolean() })),
    /** Runs the action that reverses an entry (scale back, uncordon…), audited itself; answers with its entry. */
    'audit.undo': method(z.object({ id: z.number().int().min(1) }).strict(), AuditEntry),
  },
  events: {
    'audit.appended': AuditEntry,
  },
});
