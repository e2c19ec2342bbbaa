/**
 * The schema worker's entry: a worker thread of the services process that
 * parses and reduces clusters' OpenAPI documents (see schemaJobs.ts), so a
 * document of tens of MB never blocks the services' event loop. Built as
 * `out/main/schemaWorker.js` (electron.vite.config.ts).
 */
import { serveJobs } from '../../workers/workerProtocol';
import { resultTransferables, runSchemaJob } from './schemaJobs';

serveJobs(runSchemaJob, resultTransferables);
