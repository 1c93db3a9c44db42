// A throw-away OpenLDAP slapd for tests: its own folder under the OS temp dir, a generated slapd.conf
// (mdb back end, core/cosine/inetorgperson schemas from /etc/ldap/schema plus a two-attribute
// Active-Directory-like schema), entries loaded with slapadd before start, plain LDAP (StartTLS
// capable) and LDAPS listeners on free ports of 127.0.0.1, and its `stats` log captured so tests can
// count the searches the server received. Never touches the system slapd service.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestCertificates, type TestCertificates } from './createTestCertificates.js';
import type { SlapdBinaries } from './findSlapd.js';
import { freePort } from './freePort.js';
import { toLdif, type LdifEntry } from './toLdif.js';
import { waitForListening } from '../waitForListening.js';

const run = promisify(execFile);

/** What to start. */
export interface SlapdOptions {
  binaries: SlapdBinaries;
  /** The database suffix; its entry is created (dcObject + organization). Default `dc=contoso,dc=local`. */
  suffix?: string;
  /** Entries below the suffix, loaded with slapadd before the server starts. */
  entries?: readonly LdifEntry[];
  /** The server's size limit (soft and hard) for everyone but the root DN; paged searches may exceed it in total. Default 500. */
  sizeLimit?: number;
  /** More schema files to include (e.g. a Kerberos KDB schema), after core, cosine, inetorgperson. */
  extraSchemas?: readonly string[];
  /** More slapd.conf lines for the database section (indexes, ACLs); they come before the default ACLs. */
  extraConfig?: readonly string[];
}

/** A running (or stopped) throw-away slapd. */
export interface Slapd {
  /** `ldap://127.0.0.1:<port>` (StartTLS available). */
  readonly url: string;
  /** `ldaps://127.0.0.1:<tlsPort>`. */
  readonly ldapsUrl: string;
  readonly port: number;
  readonly tlsPort: number;
  readonly suffix: string;
  /** The root DN and its password (bypasses ACLs and limits). */
  readonly rootDn: string;
  readonly rootPassword: string;
  /** The CA that signed the server certificate, and an unrelated one. */
  readonly certificates: TestCertificates;
  /** The folder holding config, database, certificates; removed by `destroy()`. */
  readonly directory: string;
  /** Milliseconds the last start took, from spawning slapd until it accepted connections. */
  readonly startMs: number;
  /** The server's log lines so far (stats level: connections, binds, searches, results). */
  log(): readonly string[];
  /** The filters of the searches the server logged, in order, as slapd prints them (normalised). */
  searchFilters(): string[];
  /** Waits until `predicate(log)` holds; fails after `ms`. */
  waitForLog(predicate: (lines: readonly string[]) => boolean, ms?: number, what?: string): Promise<void>;
  /** Stops the server (the data stays), e.g. to test "directory down". */
  stop(): Promise<void>;
  /** Starts it again on the same ports. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

// userPrincipalName and sAMAccountName with Active Directory's OIDs (Debian's msuser.schema defines
// them without an equality rule, so equality filters could never match); the object class uses the
// documentation enterprise number (RFC 5612).
const adLikeSchema = `attributetype ( 1.2.840.113556.1.4.656 NAME 'userPrincipalName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.32473.1.1 NAME 'causewayAdUser' AUXILIARY
  MAY ( userPrincipalName $ sAMAccountName ) )
`;

function slapdConf(dir: string, suffix: string, rootDn: string, rootPassword: string, certs: TestCertificates, options: SlapdOptions): string {
  return `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include ${join(dir, 'ad-like.schema')}
${(options.extraSchemas ?? []).map((file) => `include ${file}\n`).join('')}pidfile ${join(dir, 'slapd.pid')}
argsfile ${join(dir, 'slapd.args')}
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCACertificateFile ${certs.caFile}
TLSCertificateFile ${certs.serverCertFile}
TLSCertificateKeyFile ${certs.serverKeyFile}
sizelimit size.soft=${options.sizeLimit ?? 500} size.hard=${options.sizeLimit ?? 500} size.prtotal=unlimited
database mdb
maxsize 67108864
suffix "${suffix}"
rootdn "${rootDn}"
rootpw ${rootPassword}
directory ${join(dir, 'db')}
index objectClass eq
index mail,uid,userPrincipalName,sAMAccountName eq
${(options.extraConfig ?? []).map((line) => `${line}\n`).join('')}access to attrs=userPassword by anonymous auth by * none
access to * by users read by * none
`;
}

/** Generates certificates and config, loads the entries and starts slapd. */
export async function startSlapd(options: SlapdOptions): Promise<Slapd> {
  const { binaries } = options;
  const suffix = options.suffix ?? 'dc=contoso,dc=local';
  const rootDn = `cn=admin,${suffix}`;
  const rootPassword = `root-${process.pid}-${Date.now().toString(36)}`;
  const directory = await mkdtemp(join(tmpdir(), 'causeway-slapd-'));
  try {
    await mkdir(join(directory, 'db'));
    const certificates = await createTestCertificates(directory, binaries.openssl);
    await writeFile(join(directory, 'ad-like.schema'), adLikeSchema);
    const conf = join(directory, 'slapd.conf');
    await writeFile(conf, slapdConf(directory, suffix, rootDn, rootPassword, certificates, options), { mode: 0o600 });
    const firstRdn = /^dc=([^,]+)/i.exec(suffix)?.[1] ?? 'test';
    const root: LdifEntry = { dn: suffix, objectClass: ['top', 'dcObject', 'organization'], dc: firstRdn, o: firstRdn };
    await writeFile(join(directory, 'seed.ldif'), toLdif([root, ...(options.entries ?? [])]));
    try {
      await run(binaries.slapadd, ['-q', '-f', conf, '-l', join(directory, 'seed.ldif')]);
    } catch (error) {
      throw new Error(`slapadd failed: ${((error as { stderr?: string }).stderr ?? (error as Error).message).trim()}`, { cause: error });
    }
    return await launch(binaries, directory, conf, { suffix, rootDn, rootPassword, certificates });
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

async function launch(
  binaries: SlapdBinaries,
  directory: string,
  conf: string,
  fixed: { suffix: string; rootDn: string; rootPassword: string; certificates: TestCertificates },
): Promise<Slapd> {
  const lines: string[] = [];
  let child: ChildProcess | undefined;
  let port = 0;
  let tlsPort = 0;
  let startMs = 0;
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };

  const spawnOnce = async (): Promise<void> => {
    const started = performance.now();
    const proc = spawn(binaries.slapd, ['-d', 'stats', '-f', conf, '-h', `ldap://127.0.0.1:${port}/ ldaps://127.0.0.1:${tlsPort}/`], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let partial = '';
    const onData = (chunk: Buffer): void => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    process.once('exit', killOnExit);
    try {
      await waitForListening({ name: 'slapd', port, child: proc, timeoutMs: 20_000 });
      await waitForListening({ name: 'slapd (LDAPS)', port: tlsPort, child: proc, timeoutMs: 5_000 });
    } catch (error) {
      proc.kill('SIGKILL');
      throw new Error(`${(error as Error).message}; log tail:\n${lines.slice(-15).join('\n')}`, { cause: error });
    }
    startMs = performance.now() - started;
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    process.removeListener('exit', killOnExit);
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  // Ports are picked free but may be taken before slapd binds them: retry with new ones.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    tlsPort = await freePort();
    if (port === tlsPort) continue;
    try {
      await spawnOnce();
      break;
    } catch (error) {
      await stop();
      if (attempt >= 3) throw error;
    }
  }

  return {
    get url() {
      return `ldap://127.0.0.1:${port}`;
    },
    get ldapsUrl() {
      return `ldaps://127.0.0.1:${tlsPort}`;
    },
    get port() {
      return port;
    },
    get tlsPort() {
      return tlsPort;
    },
    get startMs() {
      return startMs;
    },
    ...fixed,
    directory,
    log: () => lines,
    searchFilters: () => lines.flatMap((l) => {
      const match = / SRCH base=".*" scope=\d+ deref=\d+ filter="(.*)"$/.exec(l);
      return match ? [match[1]!] : [];
    }),
    async waitForLog(predicate, ms = 10_000, what = 'a slapd log line') {
      const until = Date.now() + ms;
      while (!predicate(lines)) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}; log tail:\n${lines.slice(-10).join('\n')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    stop,
    async start() {
      if (child) return;
      await spawnOnce();
    },
    async destroy() {
      await stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
