/** The media type of a results stream (`[u32 BE length][frame]`…); a job POST accepting it gets the stream in its response. */
export const RESULTS_CONTENT_TYPE = 'application/octet-stream';

/** The response header that names the job of a results stream opened by a job POST. */
export const JOB_ID_HEADER = 'x-causeway-job-id';
