package streaming.lakehouse.flink;

import java.util.Locale;

/**
 * How a field of a payload is read and judged ({@link JsonObjectFields}): what JSON value it takes, what
 * text it is stored as, and the reason given when the value is present but not of its kind.
 */
enum FieldKind {
  /** A JSON string, kept as sent. */
  TEXT(Reasons.INVALID_FIELD_TYPE),
  /** A JSON string, stored without the blanks at its ends. */
  ID(Reasons.INVALID_FIELD_TYPE),
  /** A JSON string with a fixed alphabet (currency): trimmed like an id, a-z upper-cased in ASCII only. */
  CODE(Reasons.INVALID_FIELD_TYPE),
  /** A JSON integer (no fraction, no exponent) within INT's range. */
  INT(Reasons.INVALID_FIELD_TYPE),
  /** JSON true or false. */
  BOOLEAN(Reasons.INVALID_FIELD_TYPE),
  /** A JSON string {@code yyyy-MM-dd HH:mm:ss[.SSS]}, a real time in years 1970 to 9999. */
  TIMESTAMP(Reasons.INVALID_TIMESTAMP),
  /** A JSON number, or a JSON string holding one ({@link DecimalText}'s form). */
  MONEY(Reasons.INVALID_AMOUNT_FORMAT),
  /** A JSON object or array, stored as compact JSON; any other value is kept out (NULL), not judged. */
  JSON(null);

  /** The reason a value of another kind gets. */
  final String mismatch;

  FieldKind(String mismatch) {
    this.mismatch = mismatch;
  }

  /** The kind a field spec names: {@code text}, {@code id}, ... as the constants, in lower case. */
  static FieldKind named(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
