import { CausewayError } from '@causeway/sdk';

/** One problem in a config: where (JSON pointer, relative to the config) and what. */
export interface ConfigProblem {
  pointer: string;
  message: string;
}

/** CW_CONFIG_INVALID listing every problem as `file#pointer message`, pointers prefixed with `at.pointer`. */
export function userMappingConfigError(problems: readonly ConfigProblem[], at: { pointer?: string; file?: string } = {}): CausewayError {
  const located = problems.map((p) => ({ pointer: `${at.pointer ?? ''}${p.pointer}`, message: p.message }));
  const file = at.file ?? '';
  return new CausewayError('CW_CONFIG_INVALID', `invalid user mapping config:\n${located.map((p) => `  ${file}#${p.pointer} ${p.message}`).join('\n')}`, {
    location: { ...(at.file ? { file: at.file } : {}), pointer: located[0]?.pointer ?? at.pointer ?? '' },
    details: { problems: located },
  });
}
