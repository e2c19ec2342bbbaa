/**
 * The spec parse worker's entry: a worker thread of the services process
 * that reads large pipeline specs (specDocuments.ts {@link parseSpecData}),
 * so a 5 MB spec never holds the services' event loop for the seconds its
 * parse takes. Built as `out/main/specParseWorker.js` (electron.vite.config.ts).
 */
import { serveJobs } from '../workers/workerProtocol';
import { parseSpecData } from './specDocuments';
import type { SpecParseJob } from './specParsePool';

serveJobs(({ text, label }: SpecParseJob) => parseSpecData(text, label));
