/**
 * CloudWatch metric math, the arithmetic part: numbers, metric ids, + - * /, parentheses and
 * unary minus, e.g. `m1 / (m1 + m2)`. Division by zero, or a missing operand, gives no value.
 */

type Token = { kind: "number"; value: number } | { kind: "id"; name: string } | { kind: "op"; op: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/()]))/y;
  let index = 0;
  // Stryker disable next-line EqualityOperator: at index === length the rest is "", which the whitespace check below ends on
  while (index < expression.length) {
    if (/^\s*$/.test(expression.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(expression);
    if (!match) throw new Error(`cannot read the expression at "${expression.slice(index)}"`);
    if (match[1] !== undefined) tokens.push({ kind: "number", value: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ kind: "id", name: match[2] });
    else tokens.push({ kind: "op", op: match[3]! });
    index = pattern.lastIndex;
  }
  return tokens;
}

/** The metric ids an expression reads. */
export function expressionIds(expression: string): string[] {
  return tokenize(expression).flatMap((t) => (t.kind === "id" ? [t.name] : []));
}

/** Check an expression parses; throws with the reason when it does not. */
export function checkExpression(expression: string): void {
  // Stryker disable next-line ArrowFunction: parsing never depends on the metrics' values (every operand is parsed, even after a missing one)
  evaluate(expression, () => 1);
}

export function evaluate(expression: string, valueOf: (id: string) => number | undefined): number | undefined {
  const tokens = tokenize(expression);
  let position = 0;
  const peek = () => tokens[position];
  const take = () => tokens[position++];

  // expression := term (('+' | '-') term)* ; term := factor (('*' | '/') factor)* ; factor := number | id | '(' expression ')' | '-' factor
  const expressionRule = (): number | undefined => {
    let left = term();
    for (let t = peek(); t?.kind === "op" && (t.op === "+" || t.op === "-"); t = peek()) {
      take();
      const right = term();
      left = left === undefined || right === undefined ? undefined : t.op === "+" ? left + right : left - right;
    }
    return left;
  };
  const term = (): number | undefined => {
    let left = factor();
    for (let t = peek(); t?.kind === "op" && (t.op === "*" || t.op === "/"); t = peek()) {
      take();
      const right = factor();
      if (left === undefined || right === undefined) left = undefined;
      else if (t.op === "*") left = left * right;
      else left = right === 0 ? undefined : left / right;
    }
    return left;
  };
  const factor = (): number | undefined => {
    const t = take();
    if (!t) throw new Error("the expression ends too early");
    if (t.kind === "number") return t.value;
    if (t.kind === "id") return valueOf(t.name);
    if (t.op === "-") {
      const value = factor();
      return value === undefined ? undefined : -value;
    }
    if (t.op === "(") {
      const value = expressionRule();
      const close = take();
      if (close?.kind !== "op" || close.op !== ")") throw new Error("a ( is not closed");
      return value;
    }
    throw new Error(`unexpected "${t.op}"`);
  };

  const result = expressionRule();
  if (position < tokens.length) throw new Error("unexpected text after the expression");
  return result;
}
