/**
 * Remembers every secret value resolved in a run and masks it in any text before the text leaves hakit.
 */
export class SecretMasker {
  private readonly values = new Set<string>();
  static readonly MASK = '********';

  /**
   * Registers a secret. A value with surrounding white space is also masked trimmed, and a multi-line value
   * (a key, a certificate) line by line too, so a fragment of it in an error message is masked as well.
   */
  add(value: string): void {
    const remember = (v: string, min: number) => {
      if (v.length >= min) this.values.add(v);
    };
    remember(value, 3);
    remember(value.trim(), 3);
    if (value.includes('\n')) for (const line of value.split(/\r?\n/)) remember(line.trim(), 8);
  }

  mask(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) {
      out = out.split(v).join(SecretMasker.MASK);
    }
    return out;
  }

  get size(): number {
    return this.values.size;
  }
}
