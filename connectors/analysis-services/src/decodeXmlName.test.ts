import { describe, expect, it } from 'vitest';
import { decodeXmlName } from './decodeXmlName.js';

describe('decodeXmlName', () => {
  it.each([
    ['Region', 'Region'],
    ['Order_x0020_Details', 'Order Details'],
    ['_x005B_Sales_x005D_', '[Sales]'],
    ['Sales_x005B_Amount_x005D_', 'Sales[Amount]'],
    ['_x0031_st', '1st'],
    ['a_x005F_x0020_b', 'a_x0020_b'],
    ['_x00e9_t_x00C9_', 'étÉ'],
    ['_xD83D__xDE00_', '😀'],
    ['_x0001F600_', '😀'],
    ['plain_x_name', 'plain_x_name'],
    ['_x12_', '_x12_'],
    ['_xFFFFFFFF_', '_xFFFFFFFF_'],
  ])('%s → %s', (encoded, decoded) => {
    expect(decodeXmlName(encoded)).toBe(decoded);
  });
});
