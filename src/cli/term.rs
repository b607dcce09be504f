//! What the command line prints goes through here: control characters that came from the
//! data (a case number, a title, a path) are shown as `\u{1b}`-style escapes, so a hostile
//! file cannot clear the screen, retitle the window or ring the bell. Newlines and tabs stay.

use std::io::Write;

/// A writer that escapes C0 controls (but `\n` and `\t`), DEL and the C1 controls
/// (U+0080–U+009F, `C2 80`–`C2 9F` in UTF-8). Works byte by byte: C0 and DEL never occur
/// inside a UTF-8 sequence, and a `C2` lead byte is held until the next byte decides.
pub struct Escaped<W: Write> {
    inner: W,
    pending_c2: bool,
}

/// Wraps a writer.
pub fn escaped<W: Write>(inner: W) -> Escaped<W> {
    Escaped {
        inner,
        pending_c2: false,
    }
}

impl<W: Write> Write for Escaped<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut out = Vec::with_capacity(buf.len());
        for &b in buf {
            if self.pending_c2 {
                self.pending_c2 = false;
                if (0x80..=0x9f).contains(&b) {
                    out.extend_from_slice(format!("\\u{{{b:x}}}").as_bytes());
                    continue;
                }
                out.push(0xc2);
            }
            match b {
                b'\n' | b'\t' => out.push(b),
                0x00..=0x1f | 0x7f => out.extend_from_slice(format!("\\u{{{b:x}}}").as_bytes()),
                0xc2 => self.pending_c2 = true,
                _ => out.push(b),
            }
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.pending_c2 {
            self.pending_c2 = false;
            self.inner.write_all(&[0xc2])?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for Escaped<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// `println!` with the data's control characters escaped.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut out = $crate::cli::term::escaped(std::io::stdout().lock());
        if let Err(e) = writeln!(out, $($arg)*) {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                panic!("无法写入标准输出：{e}");
            }
        }
    }};
}

/// `eprintln!` with the data's control characters escaped.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut err = $crate::cli::term::escaped(std::io::stderr().lock());
        let _ = writeln!(err, $($arg)*);
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_from_the_data_are_shown_not_obeyed() {
        let mut out = escaped(Vec::new());
        write!(out, "案号\x1b]0;标题\x07〔2024〕\u{9b}2J 1号\n\t下一行\x7f").unwrap();
        out.flush().unwrap();
        let text = String::from_utf8(std::mem::take(&mut out.inner)).unwrap();
        assert_eq!(text, "案号\\u{1b}]0;标题\\u{7}〔2024〕\\u{9b}2J 1号\n\t下一行\\u{7f}");
        // Other two-byte characters led by C2 pass whole, even split across writes.
        let mut out = escaped(Vec::new());
        out.write_all(&[0xc2]).unwrap();
        out.write_all(&[0xa5, b'!']).unwrap();
        out.flush().unwrap();
        assert_eq!(String::from_utf8(std::mem::take(&mut out.inner)).unwrap(), "¥!");
    }
}
