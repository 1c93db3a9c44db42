import { CausewayError } from '@causeway/sdk';
import type { RelayJob } from '@causeway/schemas';
import { describeAjvErrors, formatProblems } from '../validation/describeAjvErrors.js';
import { validateRelayJob as validate } from '../validation/generated/validateRelayJob.js';

/**
 * Validates a relay job document with the precompiled relay-job validator (no schema compiled on the
 * first job). Throws `CW_JOB_INVALID` listing each problem with its JSON pointer.
 */
export function parseJob(body: unknown, expectedJobId: string): RelayJob {
  if (!validate(body)) {
    const problems = describeAjvErrors(validate.errors);
    throw new CausewayError('CW_JOB_INVALID', `invalid relay job:\n${formatProblems(problems)}`, { location: { pointer: problems[0]?.pointer }, details: { problems } });
  }
  const job = body as RelayJob;
  if (job.jobId !== expectedJobId) {
    throw new CausewayError('CW_JOB_INVALID', `/jobId "${job.jobId}" does not match the relay envelope's job id "${expectedJobId}"`, { location: { pointer: '/jobId' } });
  }
  return job;
}
