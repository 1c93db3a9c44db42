// The parts of node-oracledb's own implementation the tests reuse, so that the fake driver raises
// the driver's real errors and runs the driver's real fetch-type handling. Test support only:
// excluded from the build, and nothing in the connector imports it.
import { createRequire } from 'node:module';
import type { OracleDbTypes, OracleFetchTypeHandler, OracleMetadata } from '../oracleDriver.js';

const require = createRequire(import.meta.url);
const oracledbMain = require.resolve('oracledb');
const lib = (path: string): unknown => require(oracledbMain.replace(/index\.js$/, `lib/${path}`));

interface OracledbErrors {
  getErr(errorNum: number, ...args: unknown[]): Error & { code: string };
  transformErr(error: Error): Error & { code: string };
}

const errors = lib('errors.js') as OracledbErrors;

/** The real oracledb module (thin mode). */
export const oracledb = require('oracledb') as OracleDbTypes & {
  OUT_FORMAT_ARRAY: number;
  thin: boolean;
  IntervalYM: new (value: { years?: number; months?: number }) => object;
  IntervalDS: new (value: { days?: number; hours?: number; minutes?: number; seconds?: number; fseconds?: number }) => object;
  JsonId: new (length: number) => Uint8Array;
};

/** An NJS-nnn error exactly as the driver builds it (`errors.getErr`). */
export function driverError(errorNum: number, ...args: unknown[]): Error & { code: string } {
  return errors.getErr(errorNum, ...args);
}

/** An ORA-nnnnn error exactly as thin mode raises a server error (message, `errorNum`, `offset`, then `transformErr`). */
export function serverError(errorNum: number, text: string, offset = 0): Error & { code: string; errorNum: number; offset: number } {
  const error = new Error(`ORA-${String(errorNum).padStart(5, '0')}: ${text}`) as Error & { errorNum: number; offset: number; isRecoverable: boolean };
  error.offset = offset;
  error.errorNum = errorNum;
  error.isRecoverable = false;
  return errors.transformErr(error) as Error & { code: string; errorNum: number; offset: number };
}

interface ResultSetImplPrototype {
  _determineFetchType(metadata: OracleMetadata & { fetchType?: unknown; converter?: (value: unknown) => unknown }, options: object, all: OracleMetadata[]): void;
}

const resultSetImpl = (lib('impl/resultset.js') as { prototype: ResultSetImplPrototype }).prototype;

/** Column metadata after oracledb's own fetch-type handling: the fetch type and the converter it settled on. */
export interface ResolvedMetadata extends OracleMetadata {
  fetchType: OracleDbTypes[keyof OracleDbTypes];
  converter?: (value: unknown) => unknown;
}

/**
 * Runs oracledb's `_determineFetchType` (the code a thin-mode query runs for every column) with a
 * fetch type handler: it validates the handler's answer against the driver's conversion table and
 * composes the driver's own converters with the handler's.
 */
export function resolveFetchType(metadata: OracleMetadata, fetchTypeHandler: OracleFetchTypeHandler | undefined, all: OracleMetadata[] = [metadata]): ResolvedMetadata {
  const copy = { ...metadata };
  resultSetImpl._determineFetchType(copy, { fetchTypeHandler }, all);
  return copy as ResolvedMetadata;
}

interface BaseBufferInstance {
  parseOracleDate(buf: Buffer, useLocalTime?: boolean, useDbTz?: boolean): Date;
  parseOracleNumber(buf: Buffer): string;
}

const { BaseBuffer } = lib('impl/datahandlers/buffer.js') as { BaseBuffer: new (initializer: number) => BaseBufferInstance };
const decoder = new BaseBuffer(16);

/** Decodes Oracle DATE/TIMESTAMP bytes the way thin mode does (local time for DATE/TIMESTAMP, UTC for WITH TIME ZONE). */
export function decodeOracleDate(bytes: number[], useLocalTime: boolean): Date {
  return decoder.parseOracleDate(Buffer.from(bytes), useLocalTime);
}

/** Decodes Oracle NUMBER bytes the way thin mode does (to text). */
export function decodeOracleNumber(bytes: number[]): string {
  return decoder.parseOracleNumber(Buffer.from(bytes));
}

const transformer = lib('transformer.js') as { transformValueIn(info: { type?: unknown }, value: unknown, options: { pos: number }): unknown };

/**
 * Runs a bind value through oracledb's own bind checks (`transformValueIn`, what `execute` does
 * for each bind) and returns the type the driver settles on; throws the driver's error for a value
 * it would refuse.
 */
export function checkBind(bind: unknown, pos = 1): { type: unknown; value: unknown } {
  const typed = bind !== null && typeof bind === 'object' && !Buffer.isBuffer(bind) && 'val' in bind;
  const info: { type?: unknown } = typed ? { type: (bind as { type?: unknown }).type } : {};
  const value = transformer.transformValueIn(info, typed ? (bind as { val: unknown }).val : bind, { pos });
  return { type: info.type, value };
}

interface GrowableBufferInstance {
  writeOracleNumber(value: string, writeLength?: boolean): void;
}

const { GrowableBuffer } = lib('impl/datahandlers/buffer.js') as { GrowableBuffer: new () => GrowableBufferInstance };

/** Encodes a number as thin mode does for a NUMBER bind; throws the driver's NJS-... error when it cannot. */
export function encodeOracleNumber(value: number | bigint): void {
  new GrowableBuffer().writeOracleNumber(String(value));
}
