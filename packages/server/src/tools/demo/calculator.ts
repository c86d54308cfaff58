/**
 * The demo `calculator`: the value of an arithmetic expression.
 */
import * as z from 'zod';
import { defineTool } from '../define-tool.js';
import { evaluateArithmetic } from './arithmetic.js';

/** The `calculator` tool: an expression's errors (bad syntax, division by zero) go back to the model. */
export const calculatorTool = defineTool({
  name: 'calculator',
  description:
    'Evaluates an arithmetic expression exactly: numbers with decimals, + - * /, ^ for powers and parentheses. Use it rather than computing in your head.',
  input: z.object({
    expression: z.string().min(1).max(500).describe('e.g. (12.5 + 7) * 3 ^ 2'),
  }),
  execute: ({ expression }) => ({ expression, result: evaluateArithmetic(expression) }),
});
