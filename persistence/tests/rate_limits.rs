//! The shared rate-limit counters on both engines: a window counts each hit once, ends after its
//! length (the next hit starts a new one at one), and ended windows are swept. The clock is
//! passed in, so no test waits.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "tests fail by panicking, and their names say what they check"
)]

mod common;

use leder_persistence::DbConnection;
use leder_persistence::repo::rate_limits::{self, Window};
use time::Duration;
use time::macros::datetime;

const MINUTE: Duration = Duration::seconds(60);

fn windows_start_at_the_first_hit_and_end_after_their_length(conn: &mut DbConnection) {
    let t0 = datetime!(2026-11-29 10:00:30);
    for n in 1..=3 {
        let w = rate_limits::hit(conn, "intake:a", t0 + Duration::seconds(n), MINUTE).unwrap();
        assert_eq!(
            w,
            Window {
                started: t0 + Duration::seconds(1),
                hits: n
            }
        );
    }
    assert_eq!(
        rate_limits::hit(conn, "intake:b", t0, MINUTE).unwrap().hits,
        1
    );
    let running = rate_limits::current(conn, "intake:a", t0 + Duration::seconds(60), MINUTE);
    assert_eq!(running.unwrap().map(|w| w.hits), Some(3));
    // One minute after its first hit the window has ended: nothing runs, and a hit starts anew.
    let later = t0 + Duration::seconds(61);
    assert_eq!(
        rate_limits::current(conn, "intake:a", later, MINUTE).unwrap(),
        None
    );
    let w = rate_limits::hit(conn, "intake:a", later, MINUTE).unwrap();
    assert_eq!(
        w,
        Window {
            started: later,
            hits: 1
        }
    );
    // Only intake:b's window (started at t0) has ended by t0 + 61 s.
    assert_eq!(rate_limits::sweep(conn, later - MINUTE).unwrap(), 1);
    assert_eq!(
        rate_limits::current(conn, "intake:b", t0, MINUTE).unwrap(),
        None
    );
}

#[test]
fn on_sqlite() {
    common::on_sqlite(
        "rl",
        windows_start_at_the_first_hit_and_end_after_their_length,
    );
}

#[test]
fn on_postgres() {
    common::on_postgres(
        "rl",
        windows_start_at_the_first_hit_and_end_after_their_length,
    );
}
