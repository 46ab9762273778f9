//! The HTTP service (axum on tokio).
//!
//! | method and path | answer |
//! |---|---|
//! | `GET /` | [`WitnessInfo`] |
//! | `POST /add-checkpoint` | `200` the cosignature envelope; `409` conflict or fork; `400`, `413`, `422`, `503` refusals ([`crate::api`]) |
//! | `GET /logs/{issuer_key_id}/{kind}` | [`LogAnswer`], or `404` |
//!
//! Each add-checkpoint runs on tokio's blocking pool under one lock of the
//! store, as one SQLite transaction ([`Store::add_checkpoint`]).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use double_random::calendar::Timestamp;
use double_random::records::IssuerKey;
use double_random::witness::{Limits, LogKind, parse_add_checkpoint};
use serde_json::value::RawValue;

use crate::api::{ErrorAnswer, LogAnswer, WitnessInfo, refusal_answer, request_error_answer};
use crate::store::{Store, StoreError};

/// Default largest request body: 64 MiB.
pub const DEFAULT_MAX_BODY: usize = 64 << 20;

/// A witness: its key, its store, its limits and its clock.
pub struct Witness {
    key: IssuerKey,
    store: Mutex<Store>,
    limits: Limits,
    clock: fn() -> Option<Timestamp>,
}

impl std::fmt::Debug for Witness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Witness")
            .field("key", &self.key)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Witness {
    /// A witness signing with `key`, keeping its state in `store`, reading
    /// the time from `clock` (the system clock: [`crate::system_now`]).
    pub fn new(
        key: IssuerKey,
        store: Store,
        limits: Limits,
        clock: fn() -> Option<Timestamp>,
    ) -> Witness {
        Witness {
            key,
            store: Mutex::new(store),
            limits,
            clock,
        }
    }

    /// `GET /`.
    pub fn info(&self) -> WitnessInfo {
        WitnessInfo {
            name: self.key.issuer().to_owned(),
            key_id: self.key.key_id().to_owned(),
            public_key: self.key.public_key().to_text(),
        }
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave a half-written state
        // (SQLite rolls the transaction back), so a poisoned lock is usable.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `POST /add-checkpoint` on a body: the status and the answer's JSON
    /// text. Blocking (SQLite); the answer is made after the commit.
    pub fn add_checkpoint(&self, body: &[u8]) -> (u16, String) {
        let request = match parse_add_checkpoint(body, &self.limits) {
            Ok(r) => r,
            Err(e) => {
                let (status, a) = request_error_answer(&e);
                return (status, a.to_json());
            }
        };
        let result = self
            .store()
            .add_checkpoint(&request, &self.key, self.clock, &self.limits);
        match result {
            Ok(Ok(accepted)) => (200, accepted.cosignature.to_json()),
            Ok(Err(refusal)) => {
                let (status, a) = refusal_answer(&refusal);
                (status, a.to_json())
            }
            Err(e) => internal(&e),
        }
    }

    /// `GET /logs/{issuer_key_id}/{kind}`: the status and the answer's JSON text.
    pub fn log(&self, issuer_key_id: &str, kind: &str) -> (u16, String) {
        let Ok(kind) = kind.parse::<LogKind>() else {
            return (
                404,
                ErrorAnswer::new("bad-path", format!("{kind:?} is not receipts or results"))
                    .to_json(),
            );
        };
        match self.store().log(issuer_key_id, kind) {
            Ok(Some((state, envelope))) => {
                let Ok(cosignature) = RawValue::from_string(envelope.to_json()) else {
                    return internal(&"a stored cosignature is not JSON");
                };
                let answer = LogAnswer {
                    head: state.head,
                    cosignature,
                };
                (200, serde_json::to_string(&answer).unwrap_or_default())
            }
            Ok(None) => (
                404,
                ErrorAnswer::new(
                    "unknown-log",
                    format!("no {kind} log of key {issuer_key_id} has been cosigned here"),
                )
                .to_json(),
            ),
            Err(e) => internal(&e),
        }
    }
}

fn internal(e: &dyn std::fmt::Display) -> (u16, String) {
    eprintln!("double-random witness: {e}");
    (500, ErrorAnswer::new("internal", e).to_json())
}

fn json(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn get_info(State(w): State<Arc<Witness>>) -> Response {
    json(200, serde_json::to_string(&w.info()).unwrap_or_default())
}

async fn post_add_checkpoint(State(w): State<Arc<Witness>>, body: Bytes) -> Response {
    match tokio::task::spawn_blocking(move || w.add_checkpoint(&body)).await {
        Ok((status, body)) => json(status, body),
        Err(e) => {
            let (status, body) = internal(&e);
            json(status, body)
        }
    }
}

async fn get_log(
    State(w): State<Arc<Witness>>,
    Path((key_id, kind)): Path<(String, String)>,
) -> Response {
    match tokio::task::spawn_blocking(move || w.log(&key_id, &kind)).await {
        Ok((status, body)) => json(status, body),
        Err(e) => {
            let (status, body) = internal(&e);
            json(status, body)
        }
    }
}

/// The routes, with request bodies limited to `max_body` bytes (`413` above).
pub fn router(witness: Arc<Witness>, max_body: usize) -> Router {
    Router::new()
        .route("/", get(get_info))
        .route("/add-checkpoint", post(post_add_checkpoint))
        .route("/logs/{issuer_key_id}/{kind}", get(get_log))
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(witness)
}

/// Why the service stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The runtime could not start.
    #[error("cannot start the runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The address cannot be bound.
    #[error("cannot listen on {address}: {cause}")]
    Bind {
        /// The address asked for.
        address: String,
        /// Why.
        #[source]
        cause: std::io::Error,
    },
    /// Serving failed.
    #[error("the service failed: {0}")]
    Serve(#[source] std::io::Error),
    /// The store cannot be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Serves `witness` on `listen` until Ctrl-C, on a runtime of its own (two
/// worker threads). `on_bound` is called with the bound address once the
/// socket listens (port 0 picks a free port).
pub fn serve(
    witness: Arc<Witness>,
    listen: &str,
    max_body: usize,
    on_bound: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async move {
        let bind = |cause| ServeError::Bind {
            address: listen.to_owned(),
            cause,
        };
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(bind)?;
        on_bound(listener.local_addr().map_err(bind)?);
        axum::serve(listener, router(witness, max_body))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(ServeError::Serve)
    })
}
