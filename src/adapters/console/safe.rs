//! Text made safe for a terminal: participants choose their names, notes and answers, and a
//! terminal obeys escape sequences in what it prints (moving the cursor, retitling the window,
//! hiding lines). Only newlines and tabs pass; every other control character and every escape
//! sequence is dropped before anything reaches the screen.

/// `text` without control characters, escape sequences (CSI, OSC, DCS and the rest) or the
/// invisible marks that reorder a line (bidirectional overrides).
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\u{1b}' => skip_escape(&mut chars),
            // C1 introducers that some terminals read like ESC [ and ESC ].
            '\u{9b}' => skip_until_final(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After ESC: a CSI (`[`), a string (`]`, `P`, `X`, `^`, `_`) or a two-character sequence.
fn skip_escape(chars: &mut Chars) {
    match chars.next() {
        Some('[') => skip_until_final(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars),
        // Intermediate bytes (ESC ( B) come before the final one.
        Some(' '..='/') => {
            while chars.next_if(|c| (' '..='/').contains(c)).is_some() {}
            chars.next();
        }
        _ => {}
    }
}

/// A CSI's parameters and intermediates, up to and including its final byte (`@`..`~`).
fn skip_until_final(chars: &mut Chars) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) || c.is_control() {
            break;
        }
    }
}

/// An OSC/DCS string, up to BEL, ST (`ESC \` or U+009C) or the end of the line.
fn skip_string(chars: &mut Chars) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' | '\n' => break,
            '\u{1b}' => {
                chars.next_if_eq(&'\\');
                break;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::terminal_safe;

    #[test]
    fn plain_text_and_line_breaks_pass() {
        assert_eq!(
            terminal_safe("Aroha Ngata\n\tmet ☕ 🙂"),
            "Aroha Ngata\n\tmet ☕ 🙂"
        );
    }

    #[test]
    fn escape_sequences_and_controls_are_dropped() {
        assert_eq!(terminal_safe("\u{1b}[2J\u{1b}[31mRed\u{1b}[0m"), "Red");
        assert_eq!(terminal_safe("a\u{1b}]0;pwned title\u{7}b"), "ab");
        assert_eq!(
            terminal_safe("a\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\"),
            "alink"
        );
        assert_eq!(terminal_safe("x\u{1b}(By\u{1b}7z"), "xyz");
        assert_eq!(terminal_safe("\u{9b}1;1Hhome"), "home");
        assert_eq!(terminal_safe("bell\u{7}\rover\u{8}\u{0}\u{7f}"), "bellover");
        assert_eq!(terminal_safe("evil\u{202e}gnp.exe"), "evilgnp.exe");
    }
}
