//! The daemon's one error type: what a handler can fail with, and how each
//! failure reaches the client.
//!
//! A client gets a JSON body `{"error": "..."}` and a status it can act on:
//! 400 for a bad parameter (the body names it), 404 for an unknown article
//! or route, 503 when a request took too long. Anything else is a 500 whose
//! details go to the log only, never to the client. The web page shows
//! the same failure in words, in the reader's language ([`ApiError::friendly`]).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use super::i18n::{Msg, Ui};

/// A failed request. Its `Display` is what the log says of it; a client
/// sees [`ApiError::public_message`].
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A query parameter is missing or invalid.
    #[error("invalid parameter `{name}`: {message}")]
    BadParam { name: &'static str, message: String },
    /// No such article, or no such route.
    #[error("{0}")]
    NotFound(String),
    /// The request took longer than the configured timeout.
    #[error("the request took longer than {} s; try a simpler query", .0.as_secs_f64())]
    Timeout(std::time::Duration),
    /// A failure of the server itself; logged, not shown.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The JSON body of every error response.
#[derive(Debug, Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    /// The offending parameter, for 400 responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<&'static str>,
}

impl ApiError {
    /// A bad-parameter error.
    pub fn param(name: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::BadParam {
            name,
            message: message.into(),
        }
    }

    /// An internal error; `context` says what was being done.
    pub fn internal(context: &str, err: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(format!("{context}: {err}"))
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadParam { .. } => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Timeout(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message a client may see. Internal details are never in it.
    pub fn public_message(&self) -> String {
        match self {
            ApiError::Internal(_) => "internal error (see the server log)".to_string(),
            other => other.to_string(),
        }
    }

    /// The message a person reads on the web page: what went wrong and
    /// what to do, in words, in the interface language.
    pub fn friendly(&self, ui: Ui) -> String {
        match self {
            ApiError::BadParam { name, .. } => ui.bad_param(name),
            ApiError::NotFound(_) => ui.t(Msg::NotFound).to_string(),
            ApiError::Timeout(limit) => ui.timed_out(limit.as_secs_f64()),
            ApiError::Internal(_) => ui.t(Msg::Internal).to_string(),
        }
    }

    /// Logs the details of an internal error (other errors are the client's).
    pub fn log(&self) {
        if let ApiError::Internal(details) = self {
            tracing::error!("{details}");
        }
    }
}

impl From<crate::Error> for ApiError {
    fn from(err: crate::Error) -> ApiError {
        match err {
            crate::Error::InvalidParameter { name, message } => ApiError::BadParam {
                name: name.trim_start_matches('-'),
                message,
            },
            crate::Error::UnknownLanguage(code) => {
                ApiError::param("lang", format!("unknown language {code:?}"))
            }
            other => ApiError::internal("index", other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log();
        let message = self.public_message();
        let parameter = match &self {
            ApiError::BadParam { name, .. } => Some(*name),
            _ => None,
        };
        let body = ErrorBody {
            error: &message,
            parameter,
        };
        (self.status(), Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_details_stay_private() {
        let e = ApiError::internal("reading", "/secret/path: permission denied");
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!e.public_message().contains("secret"));
    }

    #[test]
    fn library_parameter_errors_are_bad_requests() {
        let e: ApiError = crate::Error::param("limit", "at most 100").into();
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        assert!(e.public_message().contains("`limit`"));
        assert_eq!(e.friendly(Ui::Fr), Ui::Fr.bad_param("limit"));
        assert!(!e.friendly(Ui::En).contains('`'), "in words");
    }
}
