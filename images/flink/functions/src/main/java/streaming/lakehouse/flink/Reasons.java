package streaming.lakehouse.flink;

/** The rejection reasons a field's own value can earn, named as flink_jobs/README.md names them. */
final class Reasons {

  static final String INVALID_TEXT = "INVALID_TEXT";
  static final String INVALID_FIELD_TYPE = "INVALID_FIELD_TYPE";
  static final String INVALID_TIMESTAMP = "INVALID_TIMESTAMP";
  static final String INVALID_AMOUNT_FORMAT = "INVALID_AMOUNT_FORMAT";

  private Reasons() {}
}
