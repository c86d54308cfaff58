import { describe, expect, it } from 'vitest';
import { ArithmeticError, evaluateArithmetic } from './arithmetic.js';

describe('evaluateArithmetic', () => {
  it('follows the usual precedence: ^ over unary minus over * / over + -', () => {
    const cases: [string, number][] = [
      ['2+2', 4],
      ['2 + 3 * 4', 14],
      ['(2 + 3) * 4', 20],
      ['10 - 4 - 3', 3],
      ['100 / 10 / 5', 2],
      ['2 ^ 3 ^ 2', 512],
      ['-2 ^ 2', -4],
      ['(-2) ^ 2', 4],
      ['2 ^ -1', 0.5],
      ['--3', 3],
      ['+4', 4],
      ['3 * -2', -6],
      ['1.5 * 4', 6],
      ['.5 + 1.', 1.5],
      ['0.1 + 0.2', 0.3],
      ['((((7))))', 7],
      ['  8 /  ( 3 - 1 )  ', 4],
      ['2 ^ 0.5 * 2 ^ 0.5', 2],
    ];
    for (const [expression, value] of cases) expect(evaluateArithmetic(expression), expression).toBe(value);
  });

  it('refuses division by zero', () => {
    for (const expression of ['1 / 0', '1 / (2 - 2)', '0 ^ -1'])
      expect(() => evaluateArithmetic(expression), expression).toThrow(
        new ArithmeticError('Division by zero'),
      );
  });

  it('says where the syntax goes wrong', () => {
    const cases: [string, string][] = [
      ['2 +', 'The expression ends too soon: a number or "(" is missing'],
      ['', 'The expression ends too soon: a number or "(" is missing'],
      ['2 * (3 + 4', 'A ")" is missing at the end'],
      ['2 3', 'Unexpected "3" at position 2'],
      ['2 )', 'Unexpected ")" at position 2'],
      ['2 % 3', 'Unexpected "%" at position 2'],
      ['2(3)', 'Unexpected "(" at position 1'],
      ['Math.PI', 'Unexpected "M" at position 0'],
      ['process.exit()', 'Unexpected "p" at position 0'],
      ['1..2', 'Unexpected "." at position 2'],
      ['(1 + 2] * 3', 'Unexpected "]" at position 6'],
    ];
    for (const [expression, message] of cases)
      expect(() => evaluateArithmetic(expression), expression).toThrow(new ArithmeticError(message));
  });

  it('refuses results that are not finite real numbers, and deep nesting', () => {
    expect(() => evaluateArithmetic('10 ^ 400')).toThrow('The result is too large');
    expect(() => evaluateArithmetic('(-8) ^ 0.5')).toThrow('The result is not a real number');
    expect(() => evaluateArithmetic(`${'('.repeat(65)}1${')'.repeat(65)}`)).toThrow(/nest deeper than 64/);
    expect(() => evaluateArithmetic(`${'-'.repeat(65)}1`)).toThrow(/nest deeper than 64/);
    expect(evaluateArithmetic(`${'('.repeat(64)}1${')'.repeat(64)}`)).toBe(1);
  });
});
