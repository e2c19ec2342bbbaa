/**
 * The parse worker's entry: a worker thread of the services process that
 * reads and parses kubeconfig and AWS files and large Prometheus answers
 * (see parseJobs.ts), so a 10 MiB file or a 20 MB answer never blocks the
 * services' event loop. Built as `out/main/parseWorker.js`.
 */
import { serveJobs } from '../workers/workerProtocol';
import { resultTransferables, runParseJob } from './parseJobs';

serveJobs(runParseJob, resultTransferables);
