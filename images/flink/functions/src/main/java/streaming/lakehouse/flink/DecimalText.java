package streaming.lakehouse.flink;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number written as text, read exactly whatever its length: a sign, significant digits and a power of
 * ten. Comparing and rounding work on the digits, in time linear in the text, so a 100,000-digit amount
 * costs no more than reading it (BigDecimal's own parser is quadratic in the number of digits).
 *
 * <p>The form is a JSON number's, leading zeros allowed, surrounded by optional whitespace: {@code
 * -?[0-9]+(.[0-9]+)?([eE][+-]?[0-9]+)?}. Anything else ({@code NaN}, {@code 1,5}, {@code +1}) is not a
 * number.
 */
final class DecimalText {

  private static final Pattern FORM =
      Pattern.compile("(-?)([0-9]+)(?:\\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?");
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
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches()) {
      return null;
    }
    String whole = m.group(2);
    String fraction = m.group(3) == null ? "" : m.group(3);
    long exponent = m.group(4) == null ? 0 : clampedExponent(m.group(4));
    String all = whole + fraction;
    int first = 0;
    while (first < all.length() && all.charAt(first) == '0') {
      first++;
    }
    int end = all.length();
    while (end > first && all.charAt(end - 1) == '0') {
      end--;
    }
    if (first == end) {
      return new DecimalText(0, "", 0);
    }
    long magnitude = (long) whole.length() - first + exponent;
    return new DecimalText(m.group(1).isEmpty() ? 1 : -1, all.substring(first, end), magnitude);
  }

  private static long clampedExponent(String text) {
    boolean negative = text.charAt(0) == '-';
    String unsigned = text.replaceFirst("^[+-]0*", "");
    long value =
        unsigned.isEmpty() ? 0
            : unsigned.length() > 18 ? EXPONENT_CLAMP
            : Math.min(EXPONENT_CLAMP, Long.parseLong(unsigned));
    return negative ? -value : value;
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
