import type { ErrorObject } from 'ajv';

/** A validator generated ahead of time by ajv standalone (see generateValidators): the shape of an ajv ValidateFunction that callers use. */
export interface PrecompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}
