// A cluster member alone in its process, so a test can SIGKILL it mid-job. Started by
// startClusterMember.ts (startChildMember) with child_process.fork; spoken to over IPC.
//   parent -> child: { type: 'start', config, baseDir }  then later { type: 'stop' }
//   child -> parent: { type: 'ready' } | { type: 'failed', error } | { type: 'job:start', jobId } | { type: 'job:end', report }
import { createHost, createLogger } from '@causeway/host';

if (!process.send) {
  process.stderr.write('clusterMemberProcess.mjs is started by the tests (startChildMember), not by hand\n');
  process.exit(2);
}

const logger = createLogger({ level: 'warn', destination: process.stderr, name: 'cluster-member' });
let host;

process.on('message', (message) => {
  if (message?.type === 'start') {
    host = createHost({ config: message.config, baseDir: message.baseDir, logger });
    host.on('job:start', ({ jobId }) => process.send({ type: 'job:start', jobId }));
    host.on('job:end', (report) => process.send({ type: 'job:end', report }));
    host.start().then(
      () => process.send({ type: 'ready' }),
      (error) => {
        process.send({ type: 'failed', error: `${error?.code ?? ''} ${error?.message ?? String(error)}` });
        process.exit(1);
      },
    );
  } else if (message?.type === 'stop') {
    void (host ? host.stop() : Promise.resolve()).finally(() => process.exit(0));
  }
});

// The parent went away: leave the cluster rather than linger.
process.on('disconnect', () => {
  void (host ? host.stop() : Promise.resolve()).finally(() => process.exit(0));
});
