import type { OraclePoolAttributes } from './oracleDriver.js';

/**
 * Session settings for every new session: UTC as the session time zone (CURRENT_TIMESTAMP,
 * SYSTIMESTAMP conversions and TIMESTAMP WITH LOCAL TIME ZONE do not depend on the gateway's own
 * zone), `.` as the decimal separator (decimal strings bound as parameters convert the same on
 * every server), and ISO 8601 formats for implicit date conversions and TO_CHAR without a format.
 */
export const sessionSettingsSql =
  "ALTER SESSION SET TIME_ZONE = 'UTC' NLS_NUMERIC_CHARACTERS = '.,' " +
  `NLS_DATE_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS' NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.FF' ` +
  `NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.FFTZH:TZM'`;

/**
 * The pool's `sessionCallback`: oracledb calls it once for each new session before handing it out
 * (a failure drops the session and fails that getConnection). Sets the module shown in v$session
 * and applies `sessionSettingsSql` in one round trip.
 */
export function createSessionCallback(applicationName: string): NonNullable<OraclePoolAttributes['sessionCallback']> {
  return (connection, _requestedTag, done) => {
    connection.module = applicationName;
    connection.execute(sessionSettingsSql, {}, {}).then(
      () => done(),
      (error: unknown) => done(error as Error),
    );
  };
}
