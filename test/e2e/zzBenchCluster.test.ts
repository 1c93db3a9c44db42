import { createClusterClient } from '@causeway/transport-amqp/client';
import { it } from 'vitest';
import { createTestVhost, rabbitConfig } from '../support/rabbitmq.js';
import { createClusterKeys, startClusterMember } from '../support/startClusterMember.js';

it('bench', async () => {
  const keys = await createClusterKeys();
  const vhost = await createTestVhost();
  const members = await Promise.all(Array.from({ length: 1 }, (_, n) => startClusterMember({ vhost: vhost.vhost, cluster: vhost.cluster, memberId: `b-${n}`, concurrentJobs: 4 }, keys)));
  const client = createClusterClient({ url: `amqp://${rabbitConfig.host}:${rabbitConfig.port}`, cluster: vhost.cluster, vhost: vhost.vhost, username: 'guest', password: 'guest' });
  await (await client.run({ dataSource: 'pg', query: { text: 'select 1' } })).collect();
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const s = await client.run({ dataSource: 'pg', query: { text: 'select 1' } });
    const t1 = performance.now();
    await s.collect();
    times.push(Math.round(performance.now() - t0), Math.round(t1 - t0));
  }
  console.log('LAT', times.join(' '));
  const r = members[0]!.reports.slice(-5).map((x) => JSON.stringify(x.timings));
  console.log('TIMINGS', r.join('\n'));
  await client.close();
  await Promise.all(members.map((m) => m.stop()));
  await vhost.delete();
}, 600_000);
