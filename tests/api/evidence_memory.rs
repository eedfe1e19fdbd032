//! Memory stays flat while a 200 MB document goes up and comes back down (issue 16): the
//! server runs in a process of its own, and its peak resident memory (`VmHWM` in
//! `/proc/<pid>/status`) may not pass its resident memory before the transfer by 100 MB, in a
//! folder and in an S3 bucket (moto). The figures are printed (`--nocapture` shows them).

use std::process::Command;
use std::time::Instant;

use actix_web::web::Bytes;
use futures_util::StreamExt;
use sha2::Digest;

use crate::cases::staff;
use crate::evidence::allocated_case;
use crate::evidence_support::{Part, S3Server, pdf, post_form};
use crate::helpers::{Backend, ScratchDatabase, json};
use crate::process::{LEDER, ServerProcess, server_env};

const MIB: usize = 1024 * 1024;
/// The document: 200 MiB.
const CHUNKS: usize = 200;
/// What the transfer may add to the server's resident memory.
const ALLOWED_KB: u64 = 100 * 1024;

/// One MiB of the document: a PDF's header first, then bytes that do not compress.
fn chunk(i: usize) -> Bytes {
    let mut out = vec![0u8; MIB];
    let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ (i as u64);
    for b in &mut out {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = (x >> 24) as u8;
    }
    if i == 0 {
        out[..9].copy_from_slice(b"%PDF-1.7\n");
    }
    Bytes::from(out)
}

fn status_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/{pid}/status"))
}

async fn flat(s3: bool) {
    let s3_server = if s3 {
        let Some(server) = S3Server::start().await else {
            return;
        };
        Some(server)
    } else {
        None
    };
    let db = ScratchDatabase::new(Backend::Sqlite).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut env = server_env(&db.url, dir.path());
    env.push(("LEDER_ATTACHMENT_MAX_BYTES".into(), "300000000".into()));
    if let Some(server) = &s3_server {
        env.push(("LEDER_STORAGE_URL".into(), server.bucket().await));
    }
    let mut command = Command::new(LEDER);
    command.arg("serve").envs(env);
    let server = ServerProcess::start(command).await;
    let s = staff(&server).await;
    let id = allocated_case(&server, &s).await;
    let docs = format!("/api/v1/reviews/{id}/attachments");
    // Warm up: one small document up and down, so that the baseline has every pool and
    // buffer of an ordinary upload.
    let small = json(
        post_form(
            &server,
            &docs,
            Some(&s.reviewer.token),
            &[Part::File("file", "small.pdf", &pdf(1))],
        )
        .await,
        201,
    )
    .await;
    let res = server
        .get_as(
            &format!(
                "/api/v1/attachments/{}/content",
                small["id"].as_str().unwrap()
            ),
            &s.reviewer.token,
        )
        .await;
    assert_eq!(res.bytes().await.unwrap(), pdf(1));
    let baseline = status_kb(server.pid(), "VmRSS");

    let boundary = "leder-memory-boundary";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"large.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    );
    let tail = format!("\r\n--{boundary}--\r\n");
    let parts = std::iter::once(Bytes::from(head))
        .chain((0..CHUNKS).map(chunk))
        .chain(std::iter::once(Bytes::from(tail)));
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(
        parts.map(Ok::<_, std::io::Error>),
    ));
    let started = Instant::now();
    let res = server
        .client
        .post(server.url(&docs))
        .bearer_auth(&s.reviewer.token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let kept = json(res, 201).await;
    let up = started.elapsed();
    let mut expected = sha2::Sha256::new();
    (0..CHUNKS).for_each(|i| expected.update(chunk(i)));
    let expected: String = expected
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(kept["sha256"], expected.as_str());
    assert_eq!(kept["size_bytes"], CHUNKS * MIB);

    let started = Instant::now();
    // A connection of its own: hashing the expected bytes took longer than the server keeps
    // an idle connection open.
    let res = reqwest::Client::new()
        .get(server.url(&format!(
            "/api/v1/attachments/{}/content",
            kept["id"].as_str().unwrap()
        )))
        .bearer_auth(&s.reviewer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mut stream = res.bytes_stream();
    let mut got = sha2::Sha256::new();
    let mut size = 0usize;
    while let Some(piece) = stream.next().await {
        let piece = piece.unwrap();
        size += piece.len();
        got.update(&piece);
    }
    let down = started.elapsed();
    let got: String = got.finalize().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!((size, got), (CHUNKS * MIB, expected));
    let peak = status_kb(server.pid(), "VmHWM");
    let store = if s3 { "S3 (moto)" } else { "a folder" };
    eprintln!(
        "memory, 200 MiB in {store}: resident before {baseline} kB, peak {peak} kB (+{} kB); \
         up {:.1} s, down {:.1} s",
        peak.saturating_sub(baseline),
        up.as_secs_f64(),
        down.as_secs_f64()
    );
    assert!(
        peak.saturating_sub(baseline) < ALLOWED_KB,
        "the server's peak ({peak} kB) passed its resident memory before the transfer \
         ({baseline} kB) by more than {ALLOWED_KB} kB"
    );
}

#[actix_web::test]
async fn memory_stays_flat_while_200_mb_go_up_and_down_in_a_folder() {
    flat(false).await;
}

#[actix_web::test]
async fn memory_stays_flat_while_200_mb_go_up_and_down_in_s3() {
    flat(true).await;
}
