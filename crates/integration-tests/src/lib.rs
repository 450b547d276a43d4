//! Nothing to link: the tests in `tests/` drive `clerk-backend` against `clerk-emulator` over
//! loopback, and `benches/emulator.rs` measures the emulator through the SDK.
