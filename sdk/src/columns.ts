/**
 * The portable column types a connector maps its server's types to. Each has one value
 * representation, chosen to be exact (no float for decimals, no Date for microsecond timestamps).
 *
 * | type        | value                                                       |
 * | ----------- | ----------------------------------------------------------- |
 * | boolean     | boolean                                                     |
 * | int16/int32 | number                                                      |
 * | int64       | bigint                                                      |
 * | float32/64  | number                                                      |
 * | decimal     | string, the exact decimal text (`-12.50`, `NaN`)            |
 * | string      | string                                                      |
 * | binary      | Uint8Array                                                  |
 * | date        | string `YYYY-MM-DD` (may carry a sign or `infinity`)        |
 * | time        | string `HH:MM:SS[.ffffff]`                                  |
 * | timestamp   | string `YYYY-MM-DDTHH:MM:SS[.ffffff]` (no zone)             |
 * | timestamptz | string `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` (always UTC)         |
 * | uuid        | string, lower case                                          |
 * | json        | the parsed JSON value                                       |
 * | array       | an array of values of `elementType` (nested for more dims)  |
 * | unknown     | string, the server's text form                              |
 *
 * NULL is `null` for every type.
 */
export type ScalarColumnType =
  | 'boolean'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float32'
  | 'float64'
  | 'decimal'
  | 'string'
  | 'binary'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'uuid'
  | 'json'
  | 'unknown';

/** A column type: a scalar, or `array` of a scalar. */
export type ColumnType = ScalarColumnType | 'array';

/** Every column type name, for schemas and validation. */
export const columnTypes: readonly ColumnType[] = [
  'boolean', 'int16', 'int32', 'int64', 'float32', 'float64', 'decimal', 'string', 'binary',
  'date', 'time', 'timestamp', 'timestamptz', 'uuid', 'json', 'unknown', 'array',
];

/** One column of a result. */
export interface Column {
  /** Column name as the server reported it. */
  name: string;
  /** Portable type. */
  type: ColumnType;
  /** For `array`: the element type. */
  elementType?: ScalarColumnType;
  /** The server's own type name (`numeric`, `timestamptz`, `NVARCHAR`), for display. */
  nativeType?: string;
  /** Whether the column may hold NULL, when the server says. */
  nullable?: boolean;
}

/** A single value in a result row or a query parameter. */
export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly Value[]
  | { readonly [key: string]: unknown };

/** One row: values in column order. */
export type Row = readonly Value[];
