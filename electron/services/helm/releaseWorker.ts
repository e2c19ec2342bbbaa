/**
 * The release decode worker's entry: a worker thread of the services
 * process that inflates and parses Helm release records and masks their
 * manifests (see releaseDecodePool.ts), so a release of tens of MiB never
 * blocks the services' event loop. Built as `out/main/releaseWorker.js`.
 */
import { serveJobs } from '../workers/workerProtocol';
import { decodeOnThisThread } from './releaseSecrets';
import type { ReleaseJob, ReleaseJobResult } from './releaseDecodePool';

serveJobs<ReleaseJob, ReleaseJobResult>((job) => (job.kind === 'row' ? decodeOnThisThread.row(job.secret) : decodeOnThisThread.manifest(job.secret, job.revision)));
