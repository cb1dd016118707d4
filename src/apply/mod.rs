//! Executes a plan: creates, then cancels, deciding nothing the plan did not decide.
