//! OCR of a project's scans, as a long job: which pages to read, reading them one by one
//! (rendered in a reader process, read by the installed engine), storing each page's lines as
//! it is read — so a job that is cancelled or interrupted resumes where it stopped.

/// Threads per network run for the command line: every core (nothing else is drawing).
pub fn threads_for_command_line() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// Threads per network run inside the app: one core is left to the window, so a long OCR
/// job never stops it from drawing.
pub fn threads_for_app() -> usize {
    threads_for_command_line().saturating_sub(1).max(1)
}
