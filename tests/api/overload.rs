//! The intake under overload: more notifications at once than the pool can serve are answered,
//! never left to time out: 201 when stored, otherwise 503 (or 429) as problem+json with
//! `Retry-After`, so that a notifier's system knows to send again. What was acknowledged is
//! stored, and nothing refused is.

use std::time::Duration;

use futures_util::future::join_all;

use crate::both_backends;
use crate::cases::{NOTIFICATIONS, notification};
use crate::helpers::{TestApp, sql_count};

/// One connection, and a short wait for it: a small flood is already an overload.
fn tight(c: &mut crate::helpers::Config) {
    c.workers = 4;
    c.pool_size = 1;
    c.pool_timeout = Duration::from_millis(50);
    c.notification_rate_limit = 1000;
}

/// What one notification was answered: its status, and its reference when acknowledged.
struct Answer {
    status: u16,
    reference: Option<String>,
}

/// Sends `n` notifications of different people at once; each must be answered within the
/// client's timeout, as 201 with a reference, or as 503 or 429 problem+json with `Retry-After`.
async fn flood(app: &TestApp, n: usize) -> Vec<Answer> {
    let sends = (0..n).map(|_| {
        app.client
            .post(app.url(NOTIFICATIONS))
            .timeout(Duration::from_secs(30))
            .json(&notification())
            .send()
    });
    let mut answers = Vec::new();
    for res in join_all(sends).await {
        let res = res.expect("every notification is answered before the client gives up");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body: serde_json::Value = res.json().await.expect("a JSON body");
        match status {
            201 => answers.push(Answer {
                status,
                reference: Some(body["reference"].as_str().expect("a reference").to_owned()),
            }),
            503 | 429 => {
                assert_eq!(
                    headers["content-type"], "application/problem+json",
                    "{status}: {body}"
                );
                let retry: u64 = headers["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .expect("Retry-After in seconds");
                assert!((1..=60).contains(&retry), "Retry-After {retry}");
                assert_eq!(body["status"], status, "{body}");
                answers.push(Answer {
                    status,
                    reference: None,
                });
            }
            other => panic!("an overloaded intake answered {other}: {body}"),
        }
    }
    answers
}

both_backends! {
    async fn an_overloaded_intake_answers_503_with_retry_after_and_stores_what_it_acknowledged(app, tight) {
        // While the only connection is held, every notification is refused, quickly.
        let pool = app.pool().clone();
        let held = tokio::task::spawn_blocking(move || pool.get().expect("the only connection"))
            .await
            .unwrap();
        let refused = flood(&app, 8).await;
        assert!(refused.iter().all(|a| a.status == 503), "all refused while the pool is held");
        drop(held);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM notifications").await, 0);

        // A flood larger than one connection serves in its wait: every answer is 201 or a
        // refusal to retry, and exactly the acknowledged notifications are stored.
        let answers = flood(&app, 64).await;
        let acknowledged: Vec<&String> = answers.iter().filter_map(|a| a.reference.as_ref()).collect();
        assert!(!acknowledged.is_empty(), "some of the flood gets through");
        for reference in &acknowledged {
            let stored = sql_count(
                &app,
                &format!("SELECT COUNT(*) AS n FROM notifications WHERE reference = '{reference}'"),
            )
            .await;
            assert_eq!(stored, 1, "{reference} was acknowledged, so it is stored");
        }
        assert_eq!(
            sql_count(&app, "SELECT COUNT(*) AS n FROM notifications").await,
            acknowledged.len() as i64,
            "a refused notification is not stored: its sender will send it again"
        );
    }
}
