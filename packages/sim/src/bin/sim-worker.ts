// A worker thread of hbd-sim: runs the batches of seeds it is sent, answers with their results.

import { parentPort } from 'node:worker_threads';
import { runBatch, type WorkerJob } from './sim-batch';

parentPort?.on('message', (job: WorkerJob) => {
  parentPort?.postMessage(runBatch(job));
});
