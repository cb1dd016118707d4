//! The README walk-through, verbatim: every command of its `sh` blocks that
//! needs no API key (validate, schema, the sandbox, completions, the man page)
//! runs in a temporary copy of the examples and exits as the README says.
