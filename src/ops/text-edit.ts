/** Pure line/block editing used by lineinfile and blockinfile (Ansible semantics, JavaScript regexps). */

function toLines(content: string): string[] {
  return content === '' ? [] : content.replace(/\n$/, '').split('\n');
}
function fromLines(lines: string[]): string {
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export interface LineSpec {
  line?: string | undefined;
  regexp?: string | undefined;
  state: 'present' | 'absent';
  /** 'EOF' or a regexp: insert after the last matching line (EOF when none matches). */
  insertafter?: string | undefined;
  /** 'BOF' or a regexp: insert before the last matching line (EOF when none matches). */
  insertbefore?: string | undefined;
  /** With regexp: replace the first match instead of the last. */
  firstmatch?: boolean | undefined;
}

function lastIndex(lines: string[], re: RegExp, first = false): number {
  let idx = -1;
  for (let i = 0; i < lines.length; i++) {
    if (re.test(lines[i]!)) {
      idx = i;
      if (first) break;
    }
  }
  return idx;
}

/** Applies a lineinfile edit to `content` and returns the new content. */
export function applyLineInFile(content: string, spec: LineSpec): string {
  const lines = toLines(content);
  const re = spec.regexp !== undefined ? new RegExp(spec.regexp) : undefined;
  if (spec.state === 'absent') {
    return fromLines(lines.filter((l) => (re ? !re.test(l) : l !== spec.line)));
  }
  const line = spec.line!;
  if (re) {
    const i = lastIndex(lines, re, spec.firstmatch);
    if (i >= 0) {
      lines[i] = line;
      return fromLines(lines);
    }
  }
  if (lines.includes(line)) return fromLines(lines);
  if (spec.insertbefore !== undefined) {
    if (spec.insertbefore === 'BOF') lines.unshift(line);
    else {
      const i = lastIndex(lines, new RegExp(spec.insertbefore), spec.firstmatch);
      if (i >= 0) lines.splice(i, 0, line);
      else lines.push(line);
    }
  } else if (spec.insertafter !== undefined && spec.insertafter !== 'EOF') {
    const i = lastIndex(lines, new RegExp(spec.insertafter), spec.firstmatch);
    if (i >= 0) lines.splice(i + 1, 0, line);
    else lines.push(line);
  } else {
    lines.push(line);
  }
  return fromLines(lines);
}

export interface BlockSpec {
  /** Block body (without markers); an empty block with state present removes the block. */
  block: string;
  begin: string;
  end: string;
  state: 'present' | 'absent';
  insertafter?: string | undefined;
  insertbefore?: string | undefined;
}

/** Applies a blockinfile edit: replaces the first BEGIN…END block, or inserts one (EOF by default). */
export function applyBlockInFile(content: string, spec: BlockSpec): string {
  const lines = toLines(content);
  const b = lines.indexOf(spec.begin);
  const e = b >= 0 ? lines.indexOf(spec.end, b + 1) : -1;
  const body = spec.block === '' ? [] : spec.block.replace(/\n$/, '').split('\n');
  const remove = spec.state === 'absent' || body.length === 0;
  const block = remove ? [] : [spec.begin, ...body, spec.end];
  if (b >= 0 && e >= 0) {
    lines.splice(b, e - b + 1, ...block);
    return fromLines(lines);
  }
  if (remove) return fromLines(lines);
  if (spec.insertbefore !== undefined) {
    if (spec.insertbefore === 'BOF') lines.unshift(...block);
    else {
      const i = lastIndex(lines, new RegExp(spec.insertbefore));
      if (i >= 0) lines.splice(i, 0, ...block);
      else lines.push(...block);
    }
  } else if (spec.insertafter !== undefined && spec.insertafter !== 'EOF') {
    const i = lastIndex(lines, new RegExp(spec.insertafter));
    if (i >= 0) lines.splice(i + 1, 0, ...block);
    else lines.push(...block);
  } else lines.push(...block);
  return fromLines(lines);
}
