import { describe, expect, it } from 'vitest';
import { createRelayClient } from './relayClient.js';
import type { RelayHttp, RelayHttpResponse } from './relayHttp.js';

/** An answer whose body is `text`, or whose body read fails with `failure`. */
function answer(status: number, text: string, failure?: Error): RelayHttpResponse & { discarded: boolean } {
  const res = {
    status,
    statusText: 'status text',
    discarded: false,
    header: () => undefined,
    body: (async function* () {
      yield Buffer.from(text);
    })(),
    text: () => (failure ? Promise.reject(failure) : Promise.resolve(text)),
    discard() {
      res.discarded = true;
    },
  };
  return res;
}

function clientAnswering(res: RelayHttpResponse | Error): ReturnType<typeof createRelayClient> {
  const http: RelayHttp = async () => {
    if (res instanceof Error) throw res;
    return res;
  };
  return createRelayClient({ url: 'http://relay.test', token: 't', http });
}

describe('createRelayClient over its http seam', () => {
  it('takes a cancel the relay answered even when the connection drops while its answer is read', async () => {
    const res = answer(202, '', new Error('socket hang up'));
    await expect(clientAnswering(res).cancel('job-1')).resolves.toBeUndefined();
    expect(res.discarded).toBe(true);
  });

  it('reports a 2xx answer that is not JSON as CW_RELAY_PROTOCOL', async () => {
    await expect(clientAnswering(answer(200, '<html>proxy page</html>')).getGateway('gw-1')).rejects.toMatchObject({
      code: 'CW_RELAY_PROTOCOL',
      message: 'the relay answered 200 with a body that is not JSON',
    });
  });

  it('reports an error answer with its code, or by its status when the body is not ours', async () => {
    await expect(clientAnswering(answer(409, '{"code":"CW_JOB_CANCELLED","message":"job j was cancelled"}')).cancel('j')).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED', message: 'relay answered 409 to DELETE /v1/jobs/j: job j was cancelled' });
    await expect(clientAnswering(answer(401, 'nope')).getGateway('gw-1')).rejects.toMatchObject({ code: 'CW_RELAY_AUTH_FAILED', message: 'relay answered 401 to GET /v1/gateways/gw-1: status text' });
  });

  it('reports a relay it cannot reach as CW_RELAY_UNREACHABLE, with the cause', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    await expect(clientAnswering(refused).submit('gw-1', { dataSource: 'pg', query: { text: 'select 1' } })).rejects.toMatchObject({
      code: 'CW_RELAY_UNREACHABLE',
      message: 'could not reach the relay at http://relay.test for POST /v1/gateways/gw-1/jobs: connect ECONNREFUSED 127.0.0.1:9',
      cause: refused,
    });
  });
});
