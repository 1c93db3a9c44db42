/**
 * The earliest expiry among the tickets `klist` lists (run with LC_ALL=C, whose dates are
 * `MM/DD/YY HH:MM:SS` in local time), as ms since the epoch; undefined when it lists none. A cache
 * is as good as its first ticket to expire: the gateway's TGT, or a user's proxy ticket.
 */
export function parseKlistExpiry(output: string): number | undefined {
  let earliest: number | undefined;
  const line = /^(\d{2})\/(\d{2})\/(\d{2,4}) (\d{2}):(\d{2}):(\d{2}) {2}(\d{2})\/(\d{2})\/(\d{2,4}) (\d{2}):(\d{2}):(\d{2}) {2}\S/gm;
  for (const m of output.matchAll(line)) {
    const year = Number(m[9]);
    const expires = new Date(year < 100 ? 2000 + year : year, Number(m[7]) - 1, Number(m[8]), Number(m[10]), Number(m[11]), Number(m[12])).getTime();
    if (earliest === undefined || expires < earliest) earliest = expires;
  }
  return earliest;
}
