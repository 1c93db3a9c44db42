import { CausewayError } from '@causeway/sdk';
import { RelayJobSchema, type RelayJob } from '@causeway/schemas';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { describeAjvErrors, formatProblems } from '../validation/describeAjvErrors.js';

/** Validates a relay job document. Throws `CW_JOB_INVALID` listing each problem with its JSON pointer. */
export function parseJob(ajv: Ajv2020, body: unknown, expectedJobId: string): RelayJob {
  const validate = ajv.getSchema(RelayJobSchema.$id!) ?? ajv.compile(RelayJobSchema);
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
