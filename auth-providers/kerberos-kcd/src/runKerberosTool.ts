import { execFile } from 'node:child_process';

/** The outcome of one run of kinit, kvno or klist. */
export interface ToolResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** True when it was stopped by the timeout or the signal. */
  stopped: boolean;
}

/**
 * Runs an MIT Kerberos tool with exactly `env` (no inherited KRB5CCNAME can leak in), LC_ALL=C so
 * its messages and dates are parseable, a time limit and an abort signal. Never rejects: the caller
 * classifies the failure.
 */
export function runKerberosTool(file: string, args: readonly string[], env: Readonly<Record<string, string>>, timeoutMs: number, signal?: AbortSignal): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, LC_ALL: 'C' }, timeout: timeoutMs, killSignal: 'SIGKILL', ...(signal ? { signal } : {}), maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        const stopped = Boolean(error && ((error as { killed?: boolean }).killed || error.name === 'AbortError'));
        const missing = (error as NodeJS.ErrnoException | null)?.code === 'ENOENT' ? `${file}: not found (install MIT Kerberos client tools, Debian package krb5-user)` : '';
        resolve({ ok: !error, stdout: String(stdout), stderr: missing || String(stderr) || (stopped ? `${file}: no answer within ${timeoutMs} ms` : ''), stopped });
      },
    );
  });
}
