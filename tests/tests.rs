//! Integration tests, built as one binary (as ripgrep does) to save link time.

mod util;

mod campaigns;
mod check;
mod emscad;
mod eval_inspect;
mod hostile_input;
mod multilingual;
mod output_paths;
mod python;
mod real_lures;
mod score;
mod sea_samples;
mod serve;
mod serve_browser;
mod train;
