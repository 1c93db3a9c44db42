// A throw-away MIT Kerberos KDC for tests, with constrained delegation. MIT enforces S4U2Proxy
// delegation only through a KDB module's check_allowed_to_delegate, which only the LDAP module
// implements (krbAllowedToDelegateTo; the db2 module exports no such symbol), so the KDC keeps its
// database in a throw-away slapd (test/support/slapd) loaded with Debian's Kerberos schema.
// Everything lives in one temp folder; krb5.conf and kdc.conf point at it; the KDC listens on a free
// port of 127.0.0.1 (TCP and UDP). Never touches the machine's KDC or /etc/krb5.conf.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { freePort } from '../slapd/freePort.js';
import { startSlapd, type Slapd } from '../slapd/startSlapd.js';
import { requireKerberosTools, type KerberosTools } from './findKerberosTools.js';
import { waitForListening } from '../waitForListening.js';

/** The principals the test KDC creates (full names, with the realm). */
export interface KdcPrincipals {
  /** The gateway's service principal: ok_to_auth_as_delegate, may delegate to `mariadb` and `http` only. */
  gateway: string;
  /** The MariaDB server's SPN. */
  mariadb: string;
  /** The XMLA fixture's SPN. */
  http: string;
  /** An SPN the gateway is NOT allowed to delegate to. */
  denied: string;
  alice: string;
  bob: string;
}

/** A running throw-away KDC. */
export interface TestKdc {
  readonly realm: string;
  readonly port: number;
  readonly directory: string;
  /** Path of the generated krb5.conf (give it as KRB5_CONFIG). */
  readonly krb5Config: string;
  /** Path of the generated kdc.conf (KRB5_KDC_PROFILE). */
  readonly kdcProfile: string;
  /** KRB5_CONFIG and KRB5_KDC_PROFILE, for child processes. */
  readonly env: Readonly<Record<string, string>>;
  readonly principals: KdcPrincipals;
  /** Keytabs: the gateway's, the MariaDB server's, the XMLA fixture's. */
  readonly keytabs: { gateway: string; mariadb: string; http: string };
  /** Milliseconds of each set-up phase and in total. */
  readonly timings: Readonly<Record<'slapd' | 'kdb' | 'principals' | 'kdc' | 'total', number>>;
  readonly tools: KerberosTools;
  readonly slapd: Slapd;
  /** The KDC's log so far (requests and their outcome; never keys). */
  log(): string;
  /** Runs kadmin.local queries against the realm (e.g. to change a principal in a test). */
  kadmin(commands: readonly string[]): Promise<string>;
  /** Stops the KDC and slapd and removes the folder. */
  stop(): Promise<void>;
}

/** Options of `startKdc`. */
export interface KdcOptions {
  realm?: string;
  /** Also set KRB5_CONFIG / KRB5_KDC_PROFILE in this process (for in-process GSS, e.g. the XMLA fixture). */
  setProcessEnv?: boolean;
}

function runTool(file: string, args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.filter((a) => !a.startsWith('-w')).join(' ')} failed: ${stderr || error.message}`, { cause: error }));
      else resolve(stdout + stderr);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Starts slapd, creates the realm in it, adds the principals and keytabs, starts krb5kdc. */
export async function startKdc(options: KdcOptions = {}): Promise<TestKdc> {
  const tools = requireKerberosTools();
  const realm = options.realm ?? 'CAUSEWAY.TEST';
  const started = performance.now();
  const directory = await mkdtemp(join(tmpdir(), 'causeway-kdc-'));
  let slapd: Slapd | undefined;
  let kdc: ChildProcess | undefined;
  try {
    const schema = join(directory, 'kerberos.schema');
    await writeFile(schema, gunzipSync(readFileSync(tools.schemaGz)));
    slapd = await startSlapd({
      binaries: tools.slapd,
      suffix: 'dc=causeway,dc=test',
      extraSchemas: [schema],
      extraConfig: ['index krbPrincipalName eq', 'index krbPwdPolicyReference eq'],
    });
    const slapdMs = performance.now() - started;
    const port = await freePort();
    const container = `cn=krbcontainer,${slapd.suffix}`;
    const krb5Config = join(directory, 'krb5.conf');
    const kdcProfile = join(directory, 'kdc.conf');
    const serviceKeyfile = join(directory, 'ldap-service.keyfile');
    const kdcLog = join(directory, 'kdc.log');
    await writeFile(
      krb5Config,
      `[libdefaults]
  default_realm = ${realm}
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  udp_preference_limit = 1
  forwardable = true
  ticket_lifetime = 10h

[realms]
  ${realm} = {
    kdc = 127.0.0.1:${port}
    admin_server = 127.0.0.1:${port}
  }

[domain_realm]
  localhost = ${realm}
  .causeway.test = ${realm}

[dbmodules]
  ldapdb = {
    db_library = kldap
    ldap_kerberos_container_dn = ${container}
    ldap_kdc_dn = ${slapd.rootDn}
    ldap_kadmind_dn = ${slapd.rootDn}
    ldap_service_password_file = ${serviceKeyfile}
    ldap_servers = ${slapd.url}
    ldap_conns_per_server = 2
  }
`,
    );
    await writeFile(
      kdcProfile,
      `[kdcdefaults]
  kdc_listen = 127.0.0.1:${port}
  kdc_tcp_listen = 127.0.0.1:${port}

[realms]
  ${realm} = {
    database_module = ldapdb
    key_stash_file = ${join(directory, 'stash')}
    acl_file = ${join(directory, 'kadm5.acl')}
    kdc_listen = 127.0.0.1:${port}
    kdc_tcp_listen = 127.0.0.1:${port}
    max_life = 10h
    max_renewable_life = 1d
  }

[logging]
  kdc = FILE:${kdcLog}
`,
    );
    await writeFile(join(directory, 'kadm5.acl'), '');
    // The LDAP module reads the bind password from this file: "<dn>#{HEX}<hex of the password>".
    await writeFile(serviceKeyfile, `${slapd.rootDn}#{HEX}${Buffer.from(slapd.rootPassword, 'utf8').toString('hex')}\n`, { mode: 0o600 });
    const env = { KRB5_CONFIG: krb5Config, KRB5_KDC_PROFILE: kdcProfile };
    const childEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env };
    const masterPassword = randomBytes(18).toString('base64url');
    const kdbStarted = performance.now();
    await runTool(tools.kdb5LdapUtil, ['-D', slapd.rootDn, '-w', slapd.rootPassword, '-H', slapd.url, 'create', '-subtrees', slapd.suffix, '-r', realm, '-s', '-P', masterPassword], childEnv);
    const kdbMs = performance.now() - kdbStarted;

    const principals: KdcPrincipals = {
      gateway: `causeway/gateway.causeway.test@${realm}`,
      mariadb: `mariadb/localhost@${realm}`,
      http: `HTTP/localhost@${realm}`,
      denied: `postgres/localhost@${realm}`,
      alice: `alice@${realm}`,
      bob: `bob@${realm}`,
    };
    const keytabs = { gateway: join(directory, 'gateway.keytab'), mariadb: join(directory, 'mariadb.keytab'), http: join(directory, 'http.keytab') };
    const kadmin = (commands: readonly string[]): Promise<string> => runTool(tools.kadminLocal, ['-r', realm], childEnv, `${commands.join('\n')}\nquit\n`);
    const principalsStarted = performance.now();
    await kadmin([
      ...Object.values(principals).map((p) => `addprinc -randkey ${p}`),
      // Protocol transition: the gateway may get forwardable S4U2Self tickets for any user.
      `modprinc +ok_to_auth_as_delegate ${principals.gateway}`,
      `ktadd -k ${keytabs.gateway} ${principals.gateway}`,
      `ktadd -k ${keytabs.mariadb} ${principals.mariadb}`,
      `ktadd -k ${keytabs.http} ${principals.http}`,
    ]);
    // Constrained delegation: the services the gateway may get S4U2Proxy tickets to (not `denied`).
    await runTool(
      tools.ldapmodify,
      ['-x', '-H', slapd.url, '-D', slapd.rootDn, '-w', slapd.rootPassword],
      childEnv,
      `dn: krbPrincipalName=${principals.gateway},cn=${realm},${container}\nchangetype: modify\nadd: krbAllowedToDelegateTo\nkrbAllowedToDelegateTo: ${principals.mariadb}\nkrbAllowedToDelegateTo: ${principals.http}\n`,
    );
    const principalsMs = performance.now() - principalsStarted;

    const kdcStarted = performance.now();
    let output = '';
    const proc = spawn(tools.krb5kdc, ['-n', '-r', realm, '-P', join(directory, 'kdc.pid')], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    kdc = proc;
    proc.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    proc.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const readLog = (): string => {
      try {
        return readFileSync(kdcLog, 'utf8') + output;
      } catch {
        return output;
      }
    };
    const killOnExit = (): void => {
      proc.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    await waitForListening({ name: 'krb5kdc', port, child: proc, timeoutMs: 15_000, log: readLog });
    const kdcMs = performance.now() - kdcStarted;
    if (options.setProcessEnv) Object.assign(process.env, env);
    const runningSlapd = slapd;
    return {
      realm,
      port,
      directory,
      krb5Config,
      kdcProfile,
      env,
      principals,
      keytabs,
      tools,
      slapd: runningSlapd,
      timings: { slapd: slapdMs, kdb: kdbMs, principals: principalsMs, kdc: kdcMs, total: performance.now() - started },
      log: readLog,
      kadmin,
      async stop() {
        process.removeListener('exit', killOnExit);
        if (proc.exitCode === null && proc.signalCode === null) {
          const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
          proc.kill('SIGTERM');
          await exited;
        }
        await runningSlapd.destroy();
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    kdc?.kill('SIGKILL');
    await slapd?.destroy();
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}
