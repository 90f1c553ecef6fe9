import { describe, expect, it } from 'vitest';
import { compareNames, htmlToText } from '../../subgraphs/shared/text.ts';

describe('htmlToText whitespace', () => {
  it('turns tabs, no-break spaces and other Unicode spaces into one plain space each run', () => {
    expect(htmlToText('<p>a\tb&#9;c &nbsp;&nbsp; d\u00a0e\u2003f\u202fg\u3000h</p>')).toBe('a b c d e f g h');
  });

  it('collapses runs of spaces within a line and trims each line, but keeps the line breaks', () => {
    expect(htmlToText('<p>  one   two  </p><p>\u00a0three\u00a0<br>\tfour<br><br>five</p>')).toBe('one two\nthree\nfour\n\nfive');
  });

  it('removes zero-width spaces, word joiners and byte-order marks without leaving a space', () => {
    expect(htmlToText('\ufeff<p>zero\u200bwidth\u2060joined &#x200B;here &#8203; &ZeroWidthSpace;now</p>')).toBe('zerowidthjoined here now');
  });

  it('keeps the zero-width joiner and non-joiner, which spell emoji sequences and words', () => {
    expect(htmlToText('<p>👨\u200d👩\u200d👧 می\u200cخواهم</p>')).toBe('👨\u200d👩\u200d👧 می\u200cخواهم');
  });

  it('keeps preformatted text as written', () => {
    expect(htmlToText('<pre>if x:\n\t  y =\u00a0 1</pre>')).toBe('if x:\n\t  y =\u00a0 1');
  });
});

describe('compareNames', () => {
  it('sorts an accented letter with its base letter, not after z', () => {
    expect(['Zürich', 'Ésbjerg', 'Frankfurt', 'east', 'Åarhus', 'Athens', 'Łódź', 'Lyon', 'Oslo', 'Ørsted'].sort(compareNames))
      .toEqual(['Åarhus', 'Athens', 'east', 'Ésbjerg', 'Frankfurt', 'Łódź', 'Lyon', 'Ørsted', 'Oslo', 'Zürich']);
  });

  it('puts Latin names before Greek, Cyrillic and CJK ones', () => {
    expect(['東京', 'Москва', 'Αθήνα', 'Tokyo'].sort(compareNames)).toEqual(['Tokyo', 'Αθήνα', 'Москва', '東京']);
  });

  it('orders the same name in two normalization forms by code points, so the order is total', () => {
    const composed = 'Malm\u00f6';
    const decomposed = 'Malmo\u0308';
    expect(compareNames(composed, decomposed)).toBe(composed < decomposed ? -1 : 1);
    expect(compareNames(composed, composed)).toBe(0);
  });

  it('sorts the same way whatever the server locale would say', () => {
    // Swedish puts Ö after Z; the fixed root order keeps it with O.
    expect(['Zagreb', 'Östersund', 'Oslo'].sort(compareNames)).toEqual(['Oslo', 'Östersund', 'Zagreb']);
    expect(['Zagreb', 'Östersund', 'Oslo'].sort(new Intl.Collator('sv').compare)).toEqual(['Oslo', 'Zagreb', 'Östersund']);
  });
});
