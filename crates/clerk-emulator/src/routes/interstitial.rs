//! `GET /v1/public/interstitial`: the page that lets ClerkJS settle a browser's session (see
//! `domain::interstitial`). Public: it needs no secret key.

use crate::domain::interstitial::{InterstitialParams, render};
use crate::error::ApiResult;
use crate::server::{Query, Shared};
use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub(crate) fn public_router() -> Router<Shared> {
    Router::new().route("/v1/public/interstitial", get(interstitial))
}

async fn interstitial(Query(params): Query<InterstitialParams>) -> ApiResult<Response> {
    let page = render(&params)?;
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response())
}
