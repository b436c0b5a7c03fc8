//! Shared helpers live in the test modules; this library is empty on purpose.
