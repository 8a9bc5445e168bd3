/**
 * A small subset of CEL, the expression language Inngest uses for trigger `if`s, concurrency and
 * idempotency keys. Enough for what function configs usually say:
 *
 *   event.data.userId                                   (a path; `event.data["a-b"]` too)
 *   event.data.a + "-" + event.data.b                   (string concatenation / addition)
 *   event.data.function_id == 'cairn-tick'              (==, !=, <, <=, >, >=)
 *   event.data.kind == "x" && (event.data.n > 2 || !event.data.muted)
 *
 * Literals: 'single' or "double" quoted strings, numbers, true, false, null. Anything else (function
 * calls, `in`, macros, ternaries) is a parse error, which registration turns into a clear rejection:
 * an executor that silently ignored part of an expression would run functions Inngest would not.
 */

export type Expression =
  | { kind: "literal"; value: unknown }
  | { kind: "path"; root: string; keys: string[] }
  | { kind: "not"; operand: Expression }
  | { kind: "binary"; op: BinaryOp; left: Expression; right: Expression };

type BinaryOp = "&&" | "||" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "+";

type Token =
  | { type: "op"; value: string }
  | { type: "ident"; value: string }
  | { type: "string"; value: string }
  | { type: "number"; value: number };

// "," "?" ":" are tokens only so that the parser can name them in its error.
const OPERATORS = ["&&", "||", "==", "!=", "<=", ">=", "<", ">", "+", "!", "(", ")", ".", "[", "]", ",", "?", ":"];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let value = "";
      let j = i + 1;
      for (; j < source.length && source[j] !== c; j++) {
        if (source[j] === "\\" && j + 1 < source.length) {
          j++;
          const escaped = source[j];
          value += escaped === "n" ? "\n" : escaped === "t" ? "\t" : escaped;
        } else value += source[j];
      }
      if (j >= source.length) throw new Error(`unterminated string starting at position ${i}`);
      tokens.push({ type: "string", value });
      i = j + 1;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ type: "number", value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (ident) {
      tokens.push({ type: "ident", value: ident[0] });
      i += ident[0].length;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
    if (!op) throw new Error(`unexpected "${c}" at position ${i}`);
    tokens.push({ type: "op", value: op });
    i += op.length;
  }
  return tokens;
}

/** Parses `source`; throws an Error saying what is not supported. `roots` are the allowed path roots. */
export function parseExpression(source: string, roots: readonly string[] = ["event"]): Expression {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (value: string) => peek()?.type === "op" && peek()!.value === value;
  const expectOp = (value: string) => {
    if (!isOp(value))
      throw new Error(`expected "${value}"${peek() ? ` before "${String(peek()!.value)}"` : " at the end"}`);
    pos++;
  };

  const binaryLevel =
    (ops: BinaryOp[], next: () => Expression, single = false) =>
    (): Expression => {
      let left = next();
      while (peek()?.type === "op" && (ops as string[]).includes(peek()!.value as string)) {
        const op = tokens[pos++].value as BinaryOp;
        left = { kind: "binary", op, left, right: next() };
        if (single) break;
      }
      return left;
    };

  const primary = (): Expression => {
    const token = tokens[pos++];
    if (!token) throw new Error("unexpected end of expression");
    if (token.type === "string" || token.type === "number") return { kind: "literal", value: token.value };
    if (token.type === "op" && token.value === "(") {
      const inner = or();
      expectOp(")");
      return inner;
    }
    if (token.type === "op" && token.value === "!") return { kind: "not", operand: primary() };
    if (token.type === "ident") {
      if (token.value === "true" || token.value === "false") return { kind: "literal", value: token.value === "true" };
      if (token.value === "null") return { kind: "literal", value: null };
      if (!roots.includes(token.value))
        throw new Error(`unknown name "${token.value}" (supported: ${roots.join(", ")})`);
      const keys: string[] = [];
      for (;;) {
        if (isOp(".")) {
          pos++;
          const key = tokens[pos++];
          if (key?.type !== "ident") throw new Error(`expected a field name after "."`);
          keys.push(key.value);
        } else if (isOp("[")) {
          pos++;
          const key = tokens[pos++];
          if (key?.type !== "string" && key?.type !== "number")
            throw new Error(`expected a quoted key or an index inside [ ]`);
          keys.push(String(key.value));
          expectOp("]");
        } else break;
      }
      if (isOp("(")) throw new Error(`function calls are not supported`);
      return { kind: "path", root: token.value, keys };
    }
    throw new Error(`unexpected "${String(token.value)}"`);
  };
  const sum = binaryLevel(["+"], primary);
  const comparison = binaryLevel(["==", "!=", "<", "<=", ">", ">="], sum, true);
  const and = binaryLevel(["&&"], comparison);
  const or = binaryLevel(["||"], and);

  const expression = or();
  if (pos < tokens.length)
    throw new Error(
      `unexpected "${String(tokens[pos].value)}" (supported: paths, literals, + == != < <= > >= && || ! and parentheses)`,
    );
  return expression;
}

function lookup(value: unknown, keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function truthy(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== "";
}

export function evaluate(expression: Expression, scope: Record<string, unknown>): unknown {
  switch (expression.kind) {
    case "literal":
      return expression.value;
    case "path":
      return lookup(scope[expression.root], expression.keys);
    case "not":
      return !truthy(evaluate(expression.operand, scope));
    case "binary": {
      const left = evaluate(expression.left, scope);
      if (expression.op === "&&") return truthy(left) && truthy(evaluate(expression.right, scope));
      if (expression.op === "||") return truthy(left) || truthy(evaluate(expression.right, scope));
      const right = evaluate(expression.right, scope);
      switch (expression.op) {
        case "==":
          return JSON.stringify(left ?? null) === JSON.stringify(right ?? null);
        case "!=":
          return JSON.stringify(left ?? null) !== JSON.stringify(right ?? null);
        case "+":
          if (typeof left === "number" && typeof right === "number") return left + right;
          return `${left ?? ""}${right ?? ""}`;
        default: {
          if (typeof left !== typeof right || (typeof left !== "number" && typeof left !== "string")) return false;
          const a = left as number | string;
          const b = right as number | string;
          return expression.op === "<"
            ? a < b
            : expression.op === "<="
              ? a <= b
              : expression.op === ">"
                ? a > b
                : a >= b;
        }
      }
    }
  }
}

export function evaluateBoolean(expression: Expression, scope: Record<string, unknown>): boolean {
  return truthy(evaluate(expression, scope));
}

/** The string a key expression (concurrency, idempotency) evaluates to; objects are keyed by their JSON. */
export function evaluateKey(expression: Expression, scope: Record<string, unknown>): string {
  const value = evaluate(expression, scope);
  return typeof value === "string" ? value : JSON.stringify(value ?? null);
}
