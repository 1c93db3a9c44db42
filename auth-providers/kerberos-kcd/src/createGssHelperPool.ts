import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CausewayError, type GssContext, type GssMechanism, type Logger } from '@causeway/sdk';
import type { GssHelperRequest, GssHelperResponse } from './gssHelperProcess.js';

/** Options of `createGssHelperPool`. */
export interface GssHelperPoolOptions {
  /** Environment of the helpers (KRB5_CONFIG); KRB5CCNAME is set per helper. */
  env: Readonly<Record<string, string>>;
  /** Limit for each GSS-API call. */
  timeoutMs: number;
  logger: Logger;
}

/** What a context needs: the collection holding the user's cache, who, and with whom. */
export interface GssContextRequest {
  collection: string;
  principal: string;
  /** GSS host-based service name, `service@host`. */
  service: string;
  mechanism: GssMechanism;
  mutual: boolean;
  signal?: AbortSignal;
}

/** One GSS helper process per credential-cache collection. */
export interface GssHelperPool {
  createContext(request: GssContextRequest): Promise<GssContext>;
  /** Stops every helper. */
  close(): Promise<void>;
}

// The helper is compiled JavaScript; from src/ (tests) it is taken from dist/.
function helperPath(): string {
  const beside = fileURLToPath(new URL('./gssHelperProcess.js', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../dist/gssHelperProcess.js', import.meta.url));
}

interface Helper {
  child: ChildProcess;
  call(request: DistributiveOmit<GssHelperRequest, 'id'>, signal?: AbortSignal): Promise<Extract<GssHelperResponse, { ok: true }>>;
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

function gssFailed(message: string): CausewayError {
  return new CausewayError('CW_KERBEROS_FAILED', `GSS-API: ${message}`);
}

/**
 * Forks one helper (gssHelperProcess) per collection, with KRB5CCNAME fixed to it, and talks to it
 * over IPC. A helper that dies fails its calls in flight and is replaced on the next use.
 */
export function createGssHelperPool(options: GssHelperPoolOptions): GssHelperPool {
  const helpers = new Map<string, Helper>();
  let closed = false;

  const spawnHelper = (collection: string): Helper => {
    const child = fork(helperPath(), [], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env, KRB5CCNAME: collection },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
    const waiting = new Map<number, { resolve(r: GssHelperResponse): void; reject(e: Error): void }>();
    let nextId = 1;
    child.on('message', (response: GssHelperResponse) => {
      const waiter = waiting.get(response.id);
      waiting.delete(response.id);
      waiter?.resolve(response);
    });
    child.on('exit', (code, signal) => {
      if (helpers.get(collection)?.child === child) helpers.delete(collection);
      if (!closed) options.logger.warn({ code, signal, stderr: stderr.trim().slice(-500) }, 'kerberos-kcd: GSS helper exited');
      for (const waiter of waiting.values()) waiter.reject(gssFailed(`the GSS helper process exited (${code ?? signal})`));
      waiting.clear();
    });
    child.on('error', (error) => options.logger.warn({ err: { message: error.message } }, 'kerberos-kcd: GSS helper error'));
    return {
      child,
      call(request, signal) {
        return new Promise((resolve, reject) => {
          if (signal?.aborted) {
            reject(gssFailed('cancelled'));
            return;
          }
          const id = nextId++;
          const timer = setTimeout(() => {
            waiting.delete(id);
            reject(gssFailed(`no answer within ${options.timeoutMs} ms`));
          }, options.timeoutMs);
          const onAbort = (): void => {
            waiting.delete(id);
            clearTimeout(timer);
            reject(gssFailed('cancelled'));
          };
          signal?.addEventListener('abort', onAbort, { once: true });
          waiting.set(id, {
            resolve: (response) => {
              clearTimeout(timer);
              signal?.removeEventListener('abort', onAbort);
              if (response.ok) resolve(response);
              else reject(gssFailed(response.error));
            },
            reject: (error) => {
              clearTimeout(timer);
              signal?.removeEventListener('abort', onAbort);
              reject(error);
            },
          });
          child.send({ ...request, id } as GssHelperRequest);
        });
      },
    };
  };

  const helperFor = (collection: string): Helper => {
    if (closed) throw gssFailed('the auth provider is shut down');
    let helper = helpers.get(collection);
    if (!helper) {
      helper = spawnHelper(collection);
      helpers.set(collection, helper);
    }
    return helper;
  };

  return {
    async createContext(request) {
      const helper = helperFor(request.collection);
      const { context } = await helper.call({ op: 'init', service: request.service, principal: request.principal, mechanism: request.mechanism, mutual: request.mutual }, request.signal);
      let complete = false;
      return {
        get complete() {
          return complete;
        },
        async step(input) {
          const answer = await helper.call({ op: 'step', context: context!, input: Buffer.from(input).toString('base64') }, request.signal);
          complete = answer.complete === true;
          return Buffer.from(answer.output ?? '', 'base64');
        },
      };
    },
    async close() {
      closed = true;
      const all = [...helpers.values()];
      helpers.clear();
      await Promise.all(
        all.map(
          ({ child }) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
