//! The environment variables and files skyform reads and writes, each with
//! what it does: the manual page's ENVIRONMENT and FILES sections and
//! `docs/reference/cli-options.md` are generated from these tables.
//!
//! Pure data.

/// The environment variables skyform reads, each with what it does: the
/// manual page's ENVIRONMENT section and docs/reference/cli.md. A test checks
/// the names against every variable the code reads.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "CLEARSKY_API_KEY",
        "The ClearSKY API key, unless `--api-key-file` is given. Not needed with `--sandbox`.",
    ),
    ("CLEARSKY_API_URL", "The API base URL: the default of `--api-url`."),
    ("SKYFORM_NOW", "The default of `--now`: plan as if it were this time."),
    ("SKYFORM_RECHECK_WAIT", "The default of `--recheck-wait` (seconds) for `plan` and `apply`."),
    (
        "SKYFORM_BASE",
        "The default of `--base` (a git revision) for `plan` and `apply`; empty means none.",
    ),
    (
        "SKYFORM_LOCK_DIR",
        "The directory of `apply`'s account locks, instead of `skyform-locks` in the \
         system's temporary directory.",
    ),
    (
        "SKYFORM_TEST_BACKOFF_MS",
        "For tests against a local emulator: the longest wait, in milliseconds, between two \
         attempts of a request the client retries. Honoured only for a loopback API URL; it \
         shortens waits and changes nothing about what is sent.",
    ),
    (
        "SKYFORM_MAX_LIST_LAG",
        "The default of `--max-list-lag` (seconds): how long a create whose outcome is \
         unknown holds its entry.",
    ),
    ("NO_COLOR", "When set and not empty, `--color auto` does not colour."),
    ("RUST_LOG", "`tracing` filter directives for the log on stderr; when set, it wins over `-v`."),
];

/// The files skyform reads or writes besides manifests, each with what it
/// holds: the manual page's FILES section and docs/reference/cli.md.
pub const FILES: &[(&str, &str)] = &[
    (
        ".skyform/",
        "skyform's own state, in the directory it runs in (created when first needed). \
         Add `.skyform/` to `.gitignore`.",
    ),
    (
        ".skyform/pending.json",
        "The pending record of earlier versions of skyform, per directory: read once and \
         moved into the machine record by the next `apply`.",
    ),
    (
        ".skyform/sandbox.json",
        "The state of `--sandbox` (the default of `--sandbox-state`), and next to it \
         `sandbox.json.lock`, held while a command uses that state.",
    ),
    (
        "/var/tmp/skyform/ACCOUNT/apply.lock",
        "`apply`'s account lock: one apply per account on this machine at a time, whatever \
         the working directory or `$TMPDIR` (see `--lock-timeout`; `SKYFORM_LOCK_DIR` moves \
         the directory). ACCOUNT is a hash of the canonical API URL and of the key; the key \
         is never written.",
    ),
    (
        "/var/tmp/skyform/ACCOUNT/pending.json",
        "Orders an apply created, or may have created, that the order list did not show \
         yet: every later `plan` or `apply` of the account on this machine waits for them, \
         and holds an entry whose create had an unknown outcome until `--max-list-lag` \
         (`skyform pending` lists them, `skyform pending forget ENTRY` releases one).",
    ),
    (
        "plan --out FILE",
        "A saved plan (JSON), with digests of the manifests and orders it was computed \
         from; `apply --plan FILE` applies it only if planning again gives the same plan.",
    ),
];
