/** A filter the user typed that cannot be compiled: what is wrong and where (0-based column, in UTF-16 units). */
export interface FilterError {
  readonly message: string;
  readonly column: number;
  /** Characters the error covers (0 when it is about the end of the text). */
  readonly length: number;
  /** For an unknown field: the nearest known field name. */
  readonly suggestion?: string;
}

/** Thrown inside the compiler and turned into a FilterError value at the API boundary. */
export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly column: number,
    readonly length: number,
    readonly suggestion?: string,
  ) {
    super(message);
    this.name = 'FilterSyntaxError';
  }

  toValue(): FilterError {
    const e = { message: this.message, column: this.column, length: this.length };
    return this.suggestion === undefined ? e : { ...e, suggestion: this.suggestion };
  }
}

/** Where a piece of filter text sits, for error messages. */
export interface Span {
  readonly pos: number;
  readonly len: number;
}

export function fail(message: string, at: Span, suggestion?: string): never {
  throw new FilterSyntaxError(message, at.pos, at.len, suggestion);
}

/**
 * The filter and a caret line under the part in error, as tshark prints them
 * after the message (indented by four spaces); empty when the error has no
 * extent (the end of the text), where tshark prints none either.
 */
export function caretLines(text: string, error: FilterError): string[] {
  if (error.length <= 0) return [];
  return ['    ' + text, '    ' + ' '.repeat(error.column) + '^' + '~'.repeat(error.length - 1)];
}
