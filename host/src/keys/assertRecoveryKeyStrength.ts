import { CausewayError } from '@causeway/sdk';

/** The shortest recovery key accepted, in characters (code points, after NFC normalisation). */
export const MIN_RECOVERY_KEY_LENGTH = 12;

/** Throws `CW_RECOVERY_KEY_WEAK` for a recovery key shorter than `MIN_RECOVERY_KEY_LENGTH`. */
export function assertRecoveryKeyStrength(recoveryKey: string): void {
  if ([...recoveryKey.normalize('NFC')].length < MIN_RECOVERY_KEY_LENGTH) {
    // The message does not say how long the given key was: even that is a hint about a secret.
    throw new CausewayError('CW_RECOVERY_KEY_WEAK', `the recovery key is too short: use at least ${MIN_RECOVERY_KEY_LENGTH} characters (a passphrase of several words is best)`);
  }
}
