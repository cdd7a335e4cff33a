/** CSV files as datasets: headers, label kinds, quoting, and errors that name the line. */
import { describe, expect, it } from 'vitest';
import { DatasetError, parseCsv } from '../../../src/train/datasets/index.ts';

describe('parseCsv', () => {
  it('reads numeric features and class-id labels, with a header', () => {
    const d = parseCsv('x1,x2,label\n0.5,1,0\n-2,3e-1,1\n\n4,.5,2\n');
    expect(d).toMatchObject({ n: 3, features: 2, classes: 3, kind: 'classification' });
    expect(d.columns).toEqual(['x1', 'x2', 'label']);
    expect([...d.x]).toEqual([0.5, 1, -2, Math.fround(0.3), 4, 0.5]);
    expect([...d.y]).toEqual([0, 1, 2]);
    expect(d.y).toBeInstanceOf(Int32Array);
  });

  it('names word labels as classes in order of first appearance (no header)', () => {
    const d = parseCsv('5.1,3.5,setosa\r\n7,3.2,versicolor\r\n4.9,3,setosa\r\n');
    expect(d.columns).toBeUndefined();
    expect(d.labelNames).toEqual(['setosa', 'versicolor']);
    expect([...d.y]).toEqual([0, 1, 0]);
  });

  it('makes fractional labels a regression, and honours kind', () => {
    const d = parseCsv('1,0.25\n2,0.5\n');
    expect(d.kind).toBe('regression');
    expect(d.y).toBeInstanceOf(Float32Array);
    expect(parseCsv('1,0\n2,1\n', { kind: 'regression' }).kind).toBe('regression');
  });

  it('handles quotes, other delimiters and comment lines', () => {
    const d = parseCsv('# a comment\n"a;b";c;y\n"1.5"; 2 ;0\n3;4;1', { delimiter: ';' });
    expect(d.columns).toEqual(['a;b', 'c', 'y']);
    expect([...d.x]).toEqual([1.5, 2, 3, 4]);
  });

  it.each([
    ['x,y\n1,0\n2,3,1\n', /^line 3: expected 2 columns as in the header, found 3$/],
    ['a,b,y\n1,2,0\n1,oops,1\n', /^line 3, column 2 \(b\): 'oops' is not a number$/],
    ['1,2,0\n1,,1\n', /^line 2, column 2: '' is not a number$/],
    ['1,"2\n', /^line 1: a quoted field is not closed$/],
    ['', /^the CSV file has no rows$/],
    ['a,b\n', /^the CSV file has a header but no data rows$/],
    ['1\n2\n', /^line 1: a row needs at least one feature and a label/],
    ['1,0\n2,0\n', /at least two classes/],
  ])('explains %j', (text, message) => {
    expect(() => parseCsv(text)).toThrow(DatasetError);
    expect(() => parseCsv(text)).toThrow(message);
  });
  it('names the line of a label that is not a class id when classification is asked for', () => {
    expect(() => parseCsv('1,0\n2,-1\n', { kind: 'classification' })).toThrow(
      /^line 2, column 2 \(label\): '-1' is not a class id/,
    );
  });
  it('names the line of a non-numeric regression label', () => {
    expect(() => parseCsv('1,0.5\n2,x\n', { kind: 'regression' })).toThrow(
      /^line 2, column 2 \(label\): 'x'/,
    );
  });
});
