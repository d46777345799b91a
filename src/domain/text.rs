//! Text rules shared by the API and the data file: slugs, the characters samenhang stores,
//! and accent-insensitive search.

use std::borrow::Cow;

/// A slug: lowercase ASCII letters and digits in groups joined by single hyphens, at most
/// 100 characters.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 100
        && slug.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Whether a character can be stored in every database and written faithfully in every
/// export format. Refused are NUL and the other C0 control characters except tab, line feed
/// and carriage return (PostgreSQL cannot store NUL, XML 1.0 cannot carry any of them, DOT
/// ends at NUL), and the Unicode non-characters U+FDD0–U+FDEF and U+xFFFE/U+xFFFF of every
/// plane (XML cannot carry U+FFFE and U+FFFF; none of them is text). Lone surrogates cannot
/// occur in a Rust string: the JSON and YAML parsers refuse an escape that makes one.
pub fn is_storable(c: char) -> bool {
    let code = u32::from(c);
    let control = code < 0x20 && !matches!(c, '\t' | '\n' | '\r');
    let non_character = (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE;
    !control && !non_character
}

/// The first character of `text` that cannot be stored, with its position in characters
/// (from 1).
pub fn find_unstorable(text: &str) -> Option<(usize, char)> {
    text.chars()
        .enumerate()
        .find(|(_, c)| !is_storable(*c))
        .map(|(i, c)| (i + 1, c))
}

/// Names a character that cannot be stored, for a message: "U+0000, a control character".
pub fn describe_unstorable(c: char) -> String {
    let what = if u32::from(c) < 0x20 {
        "a control character"
    } else {
        "a Unicode non-character"
    };
    format!("U+{:04X}, {what}", u32::from(c))
}

/// The problem with a text that holds a character that cannot be stored, as a field message;
/// `None` when every character can be.
pub fn unstorable_problem(text: &str) -> Option<String> {
    find_unstorable(text).map(|(at, c)| {
        format!(
            "must not contain {} (at character {at}): it cannot be stored and exported faithfully",
            describe_unstorable(c)
        )
    })
}

/// The text with every character that cannot be stored replaced by U+FFFD, so that data
/// stored before the rule (or written around the service) still exports readably.
pub fn replace_unstorable(text: &str) -> Cow<'_, str> {
    if text.chars().all(is_storable) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.chars()
                .map(|c| {
                    if is_storable(c) {
                        c
                    } else {
                        char::REPLACEMENT_CHARACTER
                    }
                })
                .collect(),
        )
    }
}

/// Folds text for comparison: lowercase, with the accents of Dutch and other Latin scripts
/// removed ("Creëren" and "creeren" fold alike).
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            'ç' => 'c',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_valid_slug("welzijn-lelystad"));
        assert!(is_valid_slug("vhf-1"));
        assert!(!is_valid_slug(""));
        assert!(!is_valid_slug("Welzijn"));
        assert!(!is_valid_slug("a--b"));
        assert!(!is_valid_slug("-a"));
        assert!(!is_valid_slug("a-"));
        assert!(!is_valid_slug("café"));
        assert!(!is_valid_slug(&"a".repeat(101)));
    }

    #[test]
    fn characters_that_cannot_be_stored() {
        for c in [
            '\0', '\u{1}', '\u{1f}', '\u{fdd0}', '\u{fdef}', '\u{fffe}', '\u{ffff}',
        ] {
            assert!(!is_storable(c), "{c:?}");
        }
        for c in ['\u{1fffe}', '\u{1ffff}', '\u{10fffe}', '\u{10ffff}'] {
            assert!(!is_storable(c), "{c:?}");
        }
        for c in [
            '\t', '\n', '\r', ' ', 'é', '\u{7f}', '\u{fdcf}', '\u{fdf0}', '\u{fffd}',
        ] {
            assert!(is_storable(c), "{c:?}");
        }
        assert_eq!(find_unstorable("ab\u{0}c"), Some((3, '\0')));
        assert_eq!(find_unstorable("Wonen & Werk\n"), None);
        assert_eq!(describe_unstorable('\u{1}'), "U+0001, a control character");
        assert_eq!(
            describe_unstorable('\u{1ffff}'),
            "U+1FFFF, a Unicode non-character"
        );
        assert_eq!(replace_unstorable("a\u{0}b\u{fffe}"), "a\u{fffd}b\u{fffd}");
        assert!(matches!(replace_unstorable("gewoon"), Cow::Borrowed(_)));
    }

    #[test]
    fn folding_ignores_case_and_accents() {
        assert_eq!(fold("Creëren ÉÉN"), "creeren een");
    }
}
