/**
 * The parse worker's entry: a worker thread of the services process that
 * reads and parses kubeconfig and AWS files (see parseJobs.ts), so a 10 MiB
 * file never blocks the services' event loop. Built as `out/main/parseWorker.js`.
 */
import { serveJobs } from '../workers/workerProtocol';
import { runParseJob } from './parseJobs';

serveJobs(runParseJob);
