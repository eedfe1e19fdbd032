//! The grouped counts behind an ICB's or a region's dashboard (DOMAIN.md, "Oversight"): what is
//! open by stage and on hold by reason, what waits for allocation or a duplicate's look, the
//! clock of each open review (its notification day and days on hold, from which the API
//! derives due and overdue with `domain::time_targets`), and histograms of days from
//! notification to first allocation and to completion. Every query is a `GROUP BY` over the
//! indexed columns of the ICBs asked for; nothing identifying is read.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Date as SqlDate, Nullable, Text};
use leder_domain::workflow::Stage;
use time::{Date, PrimitiveDateTime};

use super::national::{hold_days_sql, load};
use crate::connection::DbConnection;
use crate::error::PersistenceError;

/// A count by ICB and a key (a stage, a hold reason, a number of days).
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct KeyCount {
    /// The ICB.
    #[diesel(sql_type = Text)]
    pub organisation: String,
    /// The key.
    #[diesel(sql_type = Text)]
    pub key: String,
    /// How many.
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// A count of reviews by ICB and a number of days.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct DaysCount {
    /// The ICB.
    #[diesel(sql_type = Text)]
    pub organisation: String,
    /// Days.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub days: Option<i64>,
    /// How many.
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Open reviews on LeDeR's clock by ICB, day of notification and days on hold so far.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct ClockCount {
    /// The ICB.
    #[diesel(sql_type = Text)]
    pub organisation: String,
    /// The English day of notification.
    #[diesel(sql_type = SqlDate)]
    pub notified_on: Date,
    /// Days on hold (every hold has ended: the reviews counted are not on hold).
    #[diesel(sql_type = BigInt)]
    pub held: i64,
    /// How many.
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Everything a dashboard counts, for the ICBs asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DashboardCounts {
    /// Open reviews by stage.
    pub open_by_stage: Vec<KeyCount>,
    /// Reviews on hold by the reason of their open hold.
    pub on_hold_by_reason: Vec<KeyCount>,
    /// Reviews awaiting allocation notified before the cut-off day.
    pub unallocated_since: Vec<KeyCount>,
    /// Reviews with a duplicate notification the lead has not looked at.
    pub duplicates: Vec<KeyCount>,
    /// The clocks of open reviews that are not on hold nor on the Child Death Review route.
    pub clocks: Vec<ClockCount>,
    /// Days from notification to first allocation, of reviews first allocated since the window
    /// opened.
    pub to_allocation: Vec<DaysCount>,
    /// Days from notification to completion, of LeDeR reviews completed since the window opened.
    pub to_completion: Vec<DaysCount>,
}

/// `'QOP', 'QE1'`: the ICBs as SQL literals. They come from the organisation hierarchy, and
/// only ODS codes (letters and digits) are kept, so no other text can reach the SQL.
fn in_list(icbs: &[String]) -> String {
    let quoted: Vec<String> = icbs
        .iter()
        .filter(|icb| !icb.is_empty() && icb.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(|icb| format!("'{icb}'"))
        .collect();
    if quoted.is_empty() {
        "NULL".to_owned()
    } else {
        quoted.join(", ")
    }
}

/// The open stages as SQL literals (`except` left out).
fn stages(except: &[Stage]) -> String {
    Stage::ALL
        .iter()
        .filter(|s| s.is_open() && !except.contains(s))
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whole days elapsed between two instants, per engine.
fn instant_days(conn: &DbConnection, from: &str, to: &str) -> String {
    match conn {
        DbConnection::Sqlite(_) => {
            format!("CAST(julianday({to}) - julianday({from}) AS INTEGER)")
        }
        DbConnection::Postgresql(_) => {
            format!("CAST(FLOOR(EXTRACT(EPOCH FROM ({to} - {from})) / 86400) AS BIGINT)")
        }
    }
}

/// Days between two calendar dates, per engine.
fn date_days(conn: &DbConnection, from: &str, to: &str) -> String {
    match conn {
        DbConnection::Sqlite(_) => {
            format!("CAST(julianday({to}) - julianday({from}) AS INTEGER)")
        }
        DbConnection::Postgresql(_) => format!("CAST({to} - {from} AS BIGINT)"),
    }
}

/// The counts of a dashboard over `icbs` on `today`: unallocated means notified before
/// `unallocated_before`; the 12-month window opens at the instant `window_from` (for
/// allocations) and on the day `window_from_day` (for completions).
pub fn dashboard_counts(
    conn: &mut DbConnection,
    icbs: &[String],
    unallocated_before: Date,
    window_from: PrimitiveDateTime,
    window_from_day: Date,
) -> Result<DashboardCounts, PersistenceError> {
    let orgs = in_list(icbs);
    let open = stages(&[]);
    let clocked = stages(&[Stage::OnHold, Stage::ReferredToChildDeathReview]);
    let open_by_stage = load(
        conn,
        &format!(
            "SELECT organisation, status AS key, COUNT(*) AS n FROM reviews \
             WHERE organisation IN ({orgs}) AND status IN ({open}) GROUP BY 1, 2"
        ),
    )?;
    let on_hold_by_reason = load(
        conn,
        &format!(
            "SELECT r.organisation, h.reason AS key, COUNT(*) AS n FROM reviews r \
             JOIN review_holds h ON h.review_id = r.id AND h.ended_on IS NULL \
             WHERE r.organisation IN ({orgs}) AND r.status = 'on_hold' GROUP BY 1, 2"
        ),
    )?;
    let unallocated_since = load(
        conn,
        &format!(
            "SELECT organisation, CAST('' AS TEXT) AS key, COUNT(*) AS n FROM reviews \
             WHERE organisation IN ({orgs}) AND status = 'awaiting_allocation' \
             AND notified_on < '{unallocated_before}' GROUP BY 1"
        ),
    )?;
    let duplicates = load(
        conn,
        &format!(
            "SELECT organisation, CAST('' AS TEXT) AS key, COUNT(*) AS n FROM reviews \
             WHERE organisation IN ({orgs}) AND has_unreviewed_duplicate = TRUE GROUP BY 1"
        ),
    )?;
    let held = hold_days_sql(conn);
    let clocks = load(
        conn,
        &format!(
            "SELECT organisation, notified_on, held, COUNT(*) AS n FROM (\
             SELECT r.id, r.organisation, r.notified_on, COALESCE(SUM({held}), 0) AS held \
             FROM reviews r LEFT JOIN review_holds ON review_holds.review_id = r.id \
             AND review_holds.ended_on IS NOT NULL \
             WHERE r.organisation IN ({orgs}) AND r.status IN ({clocked}) \
             GROUP BY r.id, r.organisation, r.notified_on) t GROUP BY 1, 2, 3"
        ),
    )?;
    let since = format!(
        "{} {:02}:{:02}:{:02}",
        window_from.date(),
        window_from.hour(),
        window_from.minute(),
        window_from.second()
    );
    // One range of `reviews_first_allocation` per ICB: the reviews first allocated in the
    // window, with their notification instant, read from the index alone.
    let to_allocation = load(
        conn,
        &format!(
            "SELECT organisation, {days} AS days, COUNT(*) AS n FROM reviews \
             WHERE organisation IN ({orgs}) AND first_allocated_at >= '{since}' GROUP BY 1, 2",
            days = instant_days(conn, "notified_at", "first_allocated_at"),
        ),
    )?;
    let to_completion = load(
        conn,
        &format!(
            "SELECT organisation, {days} AS days, COUNT(*) AS n FROM reviews \
             WHERE organisation IN ({orgs}) AND status = 'completed' \
             AND eligibility_route = 'leder_review' AND completed_on >= '{window_from_day}' \
             GROUP BY 1, 2",
            days = date_days(conn, "notified_on", "completed_on"),
        ),
    )?;
    Ok(DashboardCounts {
        open_by_stage,
        on_hold_by_reason,
        unallocated_since,
        duplicates,
        clocks,
        to_allocation,
        to_completion,
    })
}
