//! A records request: the case team asks an organisation for records (what, a contact mailbox,
//! a due date 14 days away by default) and gives it one upload link.
//!
//! Stored statuses are `requested`, `received`, `declined` and `cancelled`; `expired` is what
//! a request still `requested` reads as once its link has expired, so that no clock has to
//! write it. A request is overdue when past its due date and neither received nor closed.
//! The link answers only while the request is `requested`, the link is neither revoked nor
//! expired, and nothing has been received through it (it is single-use).

use time::{Date, Duration, PrimitiveDateTime};

use crate::wire::wire_enum;

/// The default number of days between a request and its due date.
pub const DEFAULT_DUE_DAYS: i64 = 14;
/// The default number of days an upload link works.
pub const DEFAULT_LINK_DAYS: u32 = 14;

wire_enum! {
    /// Where a records request stands.
    pub enum RequestStatus as "records request status" {
        /// Asked, nothing received yet.
        Requested => "requested",
        /// Records arrived (through the link, or otherwise and marked so).
        Received => "received",
        /// The organisation declined.
        Declined => "declined",
        /// Asked, the link expired and nothing arrived (never stored: read from `requested`).
        Expired => "expired",
        /// The case team withdrew the request.
        Cancelled => "cancelled",
    }
}

/// The state a records request's rules read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestState {
    /// The stored status (never `expired`).
    pub status: RequestStatus,
    /// The due date.
    pub due_on: Date,
    /// When the link stops working (UTC).
    pub link_expires_at: PrimitiveDateTime,
    /// When the link was revoked.
    pub link_revoked_at: Option<PrimitiveDateTime>,
}

/// How the upload link answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStanding {
    /// It takes an upload.
    Open,
    /// It did work once and works no more (revoked, expired, used, or the request closed).
    Gone,
}

/// Why a change of status is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusChangeError {
    /// Only `received`, `declined` and `cancelled` may be set.
    #[error("a request's status can be set to received, declined or cancelled only")]
    NotSettable,
    /// The request is closed already.
    #[error("this request is {0} already and can no longer change")]
    Closed(RequestStatus),
}

/// Why a request cannot be made as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NewRequestError {
    /// The due date is before today.
    #[error("the due date cannot be before today")]
    DueInThePast,
}

impl RequestState {
    /// The status as read at `now`: `requested` reads `expired` once its link has expired.
    pub fn status_at(&self, now: PrimitiveDateTime) -> RequestStatus {
        match self.status {
            RequestStatus::Requested if now >= self.link_expires_at => RequestStatus::Expired,
            other => other,
        }
    }

    /// Whether the request is overdue on `today`: past its due date and still awaited.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.status == RequestStatus::Requested && today > self.due_on
    }

    /// Whether the request is open at `now` (awaited, its link working).
    pub fn is_open(&self, now: PrimitiveDateTime) -> bool {
        self.status_at(now) == RequestStatus::Requested
    }

    /// How the link answers at `now`.
    pub fn link_at(&self, now: PrimitiveDateTime) -> LinkStanding {
        if self.link_revoked_at.is_none() && self.is_open(now) {
            LinkStanding::Open
        } else {
            LinkStanding::Gone
        }
    }

    /// Sets the status by hand (records that arrived otherwise, a refusal, a withdrawal);
    /// answers whether the link is to be revoked with it (always: a closed request takes no
    /// upload).
    pub fn set_status(&mut self, to: RequestStatus) -> Result<(), StatusChangeError> {
        if !matches!(
            to,
            RequestStatus::Received | RequestStatus::Declined | RequestStatus::Cancelled
        ) {
            return Err(StatusChangeError::NotSettable);
        }
        if self.status != RequestStatus::Requested {
            return Err(StatusChangeError::Closed(self.status));
        }
        self.status = to;
        Ok(())
    }
}

/// The due date of a request made on `today` (given, or 14 days on), refused before today.
pub fn due_date(today: Date, given: Option<Date>) -> Result<Date, NewRequestError> {
    match given {
        Some(d) if d < today => Err(NewRequestError::DueInThePast),
        Some(d) => Ok(d),
        None => Ok(today + Duration::days(DEFAULT_DUE_DAYS)),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    fn state() -> RequestState {
        RequestState {
            status: RequestStatus::Requested,
            due_on: date!(2026 - 12 - 21),
            link_expires_at: datetime!(2026-12-21 12:00),
            link_revoked_at: None,
        }
    }

    #[test]
    fn a_request_reads_expired_once_its_link_has_expired_and_its_link_is_gone() {
        let s = state();
        assert_eq!(
            s.status_at(datetime!(2026-12-21 11:59)),
            RequestStatus::Requested
        );
        assert_eq!(s.link_at(datetime!(2026-12-21 11:59)), LinkStanding::Open);
        assert_eq!(
            s.status_at(datetime!(2026-12-21 12:00)),
            RequestStatus::Expired
        );
        assert_eq!(s.link_at(datetime!(2026-12-21 12:00)), LinkStanding::Gone);
    }

    #[test]
    fn a_revoked_or_closed_request_has_no_link() {
        let mut s = state();
        s.link_revoked_at = Some(datetime!(2026-12-08 09:00));
        assert_eq!(s.link_at(datetime!(2026-12-09 09:00)), LinkStanding::Gone);
        let mut s = state();
        s.set_status(RequestStatus::Received).unwrap();
        assert_eq!(s.link_at(datetime!(2026-12-09 09:00)), LinkStanding::Gone);
    }

    #[test]
    fn overdue_is_past_due_and_still_awaited() {
        let mut s = state();
        assert!(!s.is_overdue(date!(2026 - 12 - 21)));
        assert!(s.is_overdue(date!(2026 - 12 - 22)));
        s.set_status(RequestStatus::Received).unwrap();
        assert!(!s.is_overdue(date!(2026 - 12 - 22)));
    }

    #[test]
    fn only_an_awaited_request_changes_and_only_to_a_settable_status() {
        let mut s = state();
        assert_eq!(
            s.set_status(RequestStatus::Expired),
            Err(StatusChangeError::NotSettable)
        );
        assert_eq!(
            s.set_status(RequestStatus::Requested),
            Err(StatusChangeError::NotSettable)
        );
        s.set_status(RequestStatus::Declined).unwrap();
        assert_eq!(
            s.set_status(RequestStatus::Cancelled),
            Err(StatusChangeError::Closed(RequestStatus::Declined))
        );
    }

    #[test]
    fn the_due_date_is_fourteen_days_on_by_default_and_never_before_today() {
        let today = date!(2026 - 12 - 07);
        assert_eq!(due_date(today, None), Ok(date!(2026 - 12 - 21)));
        assert_eq!(due_date(today, Some(today)), Ok(today));
        assert_eq!(
            due_date(today, Some(date!(2026 - 12 - 06))),
            Err(NewRequestError::DueInThePast)
        );
    }
}
