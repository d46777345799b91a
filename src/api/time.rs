//! The `DateTime` scalar: a moment as RFC 3339 text in UTC, to the millisecond. Every time the
//! API shows (a node's `createdAt`, an audit entry's `at`, …) is one; the text is what
//! [`format_time`] has always written.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};

use crate::store::format_time;

/// A moment, held as milliseconds since the Unix epoch.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct DateTime(pub i64);

/// A moment in time as RFC 3339 text in UTC, with a `Z` and milliseconds:
/// `2026-11-30T19:55:56.000Z`. As input, only that form is accepted (the fraction may be left
/// out or be shorter: `2026-11-30T19:55:56Z`); offsets other than `Z`, dates without a time and
/// finer fractions are refused (`BAD_USER_INPUT`).
#[Scalar(
    name = "DateTime",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339#section-5.6"
)]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => DateTime::parse(text).map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.to_string())
    }
}

impl DateTime {
    /// Reads RFC 3339 text in UTC (`2026-11-30T19:55:56Z`, `2026-11-30T19:55:56.250Z`).
    pub fn parse(text: &str) -> Result<DateTime, String> {
        let refused = || {
            format!(
                "{:?} is not a time in RFC 3339 form in UTC, such as 2026-11-30T19:55:56Z",
                crate::error::shortened(text)
            )
        };
        // RFC 3339 also allows a lower-case `t`/`z` and (chrono) a space: one form only.
        if text.as_bytes().get(10) != Some(&b'T') || !text.ends_with('Z') {
            return Err(refused());
        }
        let time = chrono::DateTime::parse_from_rfc3339(text).map_err(|_| refused())?;
        if time.timestamp_subsec_nanos() % 1_000_000 != 0 {
            return Err(format!(
                "{:?} is finer than a millisecond, the finest time samenhang keeps",
                crate::error::shortened(text)
            ));
        }
        Ok(DateTime(time.timestamp_millis()))
    }
}

impl std::fmt::Display for DateTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_time(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_utc_with_milliseconds() {
        assert_eq!(
            DateTime(1_796_068_556_250).to_string(),
            "2026-11-30T19:55:56.250Z"
        );
        assert_eq!(DateTime(0).to_string(), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            DateTime(1_796_068_556_000).to_value(),
            Value::String("2026-11-30T19:55:56.000Z".into())
        );
    }

    #[test]
    fn reads_what_it_writes() {
        for ms in [
            0,
            1,
            999,
            1_796_068_556_250,
            -86_400_000,
            253_402_300_799_999,
        ] {
            let text = DateTime(ms).to_string();
            assert_eq!(DateTime::parse(&text), Ok(DateTime(ms)), "{text}");
        }
        assert_eq!(
            DateTime::parse("2026-11-30T19:55:56Z"),
            Ok(DateTime(1_796_068_556_000))
        );
        assert_eq!(
            DateTime::parse("2026-11-30T19:55:56.5Z"),
            Ok(DateTime(1_796_068_556_500))
        );
    }

    #[test]
    fn refuses_every_other_form() {
        for bad in [
            "",
            "now",
            "2026-11-30",
            "2026-11-30T19:55:56",
            "2026-11-30T19:55:56+01:00",
            "2026-11-30T19:55:56+00:00",
            "2026-11-30t19:55:56Z",
            "2026-11-30T19:55:56z",
            "2026-11-30 19:55:56Z",
            "2026-13-01T19:55:56Z",
            "2026-11-30T25:55:56Z",
            "2026-11-30T19:55:56.0001Z",
            "1796068556250",
        ] {
            let err = DateTime::parse(bad).expect_err(bad);
            assert!(
                err.contains("RFC 3339") || err.contains("millisecond"),
                "{bad}: {err}"
            );
        }
        assert!(<DateTime as ScalarType>::parse(Value::Number(1.into())).is_err());
    }
}
