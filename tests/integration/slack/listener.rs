//! The HTTP listener over real sockets: clients that stall on their headers or their body are
//! dropped after the read timeout, and signed Slack requests are acknowledged all the while.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use secrecy::SecretString;
use tandem::adapters::http::serve::{ListenerLimits, serve};
use tandem::adapters::slack::verify;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use super::{SECRET, SlackTest};
use crate::support::TestDb;

/// Acknowledgements are due within Slack's 3 seconds, whatever else the listener holds.
const ACK_WITHIN: Duration = Duration::from_secs(3);

/// A running listener; dropping `stop` asks it to stop.
pub struct Served {
    pub addr: SocketAddr,
    pub stop: oneshot::Sender<()>,
    pub task: tokio::task::JoinHandle<()>,
}

pub async fn start(router: Router, limits: ListenerLimits) -> Served {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, router, limits, async {
        let _ = stopped.await;
    }));
    Served { addr, stop, task }
}

/// A connection that sends part of a request and then nothing: unfinished headers, or headers
/// promising a body that never comes.
pub async fn stalled(addr: SocketAddr, in_headers: bool) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let start = match in_headers {
        true => "POST /slack/commands HTTP/1.1\r\nHost: tandem\r\nContent-Ty".to_string(),
        false => "POST /slack/commands HTTP/1.1\r\nHost: tandem\r\n\
                  Content-Type: application/x-www-form-urlencoded\r\n\
                  Content-Length: 4096\r\n\r\ncommand=%2Fmento"
            .to_string(),
    };
    stream.write_all(start.as_bytes()).await.unwrap();
    stream
}

/// `/mentoring help`, signed as Slack signs it, over a fresh connection: the acknowledgement's
/// status and text.
pub async fn signed_help(t: &SlackTest, addr: SocketAddr) -> (u16, String) {
    let fields = t.slash_fields("/mentoring", "UCOORD", "CGENERAL", "help");
    let body = serde_urlencoded::to_string(fields.as_object().unwrap()).unwrap();
    let ts = t.clock_seconds().to_string();
    let signature = verify::sign(&SecretString::from(SECRET), &ts, body.as_bytes());
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let response = client
        .post(format!("http://{addr}/slack/commands"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", ts)
        .header("x-slack-signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// Reads until the server closes the connection (or the bound passes: `false`).
async fn closed_by_server(stream: &mut TcpStream, within: Duration) -> bool {
    let mut rest = Vec::new();
    matches!(
        tokio::time::timeout(within, stream.read_to_end(&mut rest)).await,
        Ok(Ok(_)) | Ok(Err(_))
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_clients_are_dropped_while_signed_requests_are_acknowledged() {
    let t = SlackTest::http(TestDb::sqlite().await).await;
    let limits = ListenerLimits {
        read_timeout: Duration::from_secs(3),
        ..ListenerLimits::default()
    };
    let served = start(t.router.clone(), limits.clone()).await;
    let mut held = Vec::new();
    for i in 0..500 {
        held.push(stalled(served.addr, i % 2 == 0).await);
    }
    for _ in 0..20 {
        let (status, text) = tokio::time::timeout(ACK_WITHIN, signed_help(&t, served.addr))
            .await
            .expect("acknowledged within 3 s");
        assert_eq!(status, 200, "{text}");
        assert!(text.contains("/mentoring"), "{text}");
    }
    // Generous: the read timeout, plus time for a busy machine.
    let bound = limits.read_timeout * 5;
    for (i, stream) in held.iter_mut().enumerate() {
        assert!(
            closed_by_server(stream, bound).await,
            "stalled connection {i} still open"
        );
    }
    served.task.abort();
}

/// Whether the server has already closed the connection, without waiting: what has arrived is
/// read, then the socket says end of stream (closed) or would block (open).
fn already_closed(stream: TcpStream) -> bool {
    use std::io::Read;
    let mut stream = stream.into_std().unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => return false,
            Err(_) => return true,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_listener_serves_the_next_client_once_a_slot_frees() {
    let t = SlackTest::http(TestDb::sqlite().await).await;
    let limits = ListenerLimits {
        read_timeout: Duration::from_secs(1),
        max_connections: 2,
        ..ListenerLimits::default()
    };
    let served = start(t.router.clone(), limits).await;
    let first = stalled(served.addr, true).await;
    let second = stalled(served.addr, false).await;
    let (status, text) =
        tokio::time::timeout(Duration::from_secs(15), signed_help(&t, served.addr))
            .await
            .expect("served once the stalled clients are dropped");
    assert_eq!(status, 200, "{text}");
    // With two slots, the third could only be served once a stalled one was closed (which of
    // the two goes first is up to their timers).
    assert!(
        already_closed(first) || already_closed(second),
        "the third client waited for a free slot"
    );
    served.task.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_ends_in_bounded_time_with_stalled_clients_open() {
    let t = SlackTest::http(TestDb::sqlite().await).await;
    // Far longer than the bound below: only the shutdown grace can end these connections.
    let limits = ListenerLimits {
        read_timeout: Duration::from_secs(600),
        shutdown_grace: Duration::from_millis(200),
        ..ListenerLimits::default()
    };
    let served = start(t.router.clone(), limits).await;
    let mut in_headers = stalled(served.addr, true).await;
    let mut in_body = stalled(served.addr, false).await;
    // A request answered on the way in shows both stalled clients were accepted before the stop.
    let (status, _) = signed_help(&t, served.addr).await;
    assert_eq!(status, 200);
    served.stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), served.task)
        .await
        .expect("the listener stops within the grace, not the read timeout")
        .unwrap();
    let bound = Duration::from_secs(5);
    assert!(closed_by_server(&mut in_headers, bound).await);
    assert!(closed_by_server(&mut in_body, bound).await);
}

/// PostgreSQL only: a lock on `webinars` holds each calendar request on its database connection,
/// as a slow query would, which SQLite's readers cannot be made to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_calendar_requests_leave_the_pool_to_acknowledgements() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let t = SlackTest::http(db).await;
    let router = tandem::adapters::http::router(t.app.clone(), crate::support::metrics_handle())
        .merge(t.router.clone());
    let pool = t.app.store.pool().clone();
    // The operator's key opens every feed (a feed without a key is a 404 before any query).
    let key = tandem::store::calendar_keys::key_for(
        &pool,
        tandem::store::calendar_keys::OPERATOR,
        "listener-test-key",
        crate::support::test_now(),
    )
    .await
    .unwrap();
    let mut lock = pool.begin().await.unwrap();
    sqlx::query("LOCK TABLE webinars IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *lock)
        .await
        .unwrap();
    let feeds: Vec<_> = (0..40)
        .map(|_| {
            let request = axum::http::Request::get(format!("/calendar/all.ics?key={key}"))
                .body(axum::body::Body::empty())
                .unwrap();
            tokio::spawn(tower::ServiceExt::oneshot(router.clone(), request))
        })
        .collect();
    let waiting = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let held = async {
        while waiting().await < 2 {
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(Duration::from_secs(60), held)
        .await
        .expect("calendar requests waiting on the lock");
    let fields = t.slash_fields("/mentoring", "UCOORD", "CGENERAL", "help");
    let body = serde_urlencoded::to_string(fields.as_object().unwrap()).unwrap();
    let ts = t.clock_seconds().to_string();
    let signature = verify::sign(&SecretString::from(SECRET), &ts, body.as_bytes());
    let request = axum::http::Request::post("/slack/commands")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", ts)
        .header("x-slack-signature", signature)
        .body(axum::body::Body::from(body))
        .unwrap();
    let ack = tokio::time::timeout(
        ACK_WITHIN,
        tower::ServiceExt::oneshot(router.clone(), request),
    )
    .await
    .expect("acknowledged within 3 s while the calendar requests wait")
    .unwrap();
    assert_eq!(ack.status(), 200);
    lock.rollback().await.unwrap();
    let mut statuses = Vec::new();
    for feed in feeds {
        statuses.push(feed.await.unwrap().unwrap().status().as_u16());
    }
    assert!(
        statuses.contains(&503),
        "the rest were turned away: {statuses:?}"
    );
    assert!(
        statuses.contains(&200),
        "those let through were answered: {statuses:?}"
    );
}
