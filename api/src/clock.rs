//! "Today" as a calendar date in England (Europe/London), from a time-zone-aware clock.
//!
//! All calendar dates (today, due dates, ages) are English dates; instants are UTC. The server's
//! own zone is never consulted, and `time`'s local offset is unreliable in threaded programs, so
//! the zone rules come from the tz database bundled into the binary.

use time::{Date, Month};

/// Today's date in England.
pub fn today_in_england() -> Date {
    let now = jiff::Timestamp::now();
    let civil = match jiff::tz::TimeZone::get("Europe/London") {
        Ok(tz) => now.to_zoned_datetime(tz).date(),
        Err(e) => {
            log::error!("no Europe/London zone rules ({e}); using the UTC date");
            now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()
        }
    };
    to_time_date(civil).unwrap_or_else(|| time::OffsetDateTime::now_utc().date())
}

fn to_time_date(d: jiff::civil::Date) -> Option<Date> {
    let month = Month::try_from(u8::try_from(d.month()).ok()?).ok()?;
    Date::from_calendar_date(i32::from(d.year()), month, u8::try_from(d.day()).ok()?).ok()
}

/// The English date of a UTC instant.
pub fn english_date_of(instant: time::OffsetDateTime) -> Option<Date> {
    let ts = jiff::Timestamp::from_second(instant.unix_timestamp()).ok()?;
    let tz = jiff::tz::TimeZone::get("Europe/London").ok()?;
    to_time_date(ts.to_zoned_datetime(tz).date())
}

/// The UTC instant a day begins in England (midnight, Europe/London).
pub fn start_of_english_day(day: Date) -> Result<time::PrimitiveDateTime, crate::error::ApiError> {
    let civil = jiff::civil::date(
        i16::try_from(day.year()).map_err(crate::error::ApiError::internal)?,
        i8::try_from(u8::from(day.month())).map_err(crate::error::ApiError::internal)?,
        i8::try_from(day.day()).map_err(crate::error::ApiError::internal)?,
    );
    let tz = jiff::tz::TimeZone::get("Europe/London").map_err(crate::error::ApiError::internal)?;
    let seconds = tz
        .to_timestamp(civil.at(0, 0, 0, 0))
        .map_err(crate::error::ApiError::internal)?
        .as_second();
    let at = time::OffsetDateTime::from_unix_timestamp(seconds)
        .map_err(crate::error::ApiError::internal)?;
    Ok(time::PrimitiveDateTime::new(at.date(), at.time()))
}

/// The UTC instant of midday in England on `day`: what is recorded as the instant of something
/// known only by its day (an imported case's notification, holds and completion).
pub fn midday_in_england(day: Date) -> time::PrimitiveDateTime {
    match start_of_english_day(day) {
        Ok(midnight) => midnight + time::Duration::hours(12),
        Err(_) => {
            time::PrimitiveDateTime::new(day, time::Time::MIDNIGHT) + time::Duration::hours(12)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn an_instant_late_on_a_summer_evening_in_utc_is_the_next_day_in_england() {
        // 23:30 UTC on 30 June is 00:30 BST on 1 July.
        let d = english_date_of(datetime!(2025-06-30 23:30 UTC)).unwrap();
        assert_eq!(d, time::macros::date!(2025 - 07 - 01));
    }

    #[test]
    fn in_winter_england_is_on_utc() {
        let d = english_date_of(datetime!(2025-12-31 23:30 UTC)).unwrap();
        assert_eq!(d, time::macros::date!(2025 - 12 - 31));
    }
}
