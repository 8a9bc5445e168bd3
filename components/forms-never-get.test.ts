import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * A <form> without `method` is submitted by the browser as GET when its script has not run (JavaScript off,
 * or `next dev` refusing scripts to an unknown origin): every field, passwords included, lands in the URL,
 * the history and the server log. So every form says `method="post"` (or has a server action), and the
 * only GET forms are these search filters, whose fields belong in the URL and which hold no secrets.
 */
const SEARCH_FORMS_THAT_GET = new Set([
  "components/profiles/profile-search.tsx",
  "app/w/[slug]/outbox/page.tsx",
  "app/w/[slug]/messages/page.tsx",
]);

const root = path.resolve(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(relative);
    return /\.(tsx|jsx)$/.test(entry.name) ? [relative] : [];
  });
}

interface FormTag {
  file: string;
  line: number;
  method: string | null; // the literal value, "" for a non-literal expression, null when absent
  serverAction: boolean;
  secretField: boolean;
}

function attribute(attributes: ts.JsxAttributes, name: string): ts.JsxAttribute | undefined {
  return attributes.properties.find((p): p is ts.JsxAttribute => ts.isJsxAttribute(p) && p.name.getText() === name);
}

function literal(attr: ts.JsxAttribute | undefined): string | null {
  if (!attr?.initializer) return null;
  if (ts.isStringLiteral(attr.initializer)) return attr.initializer.text;
  if (
    ts.isJsxExpression(attr.initializer) &&
    attr.initializer.expression &&
    ts.isStringLiteralLike(attr.initializer.expression)
  )
    return attr.initializer.expression.text;
  return "";
}

function formsIn(file: string): FormTag[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(path.join(root, file), "utf8"),
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.TSX,
  );
  const forms: FormTag[] = [];
  const visit = (node: ts.Node) => {
    const opening = ts.isJsxElement(node) ? node.openingElement : ts.isJsxSelfClosingElement(node) ? node : null;
    if (opening && opening.tagName.getText() === "form") {
      const action = attribute(opening.attributes, "action");
      let secretField = false;
      const findSecrets = (child: ts.Node) => {
        if (
          ts.isJsxAttribute(child) &&
          ["type", "name", "autoComplete"].includes(child.name.getText()) &&
          /password|secret|token/i.test(literal(child) ?? "")
        )
          secretField = true;
        ts.forEachChild(child, findSecrets);
      };
      findSecrets(node);
      forms.push({
        file,
        line: source.getLineAndCharacterOfPosition(opening.getStart()).line + 1,
        method: literal(attribute(opening.attributes, "method")),
        // action={someServerAction}: React posts it itself, with or without script.
        serverAction: !!action && literal(action) === "",
        secretField,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return forms;
}

const forms = [...sourceFiles("components"), ...sourceFiles("app")].flatMap(formsIn);

describe("forms never fall back to GET", () => {
  it("finds the forms to check", () => {
    expect(forms.length).toBeGreaterThanOrEqual(20);
  });

  it('every <form> in components/ and app/ posts (method="post" or a server action)', () => {
    const offenders = forms
      .filter(
        (f) =>
          !(
            f.method?.toLowerCase() === "post" ||
            f.serverAction ||
            (f.method?.toLowerCase() === "get" && SEARCH_FORMS_THAT_GET.has(f.file))
          ),
      )
      .map((f) => `${f.file}:${f.line} (method: ${f.method ?? "none"})`);
    expect(offenders).toEqual([]);
  });

  it("no GET form holds a password, secret or token field", () => {
    expect(
      forms.filter((f) => f.method?.toLowerCase() === "get" && f.secretField).map((f) => `${f.file}:${f.line}`),
    ).toEqual([]);
  });

  it("the sign-in, setup and invitation forms post, without script, to the page that says JavaScript is needed", () => {
    const auth = forms.filter((f) => f.file.startsWith("components/auth/"));
    expect(auth.length).toBe(4);
    for (const f of auth) expect(f, f.file).toMatchObject({ method: "post" });
    for (const file of new Set(auth.map((f) => f.file)))
      expect(readFileSync(path.join(root, file), "utf8")).toContain('action="/api/javascript-required"');
  });
});
