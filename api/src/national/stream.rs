//! Streaming the extract with flat memory, on both engines: a producer task reads the reviews in
//! keyset-paged chunks, each in its own short blocking call with its own pooled connection (the
//! response never holds a connection), renders each chunk on a blocking thread, and sends it
//! into a bounded channel that the response body drains, so a slow reader slows the producer
//! instead of filling memory. NDJSON ends with a `{"summary": ...}` line; a stream cut short by
//! an error has none.

use std::sync::Arc;

use actix_web::web::{self, Bytes};
use futures_util::Stream;
use leder_domain::pseudonym::PseudonymKey;
use leder_persistence::Pool;
use leder_persistence::repo::national::{ExtractSource, Selection, sources_after};

use super::extract::Plan;
use crate::dto::national::ExtractSummary;
use crate::error::ApiError;

/// Reviews read per chunk.
pub const CHUNK_ROWS: i64 = 1000;
/// Rendered chunks that may wait in the channel for the client.
pub const CHANNEL_CHUNKS: usize = 4;

/// The formats the extract is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/x-ndjson`: one JSON object per line, then the summary line.
    Ndjson,
    /// `text/csv`: a header line, then one line per row.
    Csv,
}

impl Format {
    /// The format an `Accept` header asks for: NDJSON unless CSV is named first; `None` when
    /// it names neither (nor a wildcard).
    pub fn from_accept(accept: Option<&str>) -> Option<Format> {
        let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
            return Some(Format::Ndjson);
        };
        accept.split(',').find_map(|part| {
            let media = part.split(';').next().unwrap_or("").trim();
            match media {
                "application/x-ndjson" | "application/*" | "*/*" => Some(Format::Ndjson),
                "text/csv" | "text/*" => Some(Format::Csv),
                _ => None,
            }
        })
    }

    /// The response's content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Ndjson => "application/x-ndjson",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// The response headers carrying the summary's counts (both formats).
pub fn summary_headers(summary: &ExtractSummary) -> Vec<(&'static str, String)> {
    vec![
        ("Leder-Rows-Selected", summary.rows_selected.to_string()),
        ("Leder-Rows-Published", summary.rows_published.to_string()),
        ("Leder-Rows-Withheld", summary.withheld.to_string()),
        (
            "Leder-Generalised-Quarter-To-Year",
            summary.generalised.quarter_to_year.to_string(),
        ),
        (
            "Leder-Generalised-Icb-To-Region",
            summary.generalised.icb_to_region.to_string(),
        ),
        (
            "Leder-Generalised-Age-Band-To-Broad",
            summary.generalised.age_band_to_broad.to_string(),
        ),
        ("Leder-K-Anonymity", summary.k.to_string()),
        (
            "Leder-Extracted-At",
            summary
                .extracted_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
        ),
    ]
}

/// Writes the rows of one chunk.
fn render(plan: &Plan, key: &PseudonymKey, sources: &[ExtractSource], format: Format) -> Vec<u8> {
    let mut out = Vec::with_capacity(sources.len() * 512);
    for record in sources.iter().filter_map(|s| plan.record(s, key)) {
        match format {
            Format::Ndjson => {
                if serde_json::to_writer(&mut out, &record).is_ok() {
                    out.push(b'\n');
                }
            }
            Format::Csv => super::csv::write_row(&mut out, &record),
        }
    }
    out
}

/// The response body: chunks from the producer task, through a bounded channel.
pub fn stream(
    pool: Pool,
    plan: Arc<Plan>,
    key: Arc<PseudonymKey>,
    selection: Selection,
    format: Format,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
    let (tx, rx) = tokio::sync::mpsc::channel(CHANNEL_CHUNKS);
    actix_web::rt::spawn(produce(pool, plan, key, selection, format, tx));
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}

type Sender = tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>;

async fn produce(
    pool: Pool,
    plan: Arc<Plan>,
    key: Arc<PseudonymKey>,
    selection: Selection,
    format: Format,
    tx: Sender,
) {
    if format == Format::Csv
        && tx
            .send(Ok(Bytes::from(super::csv::header())))
            .await
            .is_err()
    {
        return;
    }
    let mut after: Option<String> = None;
    loop {
        let from = after.clone();
        let chunk = crate::db::run_on(&pool, move |conn| {
            sources_after(conn, &selection, from.as_deref(), CHUNK_ROWS)
        })
        .await;
        let sources = match chunk {
            Ok(sources) => sources,
            Err(e) => return fail(&tx, e).await,
        };
        let Some(last) = sources.last() else { break };
        after = Some(last.id.clone());
        let more = i64::try_from(sources.len()).unwrap_or(0) == CHUNK_ROWS;
        let (p, k) = (plan.clone(), key.clone());
        let bytes = match web::block(move || render(&p, &k, &sources, format)).await {
            Ok(bytes) => bytes,
            Err(e) => return fail(&tx, ApiError::internal(e)).await,
        };
        if !bytes.is_empty() && tx.send(Ok(Bytes::from(bytes))).await.is_err() {
            return; // The client went away.
        }
        if !more {
            break;
        }
    }
    if format == Format::Ndjson {
        let mut line =
            serde_json::to_vec(&serde_json::json!({ "summary": plan.summary })).unwrap_or_default();
        line.push(b'\n');
        let _ = tx.send(Ok(Bytes::from(line))).await;
    }
}

async fn fail(tx: &Sender, e: ApiError) {
    log::error!("the national extract stopped part-way: {e}");
    let _ = tx
        .send(Err(std::io::Error::other("the extract stopped part-way")))
        .await;
}
