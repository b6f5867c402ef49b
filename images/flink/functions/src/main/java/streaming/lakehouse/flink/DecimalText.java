package streaming.lakehouse.flink;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * A number written as text, read exactly whatever its length: a sign, significant digits and a power of
 * ten. Reading, comparing and rounding work on the digits in one pass each, in time linear in the text,
 * so a 100,000-digit amount costs no more than reading it (BigDecimal's own parser is quadratic in the
 * number of digits, and a regular expression would be one more pass that can backtrack).
 *
 * <p>The form is a JSON number's, leading zeros allowed, surrounded by optional whitespace: {@code
 * -?[0-9]+(.[0-9]+)?([eE][+-]?[0-9]+)?}. Anything else ({@code NaN}, {@code 1,5}, {@code +1}) is not a
 * number.
 */
final class DecimalText {

  // Exponents beyond this are all "astronomically large/small": clamping keeps the arithmetic in a long.
  private static final long EXPONENT_CLAMP = Long.MAX_VALUE / 4;

  final int sign; // -1, 0, 1
  final String digits; // significant digits, no leading or trailing zeros; empty for zero
  final long magnitude; // value = 0.<digits> x 10^magnitude

  private DecimalText(int sign, String digits, long magnitude) {
    this.sign = sign;
    this.digits = digits;
    this.magnitude = magnitude;
  }

  /** The number {@code text} writes, or null when it is not a number in the form above. */
  static DecimalText parse(String text) {
    if (text == null) {
      return null;
    }
    int end = text.length();
    int i = 0;
    while (i < end && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    while (end > i && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    boolean negative = i < end && text.charAt(i) == '-';
    if (negative) {
      i++;
    }
    int wholeStart = i;
    i = skipDigits(text, i, end);
    int wholeEnd = i;
    if (wholeEnd == wholeStart) {
      return null;
    }
    int fractionStart = i;
    int fractionEnd = i;
    if (i < end && text.charAt(i) == '.') {
      fractionStart = i + 1;
      fractionEnd = skipDigits(text, fractionStart, end);
      if (fractionEnd == fractionStart) {
        return null;
      }
      i = fractionEnd;
    }
    long exponent = 0;
    if (i < end && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      i++;
      boolean negativeExponent = i < end && text.charAt(i) == '-';
      if (i < end && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
        i++;
      }
      int exponentStart = i;
      for (; i < end && isDigit(text.charAt(i)); i++) {
        exponent = exponent >= EXPONENT_CLAMP / 10 ? EXPONENT_CLAMP : exponent * 10 + (text.charAt(i) - '0');
      }
      if (i == exponentStart) {
        return null;
      }
      exponent = negativeExponent ? -exponent : exponent;
    }
    if (i != end) {
      return null;
    }
    // Significant digits: from the first non-zero digit to the last, across the decimal point.
    StringBuilder significant = new StringBuilder();
    long leadingZeros = 0;
    int pendingZeros = 0;
    for (int k = wholeStart; k < fractionEnd; k++) {
      char c = text.charAt(k);
      if (c == '.') {
        continue;
      }
      if (c == '0') {
        if (significant.length() == 0) {
          leadingZeros++;
        } else {
          pendingZeros++;
        }
        continue;
      }
      significant.append("0".repeat(pendingZeros)).append(c);
      pendingZeros = 0;
    }
    if (significant.length() == 0) {
      return new DecimalText(0, "", 0);
    }
    long magnitude = (long) (wholeEnd - wholeStart) - leadingZeros + exponent;
    return new DecimalText(negative ? -1 : 1, significant.toString(), magnitude);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int skipDigits(String text, int from, int end) {
    int i = from;
    while (i < end && isDigit(text.charAt(i))) {
      i++;
    }
    return i;
  }

  /**
   * How many decimals the value needs to be written exactly: 0 for a whole number (also {@code 1e3} and
   * {@code 12.00}), 3 for {@code 0.004}; at most Integer.MAX_VALUE.
   */
  int decimals() {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, digits.length() - magnitude));
  }

  /** -1, 0 or 1 as this number is below, equal to or above {@code other}. */
  int compareTo(DecimalText other) {
    if (sign != other.sign) {
      return Integer.compare(sign, other.sign);
    }
    if (sign == 0) {
      return 0;
    }
    int absolute;
    if (magnitude != other.magnitude) {
      absolute = Long.compare(magnitude, other.magnitude);
    } else {
      // Same magnitude: digit by digit; with no trailing zeros, the longer one is larger.
      int c = 0;
      int n = Math.min(digits.length(), other.digits.length());
      for (int i = 0; i < n && c == 0; i++) {
        c = Character.compare(digits.charAt(i), other.digits.charAt(i));
      }
      absolute = c != 0 ? Integer.signum(c) : Integer.compare(digits.length(), other.digits.length());
    }
    return sign * absolute;
  }

  /**
   * The value rounded half-up to {@code scale} decimals, or null when it needs more than {@code
   * precision} digits.
   */
  BigDecimal toBigDecimal(int precision, int scale) {
    if (sign == 0) {
      return BigDecimal.ZERO.setScale(scale);
    }
    if (magnitude > precision - scale) {
      return null;
    }
    // Half-up rounding at `scale` decimals depends only on the digit after it: drop the rest unread.
    long keep = Math.min(digits.length(), magnitude + scale + 1);
    if (keep <= 0) {
      return BigDecimal.ZERO.setScale(scale);
    }
    String kept = digits.substring(0, (int) keep);
    BigDecimal value = new BigDecimal(new BigInteger(kept), (int) (kept.length() - magnitude));
    BigDecimal rounded = value.setScale(scale, RoundingMode.HALF_UP);
    if (rounded.precision() > precision) {
      return null;
    }
    return sign < 0 ? rounded.negate() : rounded;
  }
}
