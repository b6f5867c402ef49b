package streaming.lakehouse.flink;

import java.util.BitSet;

/**
 * What a person sees of a text, judged in one pass over it: the span between its first and last visible
 * code point, and whether it holds an unpaired UTF-16 surrogate (a JSON {@code \ud800} escape read alone:
 * no character at all, which UTF-8 storage would turn into {@code ?}).
 *
 * <p>Blank, here: every code point that renders as nothing. That is Unicode's White_Space (ASCII
 * whitespace, no-break, ideographic and other spaces, line and paragraph separators), every control
 * (Cc: NUL, NEL among them) and Unicode's Default_Ignorable_Code_Point set (zero-width space and
 * joiners, soft hyphen, byte-order mark, bidirectional marks, Hangul fillers, variation selectors, tag
 * characters). Format characters that render (the Arabic number signs U+0600..U+0605) are text.
 */
final class VisibleText {

  /**
   * Default_Ignorable_Code_Point, as listed in DerivedCoreProperties.txt of Unicode 14.0.0 (checked
   * against Perl's Unicode::UCD of that version). The JDK has no API for this property, and
   * Character.isIdentifierIgnorable is another set (it leaves out the Hangul fillers and variation
   * selectors, and takes in controls). Inclusive ranges.
   */
  private static final int[][] DEFAULT_IGNORABLE = {
    {0x00AD, 0x00AD}, // soft hyphen
    {0x034F, 0x034F}, // combining grapheme joiner
    {0x061C, 0x061C}, // Arabic letter mark
    {0x115F, 0x1160}, // Hangul choseong and jungseong fillers
    {0x17B4, 0x17B5}, // Khmer inherent vowels
    {0x180B, 0x180F}, // Mongolian free variation selectors, vowel separator
    {0x200B, 0x200F}, // zero-width space, non-joiner, joiner; LRM, RLM
    {0x202A, 0x202E}, // bidirectional embeddings and overrides
    {0x2060, 0x206F}, // word joiner, invisible operators, bidirectional isolates, deprecated formats
    {0x3164, 0x3164}, // Hangul filler
    {0xFE00, 0xFE0F}, // variation selectors
    {0xFEFF, 0xFEFF}, // zero-width no-break space (byte-order mark)
    {0xFFA0, 0xFFA0}, // halfwidth Hangul filler
    {0xFFF0, 0xFFF8}, // reserved
    {0x1BCA0, 0x1BCA3}, // shorthand format controls
    {0x1D173, 0x1D17A}, // musical symbol formats
    {0xE0000, 0xE0FFF}, // tags, variation selectors supplement, reserved
  };

  /** Blank code points of the Basic Multilingual Plane: one bit lookup per character. */
  private static final BitSet BMP_BLANK = new BitSet(0x10000);

  static {
    for (int c = 0; c < 0x10000; c++) {
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.getType(c) == Character.CONTROL) {
        BMP_BLANK.set(c);
      }
    }
    for (int[] range : DEFAULT_IGNORABLE) {
      if (range[0] < 0x10000) {
        BMP_BLANK.set(range[0], range[1] + 1);
      }
    }
  }

  private VisibleText() {}

  /** Whether code point {@code c} renders as nothing (see the class comment). */
  static boolean isBlank(int c) {
    if (c < 0x10000) {
      return BMP_BLANK.get(c);
    }
    for (int[] range : DEFAULT_IGNORABLE) {
      if (c >= range[0] && c <= range[1]) {
        return true;
      }
    }
    return false;
  }

  /**
   * One text, judged: {@code start} and {@code end} bound what is left once the blanks at both ends are
   * removed (equal when nothing is); {@code unpairedSurrogate} says whether a lone surrogate is in it.
   */
  record Span(String text, int start, int end, boolean unpairedSurrogate) {

    /** Nothing visible but an optional {@code null} in any ASCII case. */
    boolean isNullLike() {
      return start == end || (end - start == 4 && isAsciiNull(text, start));
    }

    /** The visible part; unpaired surrogates replaced by U+FFFD, which is a character and can be stored. */
    String trimmed() {
      return clean(text.substring(start, end));
    }

    /** The whole text, unpaired surrogates replaced by U+FFFD. */
    String whole() {
      return clean(text);
    }

    private String clean(String s) {
      return unpairedSurrogate ? replaceUnpairedSurrogates(s) : s;
    }
  }

  /** {@code text} judged in one pass. */
  static Span scan(String text) {
    int n = text.length();
    int start = -1;
    int end = 0;
    boolean unpaired = false;
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      int codePoint;
      int width = 1;
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        codePoint = Character.toCodePoint(c, text.charAt(i + 1));
        width = 2;
      } else {
        codePoint = c;
        unpaired |= Character.isSurrogate(c);
      }
      // An unpaired surrogate is no blank (it is no character at all): it stays inside the span.
      if (!isBlank(codePoint)) {
        if (start < 0) {
          start = i;
        }
        end = i + width;
      }
      i += width;
    }
    return start < 0 ? new Span(text, 0, 0, false) : new Span(text, start, end, unpaired);
  }

  /** Whether {@code text} holds an unpaired surrogate anywhere. */
  static boolean hasUnpairedSurrogate(String text) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code text} with ASCII a-z upper-cased and nothing else changed: a code with a fixed alphabet
   * (currency) is compared in ASCII only, so {@code uſd} (a long s, which Unicode upper-cases to S) stays
   * what it is, not USD.
   */
  static String asciiUpperCase(String text) {
    char[] out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 'a' && c <= 'z') {
        if (out == null) {
          out = text.toCharArray();
        }
        out[i] = (char) (c - 'a' + 'A');
      }
    }
    return out == null ? text : new String(out);
  }

  private static boolean isAsciiNull(String text, int at) {
    return (text.charAt(at) | 0x20) == 'n'
        && (text.charAt(at + 1) | 0x20) == 'u'
        && (text.charAt(at + 2) | 0x20) == 'l'
        && (text.charAt(at + 3) | 0x20) == 'l';
  }

  private static String replaceUnpairedSurrogates(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.append(c).append(text.charAt(++i));
      } else {
        out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return out.toString();
  }
}
