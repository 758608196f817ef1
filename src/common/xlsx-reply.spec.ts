import { csvField, looksLikeFormula, xlsxCell } from './xlsx-reply';

describe('export cells never carry a formula', () => {
  it('recognises what a spreadsheet would run: = + - @, or a leading tab or carriage return', () => {
    for (const text of ['=1+1', '+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '=HYPERLINK("http://x","y")'])
      expect(looksLikeFormula(text)).toBe(true);
    for (const text of ['1+1', '医共体', 'a=b', '', ' x']) expect(looksLikeFormula(text)).toBe(false);
  });

  it('prefixes formula-like CSV text with a quote, then quotes as RFC 4180 asks', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('\t@x')).toBe("'\t@x");
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(-5)).toBe('-5'); // a number is a number, not text
    expect(csvField(null)).toBe('');
  });

  it('keeps XLSX text a plain string value, whatever it begins with', () => {
    expect(xlsxCell('=1+1')).toBe('=1+1');
    expect(xlsxCell(12.5)).toBe(12.5);
    expect(xlsxCell(undefined)).toBeNull();
  });
});
