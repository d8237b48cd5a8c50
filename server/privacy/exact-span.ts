/**
 * Exact linear algebra over the rationals for proving what a manager can compute: which
 * combinations of hidden figures lie in the span of the shown ones. Used by the property
 * test (k-anonymity.property.test.ts), not at run time.
 *
 * Integer, fraction-free Gaussian elimination with every row divided by the gcd of its
 * entries: each step replaces a row by a non-zero multiple of itself plus a multiple of
 * another, so the row space is kept exactly. Entries are JavaScript numbers checked to
 * stay far inside the safe-integer range (incidence matrices of row and column sums are
 * totally unimodular, so in practice they stay in {-1, 0, 1}); past it, it throws rather
 * than answer wrongly.
 */

/** A vector over the cells of a minute (or any coordinates). */
export type Vector = readonly number[];

const LIMIT = 2 ** 50;

/** The rank of a set of vectors of equal length. */
export function rank(vectors: readonly Vector[]): number {
  const rows = vectors.map((vector) => Array.from(vector));
  return eliminate(rows, vectors[0]?.length ?? 0).length;
}

/** True when `vector` is a linear combination of `vectors`. */
export function inSpan(vectors: readonly Vector[], vector: Vector): boolean {
  return rank([...vectors, vector]) === rank(vectors);
}

/**
 * Every non-empty selection S of `groups` (indices) such that the sum of the selected
 * vectors lies in the span of `shown`. The groups must be linearly independent (the
 * callers' groups have disjoint, non-empty supports), so a combination determines its
 * selection. Throws when the space of recoverable combinations has more than
 * `maxDimension` dimensions (its 0/1 members are enumerated).
 */
export function recoverableSelections(
  shown: readonly Vector[], groups: readonly Vector[], maxDimension = 16,
): number[][] {
  const width = shown[0]?.length ?? groups[0]?.length ?? 0;
  const count = groups.length;
  if (count === 0) return [];
  // Rows [vector | which group]: once the vector part is eliminated, the rows left with a
  // zero vector part carry, in their last `count` entries, every β with Σ β_j group_j in
  // the span of `shown`.
  const rows = [
    ...shown.map((vector) => [...vector, ...new Array<number>(count).fill(0)]),
    ...groups.map((vector, index) => [...vector, ...Array.from({ length: count }, (_, j) => (j === index ? 1 : 0))]),
  ];
  const pivotRows = new Set(eliminateColumns(rows, 0, width));
  const relations = rows
    .filter((_, index) => !pivotRows.has(index))
    .map((row) => row.slice(width));
  // Reduced row echelon form of the relations: a combination in their span is fixed by its
  // entries at the pivots, so its 0/1 members are found by trying 0/1 at each pivot.
  const basis = reducedEchelon(relations, count);
  if (basis.length > maxDimension) {
    throw new RangeError(`exact-span: ${basis.length} independent recoverable combinations, more than ${maxDimension} to enumerate`);
  }
  const pivots = basis.map((row) => row.findIndex((value) => value !== 0));
  const scale = basis.reduce((lcm, row, i) => lcmOf(lcm, Math.abs(row[pivots[i]!]!)), 1);
  const selections: number[][] = [];
  for (let mask = 1; mask < 2 ** basis.length; mask++) {
    const sum = new Array<number>(count).fill(0);
    basis.forEach((row, i) => {
      if ((mask & (2 ** i)) === 0) return;
      const factor = scale / row[pivots[i]!]!;
      for (let j = 0; j < count; j++) sum[j] = checked(sum[j]! + factor * row[j]!);
    });
    if (sum.every((value) => value === 0 || value === scale)) {
      selections.push(sum.flatMap((value, j) => (value === scale ? [j] : [])));
    }
  }
  return selections;
}

/** Row-reduces in place over all columns; returns the non-zero rows (an echelon basis). */
function eliminate(rows: number[][], width: number): number[][] {
  const pivotRows = eliminateColumns(rows, 0, width);
  return pivotRows.map((index) => rows[index]!);
}

/**
 * Gaussian elimination of columns [from, to): for each column, the first unused row with a
 * non-zero entry becomes its pivot and the column is cleared from every other unused row.
 * Returns the pivot rows' indices in column order.
 */
function eliminateColumns(rows: number[][], from: number, to: number): number[] {
  const used = new Array<boolean>(rows.length).fill(false);
  const pivotRows: number[] = [];
  for (let column = from; column < to; column++) {
    const pivotIndex = rows.findIndex((row, index) => !used[index] && row[column] !== 0);
    if (pivotIndex < 0) continue;
    used[pivotIndex] = true;
    pivotRows.push(pivotIndex);
    const pivot = rows[pivotIndex]!;
    rows.forEach((row, index) => {
      if (!used[index] && row[column] !== 0) clear(row, pivot, column);
    });
  }
  return pivotRows;
}

/** Row-reduced echelon form: like eliminate, but each pivot column is cleared from every row. */
function reducedEchelon(vectors: readonly Vector[], width: number): number[][] {
  const rows = vectors.map((vector) => Array.from(vector));
  const basis: number[][] = [];
  for (let column = 0; column < width; column++) {
    const pivot = rows.find((row) => !basis.includes(row) && row[column] !== 0);
    if (!pivot) continue;
    for (const row of rows) if (row !== pivot && row[column] !== 0) clear(row, pivot, column);
    basis.push(pivot);
  }
  return basis;
}

/** row := row·pivot[column] − pivot·row[column], then divided by its gcd. */
function clear(row: number[], pivot: readonly number[], column: number): void {
  const a = pivot[column]!;
  const b = row[column]!;
  let divisor = 0;
  for (let j = 0; j < row.length; j++) {
    row[j] = checked(row[j]! * a - pivot[j]! * b);
    divisor = gcdOf(divisor, Math.abs(row[j]!));
  }
  if (divisor > 1) for (let j = 0; j < row.length; j++) row[j] = row[j]! / divisor;
}

function checked(value: number): number {
  if (!(Math.abs(value) <= LIMIT)) throw new RangeError('exact-span: entries outgrew exact integer arithmetic');
  return value;
}

function gcdOf(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function lcmOf(a: number, b: number): number {
  return checked((a / gcdOf(a, b)) * b);
}
