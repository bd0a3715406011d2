import { describe, expect, it } from 'vitest';
import { readLabeledCsv } from '../../src/lib/labeled-csv.js';

const SOURCE = 'labels.csv';

describe('readLabeledCsv', () => {
  it('reads rows with and without a category, ignoring other columns', () => {
    const text = [
      'id,text,complaint,category,brand',
      '1,my bag never arrived,1,Lost Luggage,Acme',
      '2,thanks for the upgrade,0,,Acme',
      '3,still waiting on hold,1,,Acme',
    ].join('\n');

    const result = readLabeledCsv(text, SOURCE);

    expect(result.errors).toEqual([]);
    expect(result.rows).toEqual([
      { id: '1', text: 'my bag never arrived', complaint: 1, category: 'Lost Luggage', line: 2 },
      { id: '2', text: 'thanks for the upgrade', complaint: 0, category: null, line: 3 },
      { id: '3', text: 'still waiting on hold', complaint: 1, category: null, line: 4 },
    ]);
  });

  it('works without a category column, with CRLF line ends and a byte-order mark', () => {
    const text = '\ufeffcomplaint,id,text\r\n1,a,late again\r\n0,b,"great crew, thanks"\r\n';

    const result = readLabeledCsv(text, SOURCE);

    expect(result.errors).toEqual([]);
    expect(
      result.rows.map((row) => [row.id, row.text, row.complaint, row.category, row.line]),
    ).toEqual([
      ['a', 'late again', 1, null, 2],
      ['b', 'great crew, thanks', 0, null, 3],
    ]);
  });

  it('reports the starting line of a quoted multi-line field and counts lines after it correctly', () => {
    const text = [
      'id,text,complaint',
      '1,"first line',
      'second line',
      'third line",1',
      '2,next row,0',
    ].join('\n');

    const result = readLabeledCsv(text, SOURCE);

    expect(result.errors).toEqual([]);
    expect(result.rows.map((row) => [row.id, row.line])).toEqual([
      ['1', 2],
      ['2', 5],
    ]);
    expect(result.rows[0]?.text).toBe('first line\nsecond line\nthird line');
  });

  it.each`
    case                      | row                   | message
    ${'complaint not 0/1'}    | ${'2,some text,yes'}  | ${'complaint must be 1 or 0, got "yes"'}
    ${'complaint "true"'}     | ${'2,some text,true'} | ${'complaint must be 1 or 0, got "true"'}
    ${'empty complaint'}      | ${'2,some text,'}     | ${'complaint must be 1 or 0, got ""'}
    ${'empty text'}           | ${'2,   ,1'}          | ${'text is empty'}
    ${'empty id'}             | ${',some text,1'}     | ${'id is empty'}
    ${'missing field'}        | ${'2,some text'}      | ${'expected 3 fields like the header, got 2'}
    ${'extra field'}          | ${'2,some, text,1'}   | ${'expected 3 fields like the header, got 4'}
    ${'duplicate id'}         | ${'1,again,1'}        | ${'id "1" already appeared on line 2'}
    ${'stray quote in field'} | ${'2,"bad "quote",1'} | ${'Invalid Closing Quote'}
  `('reports $case with its line and keeps the good rows', ({ row, message }) => {
    const text = ['id,text,complaint', '1,good row,1', row as string, '3,another good row,0'].join(
      '\n',
    );

    const result = readLabeledCsv(text, SOURCE);

    expect(result.rows.map((r) => r.id)).toEqual(['1', '3']);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.source).toBe(SOURCE);
    expect(result.errors[0]?.line).toBe(3);
    expect(result.errors[0]?.message).toContain(message as string);
  });

  it('reports an unclosed quote at the line where its row starts', () => {
    const text = [
      'id,text,complaint',
      '1,good,1',
      '2,good,0',
      '3,"never closed,1',
      '4,swallowed,0',
    ].join('\n');

    const result = readLabeledCsv(text, SOURCE);

    expect(result.rows.map((row) => row.id)).toEqual(['1', '2', '4']);
    expect(result.errors.map((error) => error.line)).toEqual([4]);
    expect(result.errors[0]?.message).toMatch(
      /^a quote opened on this line is never closed \(Quote Not Closed.*\): this line is skipped and the lines after it are read again as rows$/,
    );
  });

  it('reads on after an unclosed quote, reporting every later problem at its own line', () => {
    const text = [
      'id,text,complaint',
      '1,good,1',
      '2,"never closed,1',
      '3,fine,0',
      '',
      '4,bad label,yes',
      '3,duplicate of line 4,1',
      '5,last,0',
    ].join('\n');

    const result = readLabeledCsv(text, SOURCE);

    expect(result.rows.map((row) => [row.id, row.line])).toEqual([
      ['1', 2],
      ['3', 4],
      ['5', 8],
    ]);
    expect(result.errors.map((error) => [error.line, error.message.slice(0, 30)])).toEqual([
      [3, 'a quote opened on this line is'],
      [6, 'complaint must be 1 or 0, got '],
      [7, 'id "3" already appeared on lin'],
    ]);
  });

  it('ends a row at either line ending when a file mixes them', () => {
    const text =
      'id,text,complaint\r\n1,late again,1\r\n2,thanks,0\n3,"lost, my bag",1\n4,ok,0\r\n';

    const result = readLabeledCsv(text, SOURCE);

    expect(result.errors).toEqual([]);
    expect(result.rows.map((row) => [row.id, row.text, row.line])).toEqual([
      ['1', 'late again', 2],
      ['2', 'thanks', 3],
      ['3', 'lost, my bag', 4],
      ['4', 'ok', 5],
    ]);
  });

  it('reports every bad row, each with its own line', () => {
    const text = [
      'id,text,complaint,category',
      '1,ok,1,Late',
      '2,ok,2,Late',
      '',
      '3,,0,',
      '4,"two',
      'lines",maybe,',
      '5,ok,0,',
    ].join('\n');

    const result = readLabeledCsv(text, SOURCE);

    expect(result.rows.map((row) => row.id)).toEqual(['1', '5']);
    expect(result.errors.map((error) => error.line)).toEqual([3, 5, 6]);
  });

  it.each`
    case                     | header               | missing
    ${'no complaint column'} | ${'id,text,label'}   | ${'complaint'}
    ${'two missing'}         | ${'identifier,text'} | ${'id, complaint'}
  `('rejects a header with $case in one error naming the columns', ({ header, missing }) => {
    const text = `${header as string}\n1,some text,1\n`;

    const result = readLabeledCsv(text, SOURCE);

    expect(result.rows).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.line).toBe(1);
    expect(result.errors[0]?.message).toContain(
      `lacks the column${(missing as string).includes(',') ? 's' : ''} ${missing as string}`,
    );
  });

  it('reports an empty file', () => {
    const result = readLabeledCsv('', SOURCE);

    expect(result.rows).toEqual([]);
    expect(result.errors).toEqual([
      { source: SOURCE, line: 1, message: expect.stringContaining('empty') },
    ]);
  });
});
