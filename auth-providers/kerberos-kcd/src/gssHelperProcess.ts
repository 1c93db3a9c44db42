// The GSS helper: a child process that holds GSS-API initiator contexts for the parent. It runs with
// KRB5CCNAME set to one SPN's DIR: collection (set by the parent when it forks it, never changed),
// and picks each user's cache in it by principal (gss_acquire_cred with the user's name), so jobs
// of different users never share a cache and nothing races on a process-wide variable. Messages
// carry tokens, never keys or tickets.
import { createRequire } from 'node:module';
import type * as KerberosModule from 'kerberos';

type Kerberos = typeof KerberosModule;
type Client = Awaited<ReturnType<Kerberos['initializeClient']>>;

/** A request from the parent. */
export type GssHelperRequest =
  | { id: number; op: 'init'; service: string; principal: string; mechanism: 'krb5' | 'spnego'; mutual: boolean }
  | { id: number; op: 'step'; context: number; input: string }
  | { id: number; op: 'dispose'; context: number };

/** The answer to a request. */
export type GssHelperResponse =
  | { id: number; ok: true; context?: number; output?: string; complete?: boolean }
  | { id: number; ok: false; error: string };

const kerberos = createRequire(import.meta.url)('kerberos') as Kerberos;
const contexts = new Map<number, Client>();
let next = 1;

async function handle(request: GssHelperRequest): Promise<GssHelperResponse> {
  switch (request.op) {
    case 'init': {
      const flags = (request.mutual ? kerberos.GSS_C_MUTUAL_FLAG : 0) | kerberos.GSS_C_SEQUENCE_FLAG;
      // kerberos 7.0's native code reads `flags`; its typings name the option `gssFlag`: give both.
      const client = await kerberos.initializeClient(request.service, {
        principal: request.principal,
        mechOID: request.mechanism === 'spnego' ? kerberos.GSS_MECH_OID_SPNEGO : kerberos.GSS_MECH_OID_KRB5,
        gssFlag: flags,
        ...({ flags } as object),
      });
      const id = next++;
      contexts.set(id, client);
      return { id: request.id, ok: true, context: id };
    }
    case 'step': {
      const client = contexts.get(request.context);
      if (!client) return { id: request.id, ok: false, error: 'no such GSS context' };
      const output = await client.step(request.input);
      const complete = client.contextComplete;
      if (complete) contexts.delete(request.context);
      return { id: request.id, ok: true, output: output ?? '', complete };
    }
    case 'dispose':
      contexts.delete(request.context);
      return { id: request.id, ok: true };
  }
}

process.on('message', (message: GssHelperRequest) => {
  handle(message).then(
    (response) => process.send?.(response),
    (error: unknown) => process.send?.({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
