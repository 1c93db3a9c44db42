// A private MariaDB server that logs users on with GSSAPI (Kerberos): its own data folder under the
// OS temp dir (mariadb-install-db), a free port on 127.0.0.1 only, a socket in that folder, the
// auth_gssapi plugin with the keytab and principal of the test KDC. Never touches the machine's
// MariaDB on 3306. A missing mariadbd, mariadb-install-db or auth_gssapi.so fails the caller.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../slapd/freePort.js';
import { waitForListening } from '../waitForListening.js';

/** Where the MariaDB programs are. */
export interface MariadbBinaries {
  mariadbd: string;
  installDb: string;
  client: string;
  pluginDir: string;
}

/** The binaries and the GSSAPI plugin, or throws naming what is missing. */
export function requireMariadbGssapi(): MariadbBinaries {
  const pick = (paths: string[], mode = constants.X_OK): string | undefined =>
    paths.find((p) => {
      try {
        accessSync(p, mode);
        return true;
      } catch {
        return false;
      }
    });
  const found = {
    mariadbd: pick(['/usr/sbin/mariadbd', '/usr/sbin/mysqld']),
    installDb: pick(['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db']),
    client: pick(['/usr/bin/mariadb', '/usr/bin/mysql']),
    pluginDir: ['/usr/lib/mysql/plugin', '/usr/lib/x86_64-linux-gnu/mariadb19/plugin'].find((d) => pick([join(d, 'auth_gssapi.so')], constants.R_OK)),
  };
  const missing = Object.entries(found).filter(([, v]) => !v).map(([k]) => (k === 'pluginDir' ? 'auth_gssapi.so (Debian package mariadb-plugin-gssapi-server)' : `${k} (Debian package mariadb-server)`));
  if (missing.length > 0) throw new Error(`the MariaDB GSSAPI tests require ${missing.join(', ')}`);
  return found as MariadbBinaries;
}

/** Options of `startMariadbGssapi`. */
export interface MariadbGssapiOptions {
  /** The server's keytab (its SPN's key). */
  keytab: string;
  /** The server principal, e.g. `mariadb/localhost@CAUSEWAY.TEST`; sent to clients as the target. */
  principal: string;
  /** KRB5_CONFIG and friends for the server process. */
  env: Readonly<Record<string, string>>;
  /** SQL run as root once the server is up (create users, grants, tables). */
  setupSql?: readonly string[];
}

/** A running private MariaDB. */
export interface MariadbGssapi {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly socket: string;
  readonly directory: string;
  /** Milliseconds: install-db, start, setup SQL, total. */
  readonly timings: Readonly<Record<'installDb' | 'start' | 'setup' | 'total', number>>;
  /** Runs SQL as root over the socket; returns the tab-separated output. */
  sql(statements: string): Promise<string>;
  /** The server's error log so far. */
  errorLog(): Promise<string>;
  stop(): Promise<void>;
}

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env, timeout: 60_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} failed: ${stderr || error.message}`, { cause: error }));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Installs a data folder, starts mariadbd with auth_gssapi and runs the set-up SQL. */
export async function startMariadbGssapi(options: MariadbGssapiOptions): Promise<MariadbGssapi> {
  const bin = requireMariadbGssapi();
  const started = performance.now();
  const directory = await mkdtemp(join(tmpdir(), 'causeway-mariadb-gssapi-'));
  const datadir = join(directory, 'data');
  const socket = join(directory, 'mysqld.sock');
  const errorLogFile = join(directory, 'error.log');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env };
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  let proc: ChildProcess | undefined;
  try {
    await run(bin.installDb, ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=socket', '--skip-test-db', '--skip-name-resolve', ...asRoot], env);
    const installDbMs = performance.now() - started;
    const errorLog = async (): Promise<string> => readFile(errorLogFile, 'utf8').catch(() => '');
    let port = 0;
    let startMs = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const startAt = performance.now();
      const child = spawn(
        bin.mariadbd,
        [
          '--no-defaults',
          `--datadir=${datadir}`,
          `--socket=${socket}`,
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          `--pid-file=${join(directory, 'mysqld.pid')}`,
          `--log-error=${errorLogFile}`,
          `--plugin-dir=${bin.pluginDir}`,
          '--plugin-load-add=auth_gssapi',
          `--gssapi-keytab-path=${options.keytab}`,
          `--gssapi-principal-name=${options.principal}`,
          '--skip-name-resolve',
          '--skip-log-bin',
          '--innodb-buffer-pool-size=16M',
          '--innodb-log-file-size=8M',
          '--performance-schema=OFF',
          ...asRoot,
        ],
        { env, stdio: 'ignore' },
      );
      proc = child;
      try {
        await waitForListening({ name: 'mariadbd', port, child, timeoutMs: 30_000, log: errorLog });
        startMs = performance.now() - startAt;
        break;
      } catch (error) {
        child.kill('SIGKILL');
        if (attempt >= 3) throw error;
      }
    }
    const server = proc;
    const killOnExit = (): void => {
      server.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    const sql = (statements: string): Promise<string> => run(bin.client, ['--no-defaults', `--socket=${socket}`, '-uroot', '--batch', '--skip-column-names'], env, statements);
    const setupAt = performance.now();
    if (options.setupSql?.length) await sql(options.setupSql.map((s) => `${s};`).join('\n'));
    const setupMs = performance.now() - setupAt;
    return {
      host: '127.0.0.1',
      port,
      socket,
      directory,
      timings: { installDb: installDbMs, start: startMs, setup: setupMs, total: performance.now() - started },
      sql,
      errorLog,
      async stop() {
        process.removeListener('exit', killOnExit);
        if (server.exitCode === null && server.signalCode === null) {
          const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
          server.kill('SIGTERM');
          const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    proc?.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}
