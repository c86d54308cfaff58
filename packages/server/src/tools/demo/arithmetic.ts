/**
 * Arithmetic expressions for the demo `calculator`: numbers with decimals, `+ - * /`, `^` (power,
 * right-associative, above unary minus: `-2^2` is -4) and parentheses. A small recursive-descent
 * parser — the model writes the expression, so it is never given to `eval`.
 */

/** What is wrong with an expression (a syntax error says the position, from 0). */
export class ArithmeticError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArithmeticError';
  }
}

/** Parentheses nested deeper than this are refused (the parser recurses per level). */
const maxDepth = 64;

/**
 * The value of `expression`. Throws an {@link ArithmeticError} on bad syntax, a division by zero
 * or a result that is not a finite real number.
 *
 * @example
 * ```ts
 * evaluateArithmetic('(1 + 2) * 3 ^ 2 / 0.5'); // 54
 * ```
 */
export function evaluateArithmetic(expression: string): number {
  let at = 0;
  let depth = 0;

  const skipSpaces = () => {
    while (at < expression.length && /\s/.test(expression[at] as string)) at += 1;
  };
  const peek = () => {
    skipSpaces();
    return expression[at];
  };
  const unexpected = (): never => {
    const found = expression[at];
    throw new ArithmeticError(
      found === undefined
        ? 'The expression ends too soon: a number or "(" is missing'
        : `Unexpected ${JSON.stringify(found)} at position ${at}`,
    );
  };

  const number = (): number => {
    const match = /^(\d+(\.\d*)?|\.\d+)/.exec(expression.slice(at));
    if (!match) return unexpected();
    at += match[0].length;
    return Number(match[0]);
  };

  const primary = (): number => {
    if (peek() === '(') {
      depth += 1;
      if (depth > maxDepth) throw new ArithmeticError(`Parentheses nest deeper than ${maxDepth} levels`);
      at += 1;
      const value = sum();
      if (peek() !== ')') {
        if (at >= expression.length) throw new ArithmeticError('A ")" is missing at the end');
        unexpected();
      }
      at += 1;
      depth -= 1;
      return value;
    }
    return number();
  };

  const power = (): number => {
    const base = primary();
    if (peek() !== '^') return base;
    at += 1;
    const exponent = unary(); // right-associative: 2^3^2 = 2^9
    if (base === 0 && exponent < 0) throw new ArithmeticError('Division by zero');
    return base ** exponent;
  };

  const unary = (): number => {
    const sign = peek();
    if (sign === '-' || sign === '+') {
      depth += 1;
      if (depth > maxDepth) throw new ArithmeticError(`Signs nest deeper than ${maxDepth} levels`);
      at += 1;
      const value = unary();
      depth -= 1;
      return sign === '-' ? -value : value;
    }
    return power();
  };

  const product = (): number => {
    let value = unary();
    for (let operator = peek(); operator === '*' || operator === '/'; operator = peek()) {
      at += 1;
      const right = unary();
      if (operator === '/' && right === 0) throw new ArithmeticError('Division by zero');
      value = operator === '*' ? value * right : value / right;
    }
    return value;
  };

  const sum = (): number => {
    let value = product();
    for (let operator = peek(); operator === '+' || operator === '-'; operator = peek()) {
      at += 1;
      const right = product();
      value = operator === '+' ? value + right : value - right;
    }
    return value;
  };

  const value = sum();
  if (peek() !== undefined) unexpected();
  if (Number.isNaN(value)) throw new ArithmeticError('The result is not a real number');
  if (!Number.isFinite(value)) throw new ArithmeticError('The result is too large');
  // 0.1 + 0.2 is 0.3 to a person: drop the binary rounding noise past 15 significant digits.
  return Number(value.toPrecision(15));
}
