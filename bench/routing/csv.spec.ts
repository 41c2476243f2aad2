import { parseCsv, parseCsvRecords } from './csv';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const text = 'prompt,a,b\n"A ""dished face"", then\nB. two",True,False\r\nplain,False,True\n';
    expect(parseCsv(text)).toEqual([
      ['prompt', 'a', 'b'],
      ['A "dished face", then\nB. two', 'True', 'False'],
      ['plain', 'False', 'True'],
    ]);
  });

  it('keeps empty fields and a last row without a newline', () => {
    expect(parseCsv('x,,z\n1,2,')).toEqual([
      ['x', '', 'z'],
      ['1', '2', ''],
    ]);
  });

  it('maps rows to the header', () => {
    expect(parseCsvRecords('q,ok\n"1+1",True')).toEqual([{ q: '1+1', ok: 'True' }]);
  });
});
