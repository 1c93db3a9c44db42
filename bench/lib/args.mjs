/**
 * Parses `--name value` and `--name=value` options after the workload name. Numbers may be written
 * with `_` or `,` separators (`--rows 1_000_000`). `spec` maps option names to { default, integer, min }.
 */
export function parseOptions(argv, spec) {
  const values = Object.fromEntries(Object.entries(spec).map(([name, s]) => [name, s.default]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const match = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unexpected argument "${arg}"`);
    const [, name, inline] = match;
    const s = spec[name];
    if (!s) throw new Error(`unknown option --${name} (known: ${Object.keys(spec).map((n) => `--${n}`).join(', ') || 'none'})`);
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new Error(`option --${name} needs a value`);
    const value = Number(raw.replace(/[_,]/g, ''));
    if (!Number.isFinite(value) || (s.integer && !Number.isInteger(value)) || value < (s.min ?? -Infinity)) {
      throw new Error(`option --${name}: "${raw}" is not ${s.integer ? 'an integer' : 'a number'}${s.min !== undefined ? ` of at least ${s.min}` : ''}`);
    }
    values[name] = value;
  }
  return values;
}
