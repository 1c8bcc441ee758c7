#![no_main]
//! The JSONL record reader (lines, BOM, keys, limits, gzip) on arbitrary bytes.
mod common;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::read_all(data, lurescan::input::Format::Jsonl));
