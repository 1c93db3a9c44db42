// Building blocks for spooler plugins (`@causeway/sdk/spooling`): the built-in spoolers use them too.
export { createSpoolQuota, type SpoolQuota } from './createSpoolQuota.js';
export { createChangeSignal, type ChangeSignal } from './createChangeSignal.js';
export { createSpoolerJobs, type SpoolerJobsOptions } from './createSpoolerJobs.js';
