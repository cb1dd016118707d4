//! The account as one run sees it: its facts (`GET /api/account/info`, and
//! the legacy `GET /api/apikey/info`), the models it is offered (read only
//! when the plan creates something) and the concurrency decided from them.
//! Read once, then handed around as an immutable value (omicron's
//! `PlanningInput`): no later step reads the account again.
//!
//! Does IO (three API reads); what it decides is [`limits::concurrency`]'s.

use std::num::NonZeroUsize;

use clearsky::api::Client;
use clearsky::api::types::{AccountInfo, ApiKeyInfo, TaskingModels};

use crate::limits;
use crate::plan::account::AccountStart;
use crate::pricing;
use crate::ui::Ui;

/// What one run read of the account.
#[derive(Debug, Clone)]
pub struct Account {
    /// `GET /api/account/info`, when it could be read.
    pub info: Option<AccountInfo>,
    /// `GET /api/apikey/info`, when it could be read.
    pub legacy: Option<ApiKeyInfo>,
    /// The models the API offers, when read (only for plans that create).
    pub models: Option<TaskingModels>,
    /// Requests to keep in flight: `--concurrency`, never above the account's
    /// `MaxConcurrentConnections`.
    pub concurrency: NonZeroUsize,
}

impl Account {
    /// Reads the account's facts, and its models when `with_models`. A fact
    /// that cannot be read is left out (pricing then says what it assumed);
    /// models that cannot be read are told as a warning.
    pub async fn read(
        client: &Client,
        flag: Option<NonZeroUsize>,
        with_models: bool,
        ui: &dyn Ui,
    ) -> Self {
        // Two at a time: the account's concurrency limit is not known before
        // the first answer (assumed: every account allows two).
        let (info, legacy) = futures::join!(client.account_info(), client.apikey_info());
        let models = if with_models { offered_models(client, ui).await } else { None };
        let (info, legacy) = (info.ok(), legacy.ok());
        let decided =
            limits::concurrency(flag, info.as_ref().and_then(|a| a.max_concurrent_connections));
        if let Some(note) = decided.note {
            ui.line(&note);
        }
        Self { info, legacy, models, concurrency: decided.value }
    }

    /// Where the month's spend starts, for the chained estimates.
    pub fn start(&self) -> AccountStart {
        pricing::account::start(self.info.as_ref(), self.legacy.as_ref())
    }
}

/// Reads the models the API offers (`GET /api/tasking/models`). When they
/// cannot be read, says so and goes on: the estimate of every create is still
/// checked by the API itself.
pub async fn offered_models(client: &Client, ui: &dyn Ui) -> Option<TaskingModels> {
    match client.models().await {
        Ok(models) => Some(models),
        Err(e) => {
            ui.line(&format!(
                "warning: cannot read the models the API offers ({e}); the estimates check each \
                 order's model instead"
            ));
            None
        }
    }
}
