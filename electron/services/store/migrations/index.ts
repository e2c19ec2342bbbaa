import { migration001 } from './001_initial';
import { migration002 } from './002_audit_undo';
import { migration003 } from './003_tasks';
import { migration004 } from './004_kube_discovery';
import { migration005 } from './005_settings';
import { migration006 } from './006_rollout_guards';
import { migration007 } from './007_rollout_guard_identity';
import { migration008 } from './008_runbooks';
import { migration009 } from './009_gpu_prices';
import { migration010 } from './010_spend_cache';
import { migration011 } from './011_prometheus_connections';
import { migration012 } from './012_alerts';
import { migration013 } from './013_pipeline_specs';
import { migration014 } from './014_drills';
import { migration015 } from './015_drill_alerts';
import type { Migration } from './types';

/** Every migration, in order. Append; never edit one that has shipped. */
export const migrations: Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010, migration011, migration012, migration013, migration014, migration015];
