import { CausewayError, type ErrorCode } from '@causeway/sdk';

/** A coded key-file error whose message starts with the file and, when given, the JSON pointer of the problem. */
export function keyFileError(code: ErrorCode, file: string, message: string, pointer?: string): CausewayError {
  const where = pointer === undefined ? `key file ${file}` : `key file ${file} at ${pointer === '' ? '(root)' : pointer}`;
  return new CausewayError(code, `${where}: ${message}`, { location: { file, ...(pointer === undefined ? {} : { pointer }) } });
}
