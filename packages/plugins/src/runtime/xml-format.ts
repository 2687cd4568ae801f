// Hand-written serializer (parsing is saxes): Oxidized stores libxml2's formatted output (Nokogiri `to_xml(indent: 2)`), and no npm formatter follows libxml2's rules.
/**
 * Re-indents an XML document exactly as libxml2's formatted output does: a declaration line, then two
 * spaces per level for elements whose children are elements only, while an element holding text (even
 * whitespace) or CDATA is written as it came, descendants included. Empty elements become `<a/>`; without
 * a declared encoding, non-ASCII characters become `&#xE9;` references. Used to make one-line XML exports
 * (PAN-OS) readable and diffable, byte for byte what Oxidized stores.
 */
import { SaxesParser } from 'saxes';

export type XmlNode =
  | { kind: 'element'; name: string; attributes: [string, string][]; children: XmlNode[] }
  | { kind: 'text' | 'cdata' | 'comment' | 'doctype'; value: string }
  | { kind: 'pi'; target: string; body: string };

export type XmlElement = Extract<XmlNode, { kind: 'element' }>;
type Element = XmlElement;

interface Parsed {
  declaration: { version: string; encoding?: string; standalone?: string };
  top: XmlNode[];
}

/** libxml2 stops indenting deeper than this many levels (MAX_INDENT 60 characters at two spaces a level). */
const maxIndentLevels = 30;

/** Thrown as a plain Error with the parser's message: the caller decides how to classify bad XML. */
export function formatXmlLikeLibxml2(xml: string): string {
  const parsed = parse(xml);
  const raw = parsed.declaration.encoding !== undefined;
  let out = `<?xml version="${parsed.declaration.version}"`;
  if (parsed.declaration.encoding !== undefined) out += ` encoding="${parsed.declaration.encoding}"`;
  if (parsed.declaration.standalone !== undefined) out += ` standalone="${parsed.declaration.standalone}"`;
  out += '?>\n';
  for (const node of parsed.top) out += `${serialize(node, 0, true, raw)}\n`;
  return out;
}

/** The document's root element (comments and declaration aside); throws on malformed XML. */
export function parseXmlRoot(xml: string): XmlElement {
  const root = parse(xml).top.find((node): node is XmlElement => node.kind === 'element');
  if (!root) throw new Error('no root element');
  return root;
}

/** The text of the first element named `name` at or below `element`, depth first; undefined when none. */
export function textOfFirst(element: XmlElement, name: string): string | undefined {
  if (element.name === name) {
    return element.children
      .map((child) => (child.kind === 'text' || child.kind === 'cdata' ? child.value : ''))
      .join('');
  }
  for (const child of element.children) {
    if (child.kind !== 'element') continue;
    const found = textOfFirst(child, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

function parse(xml: string): Parsed {
  const parser = new SaxesParser();
  const parsed: Parsed = { declaration: { version: '1.0' }, top: [] };
  const stack: Element[] = [];
  const append = (node: XmlNode) => {
    const parent = stack.at(-1);
    if (parent) parent.children.push(node);
    // Text outside the root element is whitespace; libxml2 drops it.
    else if (node.kind !== 'text') parsed.top.push(node);
  };
  let failure: Error | undefined;
  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.on('xmldecl', (decl) => {
    parsed.declaration = { version: decl.version ?? '1.0', encoding: decl.encoding, standalone: decl.standalone };
  });
  parser.on('doctype', (value) => append({ kind: 'doctype', value }));
  parser.on('comment', (value) => append({ kind: 'comment', value }));
  parser.on('processinginstruction', (pi) => append({ kind: 'pi', target: pi.target, body: pi.body }));
  parser.on('cdata', (value) => {
    const last = stack.at(-1)?.children.at(-1);
    // libxml2's parser joins adjacent CDATA sections into one node.
    if (last?.kind === 'cdata') last.value += value;
    else append({ kind: 'cdata', value });
  });
  parser.on('text', (value) => {
    const last = stack.at(-1)?.children.at(-1);
    // saxes may split one text run; libxml2 holds it as one node.
    if (last?.kind === 'text') last.value += value;
    else append({ kind: 'text', value });
  });
  parser.on('opentag', (tag) => {
    const element: Element = {
      kind: 'element',
      name: tag.name,
      attributes: Object.entries(tag.attributes as Record<string, string>),
      children: [],
    };
    append(element);
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  if (failure) throw failure;
  return parsed;
}

function serialize(node: XmlNode, level: number, format: boolean, raw: boolean): string {
  switch (node.kind) {
    case 'text':
      return escapeText(node.value, raw);
    case 'cdata':
      return `<![CDATA[${node.value}]]>`;
    case 'comment':
      return `<!--${node.value}-->`;
    case 'doctype':
      return `<!DOCTYPE${node.value}>`;
    case 'pi':
      return node.body ? `<?${node.target} ${node.body}?>` : `<?${node.target}?>`;
    case 'element':
      return serializeElement(node, level, format, raw);
  }
}

function serializeElement(element: Element, level: number, format: boolean, raw: boolean): string {
  let out = `<${element.name}`;
  for (const [name, value] of element.attributes) out += ` ${name}="${escapeAttribute(value, raw)}"`;
  if (element.children.length === 0) return `${out}/>`;
  out += '>';
  // libxml2 indents children only when none of them is text: inside mixed content whitespace is data.
  const indentChildren = format && !element.children.some((child) => child.kind === 'text' || child.kind === 'cdata');
  if (indentChildren) out += '\n';
  for (const child of element.children) {
    if (indentChildren) out += indent(level + 1);
    out += serialize(child, level + 1, indentChildren, raw);
    if (indentChildren) out += '\n';
  }
  if (indentChildren) out += indent(level);
  return `${out}</${element.name}>`;
}

function indent(level: number): string {
  return '  '.repeat(Math.min(level, maxIndentLevels));
}

function escapeText(text: string, raw: boolean): string {
  // libxml2 writes a CR in text as `&#13;` when encoding to a declared charset, `&#xD;` when escaping to ASCII.
  return escapeWith(text, raw, { '<': '&lt;', '>': '&gt;', '&': '&amp;', '\r': raw ? '&#13;' : '&#xD;' });
}

function escapeAttribute(text: string, raw: boolean): string {
  return escapeWith(text, raw, {
    '<': '&lt;',
    '>': '&gt;',
    '&': '&amp;',
    '"': '&quot;',
    '\n': '&#10;',
    '\r': '&#13;',
    '\t': '&#9;',
  });
}

function escapeWith(text: string, raw: boolean, table: Record<string, string>): string {
  let out = '';
  for (const char of text) {
    const named = table[char];
    if (named !== undefined) out += named;
    else if (!raw && (char.codePointAt(0) ?? 0) > 0x7f)
      out += `&#x${(char.codePointAt(0) ?? 0).toString(16).toUpperCase()};`;
    else out += char;
  }
  return out;
}
